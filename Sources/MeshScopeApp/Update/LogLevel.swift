import Foundation
import MeshModel
import TerminalUI

/// A confirmed change of a proxy's log levels, for the runtime (``Effect/setLogLevel(_:)``).
public struct LogLevelRequest: Sendable, Equatable {
    public var pod: String
    public var namespace: String
    /// `[LOGGER:]LEVEL,…`; nil with `reset`.
    public var level: String?
    public var reset: Bool

    public init(pod: String, namespace: String, level: String?, reset: Bool) {
        self.pod = pod
        self.namespace = namespace
        self.level = level
        self.reset = reset
    }

    /// `rbac:debug on reviews-v2-abc.bookinfo`.
    public var summary: String { (reset ? "reset to defaults" : level ?? "") + " on \(pod).\(namespace)" }
}

/// `v` on a pod or proxy: the `:` line is prefilled with `log-level POD.NS `; the user types
/// `[LOGGER:]LEVEL,…` (or `--reset`); the runtime asks the API server whether the user may
/// write to that proxy (``Effect/reviewLogLevel(_:)``), and only then is the question asked:
/// `y` changes the live proxy. A refusal is said instead of asking. Refused under
/// `--readonly` and on sources with no live proxy, with the reason.
extension AppState {
    mutating func promptLogLevel() {
        guard case .table(let t) = focused, let row = t.selectedRow else { return }
        guard let pod = FlowViews.query(view: t.spec.name, row: row)?.pod else {
            flash = Flash("v sets the log levels of a pod's or proxy's Envoy (:pods, :proxies)", .warn, at: now)
            return
        }
        if let refusal = logLevelRefusal {
            flash = Flash(refusal, .warn, at: now)
            return
        }
        var ed = LineEditor(prefix: ":", text: "log-level \(pod) ")
        ed.completions = commandCompletions
        mode = .command(ed)
        flash = Flash("type [LOGGER:]LEVEL,… (debug, rbac:debug,http:info) or --reset, then Enter", .info, at: now)
    }

    /// Why log levels cannot be changed here, if they cannot.
    var logLevelRefusal: String? {
        if readonly { return "--readonly: changing log levels is disabled" }
        switch source.kind {
        case .file: return "log levels are set on a live proxy: this file source has none (start meshscope on a cluster)"
        case .snapshot: return "log levels are set on a live proxy: a snapshot is a recording (start meshscope on the cluster)"
        case .demo, .cluster: return nil
        }
    }

    /// `:log-level POD.NS LEVELS|--reset`: validated here, then asked about.
    mutating func askLogLevel(_ args: [String], _ fx: inout [Effect]) {
        if let refusal = logLevelRefusal {
            flash = Flash(refusal, .warn, at: now)
            return
        }
        let usage = "usage: :log-level POD.NAMESPACE [LOGGER:]LEVEL,… (or --reset)"
        guard args.count == 2, let dot = args[0].firstIndex(of: ".") else {
            flash = Flash(usage, .warn, at: now)
            return
        }
        let pod = String(args[0][..<dot]), namespace = String(args[0][args[0].index(after: dot)...])
        let reset = args[1] == "--reset"
        if !reset {
            let isZtunnel = data.live?.proxies.first { $0.name == pod && $0.namespace == namespace }?.kind == .ztunnel
            if !isZtunnel {
                do { _ = try ProxyLogLevels.envoyQueries(args[1]) } catch {
                    flash = Flash(error.description, .error, at: now)
                    return
                }
            }
        }
        let request = LogLevelRequest(pod: pod, namespace: namespace, level: reset ? nil : args[1], reset: reset)
        flash = Flash("checking access to set log levels \(request.summary)…", .info, at: now)
        fx.append(.reviewLogLevel(request))
    }

    /// The review's answer: allowed → the y/n question; refused → the refusal, no question.
    mutating func logLevelReviewed(_ request: LogLevelRequest, refusal: String?) {
        if let refusal {
            flash = Flash("log levels \(request.summary): \(refusal)", .error, at: now)
            return
        }
        // The user moved on (another prompt or dialog) while the review ran: not asked over it.
        guard mode.isNormal else { return }
        flash = nil
        let message = [
            "Set log levels \(request.summary)?",
            "This changes a live proxy (its /logging admin endpoint).",
        ]
        mode = .confirm(Confirm(dialog: Dialog(title: " Log levels ", message: message.map { TerminalText.cell($0, maxWidth: 200) }), onYes: [.setLogLevel(request)], quitOnYes: false))
    }
}
