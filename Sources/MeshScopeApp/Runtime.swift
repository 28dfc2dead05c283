import Foundation
import MeshModel
import TerminalUI

/// How `meshscope` (no subcommand) or `meshscope tui` was started.
public struct TUIOptions: Sendable {
    public var file: String?
    public var theme: String?
    public var mouse: Bool
    /// Seconds between source refreshes.
    public var refreshInterval: TimeInterval
    public var environment: [String: String]

    public init(file: String?, theme: String? = nil, mouse: Bool = false, refreshInterval: TimeInterval = 2, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.file = file
        self.theme = theme
        self.mouse = mouse
        self.refreshInterval = refreshInterval
        self.environment = environment
    }
}

/// The views a file source offers (the lead adds proxy-config views here).
public enum AppViews {
    public static func registry() -> ViewRegistry { ViewRegistry(DocumentViews.all) }
}

/// Runs the TUI: loads the source, starts curses, and loops events → `App.update` →
/// effects → `App.view` → renderer diff → terminal, until quit.
public enum TUI {
    enum Event: Sendable {
        case input, resize, hangup
        case app(AppEvent)
    }

    public static func run(_ options: TUIOptions) async throws(TUIError) {
        guard let path = options.file else {
            throw TUIError(.usage, "no data source: start the terminal UI on a dump with --file DUMP (e.g. meshscope --file config_dump.json)")
        }
        let source = FileSource(path: path)
        let data = try source.load()
        let loader = ThemeLoader(environment: options.environment)
        let (theme, warnings) = loader.load(requested: options.theme)
        let noColor = TerminalOptions.noColor(environment: options.environment)
        let info = SourceInfo(kind: .file, label: "file \(path)", context: "-", refreshInterval: options.refreshInterval)
        do {
            try await loop(options: options, source: source, data: data, info: info, theme: noColor ? theme.withoutColor : theme,
                           themeWarnings: warnings, loader: loader, noColor: noColor)
        } catch let e as TerminalError {
            throw TUIError(.unavailable, e.message)
        } catch {
            throw TUIError(.unavailable, "\(error)")
        }
    }

    @TerminalActor
    static func loop(options: TUIOptions, source: FileSource, data: SourceData, info: SourceInfo, theme: Theme,
                     themeWarnings: [String], loader: ThemeLoader, noColor: Bool) async throws {
        let terminal = try CursesTerminal(options: TerminalOptions(mouse: options.mouse, noColor: noColor), environment: options.environment)
        defer { terminal.stop() }
        let queue = EventQueue<Event>()
        let watcher = InputWatcher(resizeFD: terminal.resizeFD) { signal in
            switch signal {
            case .input: queue.post(.input)
            case .resize: queue.post(.resize)
            case .hangup: queue.post(.hangup)
            }
        }
        watcher.start()
        defer { watcher.stop() }
        let paused = Flag()
        let ticker = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                queue.post(.app(.tick(Date())))
            }
        }
        defer { ticker.cancel() }
        let reloader = Reloader(source: source, stamp: source.stamp())
        let refresher = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(max(0.2, options.refreshInterval) * 1e9))
                if paused.value { continue }
                if let e = reloader.reloadIfChanged() { queue.post(.app(e)) }
            }
        }
        defer { refresher.cancel() }

        var state = AppState(registry: AppViews.registry(), data: data, source: info, home: "sections", size: terminal.size, theme: theme)
        state.loadedAt = Date()
        state.themeNames = loader.availableNames()
        if !themeWarnings.isEmpty { state.flash = Flash(themeWarnings.joined(separator: "; "), .warn, at: Date()) }
        var renderer = Renderer()

        func render() {
            let plan = renderer.plan(App.view(state))
            terminal.present(plan)
            state.lastFrame = plan.stats
        }
        render()
        // Test hook for the crash-restore test: trap after the first frame is on screen.
        if options.environment["MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME"] == "1" {
            fatalError("MESHSCOPE_TEST_CRASH_AFTER_FIRST_FRAME")
        }

        while !state.quitting {
            var batch = await queue.next()
            var effects: [Effect] = []
            func apply(_ e: AppEvent) {
                let (s, fx) = App.update(state, e)
                state = s
                effects += fx
            }
            if batch.contains(where: { if case .resize = $0 { true } else { false } }) {
                // A drag-resize sends a burst of SIGWINCH: wait for it to settle, redraw once.
                try? await Task.sleep(nanoseconds: 40_000_000)
                batch += queue.drain()
                let size = terminal.applyResize()
                renderer.invalidate()
                apply(.input(.resize(size)))
            }
            for ev in batch {
                switch ev {
                case .input:
                    for e in terminal.readInput() { apply(.input(e)) }
                    watcher.inputConsumed()
                case .resize: break
                case .hangup: state.quitting = true
                case .app(let e): apply(e)
                }
            }
            for fx in effects {
                switch fx {
                case .quit: state.quitting = true
                case .copyToClipboard(let text):
                    terminal.writeRaw(Clipboard.osc52(text))
                    Task.detached {
                        if let tool = Clipboard.copyWithTool(text, environment: options.environment) {
                            queue.post(.app(.flash("copied \(text.utf8.count) bytes (OSC 52 and \(tool))", .info)))
                        }
                    }
                case .writeSnapshot:
                    apply(.flash("snapshots are written from a live source; a --file source is already on disk", .warn))
                case .reload:
                    let e = reloader.reloadNow()
                    apply(e)
                case .suspend:
                    let size = terminal.suspend()
                    renderer.invalidate()
                    apply(.input(.resize(size)))
                case .loadTheme(let name):
                    let (t, w) = loader.load(requested: name)
                    apply(.themeLoaded(noColor ? t.withoutColor : t, warnings: w))
                }
            }
            paused.value = state.paused
            if !state.quitting { render() }
        }
    }
}

/// A Bool shared between the UI loop and background tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var v = false
    var value: Bool {
        get { lock.withLock { v } }
        set { lock.withLock { v = newValue } }
    }
}

/// Re-reads the file when its modification time or size changes.
final class Reloader: @unchecked Sendable {
    private let lock = NSLock()
    private let source: FileSource
    private var stamp: (Date, Int)?

    init(source: FileSource, stamp: (Date, Int)?) {
        self.source = source
        self.stamp = stamp
    }

    func reloadIfChanged() -> AppEvent? {
        let now = source.stamp()
        let changed: Bool = lock.withLock {
            guard let now else { return stamp != nil }
            defer { stamp = now }
            guard let old = stamp else { return true }
            return old.0 != now.0 || old.1 != now.1
        }
        return changed ? reloadNow() : nil
    }

    func reloadNow() -> AppEvent {
        do {
            let data = try source.load()
            return .loaded(data, at: Date())
        } catch {
            return .loadFailed("\(error.message) (showing the last good data)", at: Date())
        }
    }
}
