import Foundation
import MeshModel
import TerminalUI

/// The TUI as a pure state machine, in the style of Bubble Tea:
/// `update(state, event) -> (state, [Effect])`, and ``view(_:)`` a function of the state.
///
/// ```swift
/// var state = AppState(registry: registry, data: data, source: info, home: "sections", size: Size(width: 120, height: 40))
/// var effects: [Effect]
/// (state, effects) = App.update(state, .input(.key(.char("j"))))
/// let frame = App.view(state)      // a CellBuffer; compare frame.lines in tests
/// ```
///
/// Where things go (`Update/`): keys and the mouse in `Keys.swift`, what a bound key does
/// in `KeyActions.swift`, `:` commands in `AppCommand.swift` (parsing) and `Commands.swift`
/// (running), the stack and cursor in `Navigation.swift`, filters in `Filter.swift`, apply
/// in `Apply.swift`, proxy diffs in `Diff.swift`, new data in `Reload.swift`. Effects are
/// performed by the runtime alone (``EffectPerformer``).
///
/// - A new view: a ``TableViewSpec`` (or a ``ViewGroup`` of them) registered in
///   ``AppViews`` or ``LiveViews``; `:NAME` opens it with no code here.
/// - A new `:` command: a case of ``AppCommand`` (`AppCommand.swift`), then `Commands.swift`.
/// - A new key: an ``Action`` and its ``Binding`` (`Actions.swift`), then `KeyActions.swift`;
///   a key of one view only: a ``ViewKey`` on its spec.
public enum App {
    public static func update(_ state: AppState, _ event: AppEvent) -> (AppState, [Effect]) {
        var s = state
        var fx: [Effect] = []
        switch event {
        case .input(.resize(let size)):
            s.size = size
            s.clampScroll()
        case .input(.key(let key)):
            handleKey(key, &s, &fx)
        case .input(.mouse(let m)):
            handleMouse(m, &s, &fx)
        case .tick(let now):
            s.now = now
            if let f = s.flash, !f.untilData, now.timeIntervalSince(f.at) > 6 { s.flash = nil }
        case .loaded(let data, let at):
            let before = s.data.sequence
            s.receive(data, at: at)
            if data.sequence == 0 || data.sequence > before { fx.append(.evaluateFindings) }
        case .findingsReady(let report, let sequence):
            s.receiveFindings(report, sequence: sequence)
        case .loadFailed(let message, let at):
            s.loadError = message
            s.flash = Flash(message, .error, at: at)
        case .flash(let text, let level):
            s.flash = Flash(text, level, at: s.now)
        case .frameStats(let stats):
            s.lastFrame = stats
        case .layersReady(let request, let path):
            s.dropRecomputed(.computeLayers(request))
            s.showLayers(request, path)
        case .layersFailed(let message):
            s.flash = Flash(message, .error, at: s.now)
        case .themeLoaded(let theme, let warnings):
            s.theme = theme
            s.flash = warnings.isEmpty ? Flash("theme \(theme.name)", .info, at: s.now) : Flash(warnings.joined(separator: "; "), .warn, at: s.now)
        case .applyPreviewed(let entries, let source, let findings):
            s.showApplyPreview(entries, source: source, findings: findings)
        case .applyFinished(let entries):
            s.showApplyResult(entries)
        case .applyFailed(let message):
            s.showApplyFailure(message)
        case .sourceChanged(let info):
            s.switchSource(info)
        case .diffReady(let d):
            s.showDiff(d)
        case .diffFailed(let message):
            s.showDiffFailure(message)
        case .flowsArrived(let batch):
            s.receiveFlows(batch)
        case .logLevelReviewed(let request, let refusal):
            s.logLevelReviewed(request, refusal: refusal)
        }
        if state.paused && !s.paused { s.resumeFlows() }
        // Wrapped panes follow the pane's width; `:messages` follows the messages.
        s.fitWrappedPanes()
        if s.messages.total != state.messages.total { s.refreshMessageViews() }
        // The runtime follows the access logs while a flow view is on the stack.
        let flowStream = s.flowStreamWanted
        if flowStream != state.flowStreamWanted { fx.append(.streamFlows(flowStream)) }
        // The runtime feeds the innermost proxy screen (its dump, its stats); tell it when that changes.
        if state.focusKey != s.focusKey { fx.append(.focusProxy(s.focusKey)) }
        return (s, fx)
    }
}
