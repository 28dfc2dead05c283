import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// Performs every ``Effect`` the state machine asks for: the one place the TUI does I/O.
/// Terminal effects (copy, suspend, themes) are done here; source effects (reload,
/// snapshot, focus, apply, contexts, comparisons, layers) go to the ``SourceDriver``.
///
/// A new effect: a case in ``Effect``, and its line in ``perform(_:state:)`` (the switch is
/// exhaustive, so the compiler asks for it).
@TerminalActor
struct EffectPerformer {
    let terminal: CursesTerminal
    let driver: any SourceDriver
    let loader: ThemeLoader
    let options: TUIOptions
    let noColor: Bool
    /// Posts an event to the loop later (answers of background work).
    let post: @Sendable (AppEvent) -> Void
    /// Runs the rules on new data in the background.
    let findings = FindingsEvaluator()

    /// Performs `effect`; returns the events to apply at once, and whether the terminal
    /// was handed away (the next frame is drawn whole).
    func perform(_ effect: Effect, state: AppState) -> (events: [AppEvent], redraw: Bool) {
        switch effect {
        case .quit:
            return ([], false)
        case .copyToClipboard(let text):
            guard !options.readonly else { return ([.flash("--readonly: copying is disabled", .warn)], false) }
            // The flash names the route the copy took (``Clipboard/copy(_:terminal:)``), once it did.
            let (clipboard, post, terminal) = (Clipboard(environment: options.environment), self.post, self.terminal)
            Task.detached {
                let outcome = await clipboard.copy(text) { bytes in await terminal.writeRaw(bytes) }
                post(.flash(outcome.message, .info))
            }
            return ([], false)
        case .suspend:
            let size = terminal.suspend()
            return ([.input(.resize(size))], true)
        case .loadTheme(let name):
            let (t, w) = loader.load(requested: name)
            return ([.themeLoaded(noColor ? t.withoutColor : t, warnings: w)], false)
        case .applyConfirmed:
            // The entries wait in the state (shown in the preview), not in the driver.
            return (driver.apply(state.pendingApply, post: post), false)
        case .evaluateFindings:
            findings.submit(state.data, post: post)
            return ([], false)
        case .writeSnapshot, .reload, .focusProxy, .applyFromClipboard, .switchContext, .compare, .computeLayers, .streamFlows, .reviewLogLevel, .setLogLevel:
            return (driver.perform(effect, post: post), false)
        }
    }
}
