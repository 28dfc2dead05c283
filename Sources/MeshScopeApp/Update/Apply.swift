import Foundation
import MeshModel
import TerminalUI

/// `a` / `:apply`: the dry run's preview, the question, and what was applied. The
/// entries waiting for `y` live here only (``AppState/pendingApply``); `y` asks the runtime
/// to apply them.
extension AppState {
    /// Why `a` / `:apply` cannot run here (nil: it can): the source's own reason first (a
    /// snapshot is read-only whatever the flags), then `--readonly`.
    var applyUnavailableReason: String? {
        source.applyRefusal ?? (readonly ? "--readonly: apply is disabled" : nil)
    }

    /// `a` / `:apply`: refused with the reason, or the runtime reads the clipboard.
    mutating func startApply(_ fx: inout [Effect]) {
        if let why = applyUnavailableReason {
            flash = Flash(why, .warn, at: now)
            return
        }
        fx.append(.applyFromClipboard)
        flash = Flash("reading the clipboard and dry-running it against \(source.context)…", .info, at: now)
    }

    /// The dry run's answer: per object created, changed (with its diff), unchanged or
    /// failing, then a yes/no question when something would change.
    mutating func showApplyPreview(_ entries: [ApplyEntry], source clip: String, findings: [Finding] = []) {
        let changes = entries.filter { if case .create? = $0.preview { true } else if case .change? = $0.preview { true } else { false } }
        let failed = entries.filter { if case .failed? = $0.preview { true } else { false } }
        push(Screen(crumb: "apply preview", content: .diff(DiffScreen.apply(entries, context: source.context, clipboard: clip, findings: findings))))
        guard !changes.isEmpty else {
            pendingApply = nil
            let msg = "nothing to apply: \(entries.count - failed.count) unchanged" + (failed.isEmpty ? "" : ", \(failed.count) failing the dry run")
            flash = Flash(msg, failed.isEmpty ? .info : .error, at: now)
            return
        }
        pendingApply = entries
        let creates = changes.filter { $0.preview == .create }.count
        var message = ["Apply \(changes.count) change\(changes.count == 1 ? "" : "s") (\(creates) create, \(changes.count - creates) change)",
                       "to context \"\(source.context)\"?"]
        if !failed.isEmpty { message.append("\(failed.count) object\(failed.count == 1 ? "" : "s") failing the dry run will be skipped.") }
        if !findings.isEmpty {
            let errors = findings.filter { $0.severity == .error }.count
            message.append("It would introduce \(findings.count) finding\(findings.count == 1 ? "" : "s")\(errors > 0 ? " (\(errors) error\(errors == 1 ? "" : "s"))" : "") (see the summary).")
        }
        mode = .confirm(Confirm(dialog: Dialog(title: " Apply ", message: message), onYes: [.applyConfirmed], quitOnYes: false))
        flash = Flash("dry run: \(changes.count) to apply; y applies, n cancels (j/k scroll)", .info, at: now)
    }

    /// What apply did, per object; replaces the preview on the stack.
    mutating func showApplyResult(_ entries: [ApplyEntry]) {
        pendingApply = nil
        var text = "Applied to context \"\(source.context)\":\n\n" + ApplyTables.results(entries).render()
        for e in entries {
            if case .failed(let f)? = e.outcome { text += "\n#\(e.document.index) \(e.ref):\n\(f)\n" }
        }
        if stack.last?.crumb == "apply preview" { stack.removeLast() }
        push(Screen.text("apply result", text))
        let bad = entries.filter { $0.outcome?.isFailure ?? true }
        let done = Dictionary(grouping: entries.compactMap { $0.outcome?.isFailure == false ? $0.outcome!.label : nil }, by: { $0 })
            .sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key)" }.joined(separator: ", ")
        flash = bad.isEmpty
            ? Flash("applied: \(done)", .info, at: now)
            : Flash("\(bad.count) of \(entries.count) not applied" + (done.isEmpty ? "" : "; \(done)"), .error, at: now)
    }

    /// Apply could not start: why, on a screen of its own, and whole in the flash (which
    /// shows its first line and points to `:messages`).
    mutating func showApplyFailure(_ message: String) {
        pendingApply = nil
        push(Screen.text("apply", "Apply from the clipboard failed:\n\n" + message + "\n"))
        flash = Flash(message, .error, at: now)
    }
}
