import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// Everything the TUI shows, as a value. ``App/update(_:_:)`` turns an event into a new
/// state plus effects; ``App/view(_:)`` paints it. No terminal, no I/O.
public struct AppState: Sendable {
    public var registry: ViewRegistry
    public var data: SourceData
    public var source: SourceInfo
    /// The view opened at start and by `:` with no argument.
    public var home: String
    /// Navigation stack: the first is the top-level view, the last is on screen.
    public var stack: [Screen] = []
    public var mode: Mode = .normal
    public var paused = false
    public var size: Size
    public var theme: Theme
    /// Theme names for `:theme` completion.
    public var themeNames: [String] = []
    /// The bottom line's message; every one set is also kept in ``messages``.
    public var flash: Flash? {
        didSet { if let f = flash, f != oldValue { messages.record(f) } }
    }
    /// Every flash since start (`:messages`).
    public var messages = MessageLog()
    /// Clock from tick events (kept in state so rendering stays pure).
    public var now: Date
    /// When the data last arrived, and whether the last load failed.
    public var loadedAt: Date?
    public var loadError: String?
    /// The renderer's measure of the last frame (shown by `:stats`).
    public var lastFrame: FrameStats?
    public var quitting = false
    /// `--readonly`: every write (copy, snapshot, apply) is refused with a message.
    public var readonly = false
    /// `:ns NAME`: views with a NAMESPACE column show only that namespace.
    public var namespace: String?
    /// Kubeconfig contexts `:ctx` offers (live sources), and the one in use.
    public var contexts: [Kubeconfig.Context] = []
    /// The dry run's entries waiting for `y` after an apply preview: the only copy (`y`
    /// hands them to the runtime with ``Effect/applyConfirmed``).
    public var pendingApply: [ApplyEntry]?
    /// Findings reports computed from data older than this (``SourceData/sequence``) belong to
    /// the source before a `:ctx` switch and are dropped.
    public var findingsFloor: UInt64 = 0
    /// The keys (``Keymap/standard`` plus the user's `keys.yaml`): handling, hints and help read it.
    public var keymap: Keymap = .standard

    public init(registry: ViewRegistry, data: SourceData, source: SourceInfo, home: String, size: Size, theme: Theme = .defaultDark, now: Date = Date()) {
        self.registry = registry
        var data = data
        data.origin = source.kind
        data.receivedAt = data.receivedAt ?? now
        self.data = data
        self.source = source
        self.home = home
        self.size = size
        self.theme = theme
        self.now = now
        if let (g, tab) = registry.group(home), registry.groups.contains(where: { $0.name == home }) || registry.find(home) != nil {
            stack = [Screen.group(g, in: registry, data: data, active: tab)]
        } else if let spec = registry.find(home) ?? registry.views.first {
            stack = [Screen.table(.named(spec.name), in: registry, data: data)]
        } else if let g = registry.groups.first {
            stack = [Screen.group(g, in: registry, data: data)]
        }
    }

    public var top: Screen? { stack.last }
}

public enum Mode: Sendable {
    case normal
    /// `:` command line.
    case command(LineEditor)
    /// `/` table filter, applied as you type.
    case filter(LineEditor)
    /// `/` search in a JSON or text pane.
    case search(LineEditor)
    case confirm(Confirm)

    var isNormal: Bool { if case .normal = self { true } else { false } }
}

/// A question waiting for `y` / `n`, and what `y` does.
public struct Confirm: Sendable {
    public var dialog: Dialog
    public var onYes: [Effect]
    public var quitOnYes: Bool
}

/// A message for the bottom line, and for `:messages`.
///
/// The one rule for messages: ``text`` is the whole message, every line of it, as the
/// error said it (``AppState/flash`` records it whole in ``MessageLog``; `:messages`
/// shows it, escaped like all text). Only the bottom line shows less, its ``headline``, and
/// then says so with `… (m: messages)` (`App.paintHints`). So no caller cuts a message
/// to fit: a multi-line error is flashed as it is.
public struct Flash: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, warn, error }
    /// The whole message (unescaped: painters escape it).
    public var text: String
    public var level: Level
    public var at: Date
    /// A progress note (`connecting to …`): stays until data is on screen
    /// (``AppState/dataOnScreen``), then clears; never expires by time.
    public var untilData = false

    public init(_ text: String, _ level: Level = .info, at: Date, untilData: Bool = false) {
        self.text = text
        self.level = level
        self.at = at
        self.untilData = untilData
    }

    /// What the bottom line shows of ``text``: its first line that is not blank, and whether
    /// any other line has something (then the bottom line points to `:messages`).
    public var headline: (line: String, more: Bool) { Flash.headline(text) }

    /// The first line of `text` that is not blank (trailing blanks dropped), and whether a
    /// later line has anything: `cannot read the clipboard; tried:` and `true` for the
    /// clipboard's list of the tools it tried.
    /// Reads no further than the second line with something on it (it runs on every frame).
    public static func headline(_ text: String) -> (line: String, more: Bool) {
        var first: Substring?
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            if let head = first { return (trimmed(head), true) }
            first = line
        }
        return (first.map(trimmed) ?? "", false)
    }

    private static func trimmed(_ line: Substring) -> String {
        var line = line
        while line.last?.isWhitespace == true { line.removeLast() }
        return String(line)
    }
}

/// Inputs to the state machine.
public enum AppEvent: Sendable {
    case input(InputEvent)
    /// Clock tick (freshness display, flash expiry).
    case tick(Date)
    /// The source delivered data.
    case loaded(SourceData, at: Date)
    /// The source failed; the last good data stays on screen.
    case loadFailed(String, at: Date)
    /// A message from the runtime (e.g. what an effect did).
    case flash(String, Flash.Level)
    case frameStats(FrameStats)
    case themeLoaded(Theme, warnings: [String])
    /// Apply from the clipboard: the dry run's preview (`source` names the clipboard tool), and
    /// the findings the manifest would introduce (``ManifestFindings``).
    case applyPreviewed([ApplyEntry], source: String, findings: [Finding] = [])
    /// Apply: what happened to each object.
    case applyFinished([ApplyEntry])
    /// Apply could not start: the clipboard, the manifest or the cluster said no.
    case applyFailed(String)
    /// `:ctx NAME` took effect: a new source (the data follows with `.loaded`).
    case sourceChanged(SourceInfo)
    /// A comparison asked for with ``Effect/compare(_:)`` (or `--compare` at start) is ready.
    case diffReady(DiffScreen)
    /// A comparison could not be made: what could not be read, and why.
    case diffFailed(String)
    /// Live sources: the path `.computeLayers` asked for, chained (problems inside).
    case layersReady(LayersRequest, MeshPathSources.Result)
    /// Live sources: no path could be chained (the pod is gone, the objects unreadable).
    case layersFailed(String)
    /// The rules' report on the data numbered `sequence` (``Effect/evaluateFindings``).
    case findingsReady(FindingsReport, sequence: UInt64)
    /// Live sources: flows from the access logs streamed for `:flows` / `:top`.
    case flowsArrived(FlowBatch)
    /// The answer to ``Effect/reviewLogLevel(_:)``: nil when the user may change the proxy's
    /// levels (the y/n question follows), else the refusal (said instead of asking).
    case logLevelReviewed(LogLevelRequest, refusal: String?)
}

/// What the state machine asks the runtime to do; performed outside it.
public enum Effect: Sendable, Equatable {
    case quit
    /// A clipboard tool, tmux, or OSC 52, whichever works here (``Clipboard/copy(_:terminal:)``).
    case copyToClipboard(String)
    /// Write a snapshot of the current source.
    case writeSnapshot
    /// Re-read the source now.
    case reload
    /// Load a theme by name (`:theme NAME`).
    case loadTheme(String)
    /// Ctrl-Z: give the terminal back to the shell until `fg`.
    case suspend
    /// Live sources: the proxy drilled into (`namespace/name`) changed; nil when none is
    /// open. The runtime fetches its config dump, then its `/stats` every refresh.
    case focusProxy(String?)
    /// `a` / `:apply`: read the clipboard and dry-run it (answer: `.applyPreviewed`).
    case applyFromClipboard
    /// `y` on the preview: apply what was previewed, ``AppState/pendingApply`` (answer: `.applyFinished`).
    case applyConfirmed
    /// `:ctx NAME`: restart the live store on another kubeconfig context.
    case switchContext(String)
    /// `:diff` / `x`: read the dumps a comparison needs (answer: `.diffReady` or `.diffFailed`).
    case compare(DiffRequest)
    /// Live sources: chain the path from a pod to `HOST:PORT`, fetching the dumps on it
    /// (answer: `.layersReady` or `.layersFailed`).
    case computeLayers(LayersRequest)
    /// New data: evaluate the rules on it off the render path (answer: `.findingsReady`).
    case evaluateFindings
    /// Live sources: follow the access logs `:flows` / `:top` need (answers: `.flowsArrived`);
    /// nil stops. Asked for whenever what the stack needs changes.
    case streamFlows(FlowStreamRequest?)
    /// `:log-level` before its question: may the user write to the proxy (a
    /// SelfSubjectAccessReview for `create pods/proxy` in its namespace)? (answer: `.logLevelReviewed`)
    case reviewLogLevel(LogLevelRequest)
    /// A confirmed `:log-level`: check access, then POST the proxy's `/logging` (answer: `.flash`).
    case setLogLevel(LogLevelRequest)
}
