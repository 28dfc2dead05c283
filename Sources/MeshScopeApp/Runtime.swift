import Foundation
import MeshModel
import TerminalUI

/// How `meshscope` (no subcommand) or `meshscope tui` was started.
public struct TUIOptions: Sendable {
    /// `--file` paths (repeatable): combined into one source.
    public var files: [String]
    public var file: String? { files.first }
    /// `--readonly`: no clipboard, snapshot or apply writes.
    public var readonly: Bool
    /// Hidden benchmark hook: draw the first frame, print the ms since launch to stderr, exit.
    public var exitAfterFirstFrame: Bool
    /// `--view NAME`: the view to start on.
    public var view: String?
    /// When the process started (for the first-frame measurement).
    public var launchedAt: Date
    public var theme: String?
    public var mouse: Bool
    /// Seconds between source refreshes.
    public var refreshInterval: TimeInterval
    public var environment: [String: String]
    /// The keys: the standard map plus `keys.yaml`, read and checked before the screen is taken.
    public var keymap: Keymap = .standard

    public init(file: String?, theme: String? = nil, mouse: Bool = false, refreshInterval: TimeInterval = 2, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(files: file.map { [$0] } ?? [], theme: theme, mouse: mouse, refreshInterval: refreshInterval, environment: environment)
    }

    public init(files: [String], theme: String? = nil, mouse: Bool = false, refreshInterval: TimeInterval = 2, readonly: Bool = false, view: String? = nil,
                exitAfterFirstFrame: Bool = false, launchedAt: Date = Date(), environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.files = files
        self.readonly = readonly
        self.view = view
        self.exitAfterFirstFrame = exitAfterFirstFrame
        self.launchedAt = launchedAt
        self.theme = theme
        self.mouse = mouse
        self.refreshInterval = refreshInterval
        self.environment = environment
    }
}

/// The views a source offers: only those its data can fill, plus the generic document views.
public enum AppViews {
    /// Every view (tests, help).
    public static func registry() -> ViewRegistry {
        ViewRegistry(DocumentViews.all + [MeshViews.proxies, MeshViews.edges, FindingsView.spec], groups: [ProxyViews.group, MeshViews.ztunnel])
    }

    public static func registry(for data: SourceData) -> ViewRegistry {
        var groups: [ViewGroup] = []
        var views: [TableViewSpec] = []
        if data.envoy != nil || data.hosts != nil || data.stats != nil { groups.append(ProxyViews.group) }
        if data.ztunnel != nil { groups.append(MeshViews.ztunnel) }
        if data.proxyStatus != nil { views.append(MeshViews.proxies) }
        if data.edges != nil { views.append(MeshViews.edges) }
        if data.document != nil { views += DocumentViews.all }
        views.append(FindingsView.spec)
        return ViewRegistry(views, groups: groups)
    }

    /// The view a source opens on.
    public static func home(for data: SourceData) -> String {
        if data.envoy != nil { return "proxy" }
        if data.ztunnel != nil { return "ztunnel" }
        if data.proxyStatus != nil { return "proxies" }
        if data.edges != nil { return "edges" }
        if data.hosts != nil { return "endpoints" }
        if data.stats != nil { return "stats" }
        return "sections"
    }
}

/// Runs the TUI: loads the source, starts curses, and loops events → `App.update` →
/// effects → `App.view` → renderer diff → terminal, until quit.
public enum TUI {
    enum Event: Sendable {
        case input, resize, hangup
        case app(AppEvent)
    }

    public static func run(_ options: TUIOptions) async throws(TUIError) {
        guard !options.files.isEmpty else {
            throw TUIError(.usage, "no data source: start the terminal UI on a dump with --file DUMP (e.g. meshscope --file config_dump.json)")
        }
        let source = FileSource(paths: options.files)
        let data = try source.load()
        try StartupChecks.view(options.view, in: AppViews.registry(for: data))
        let path = options.files.joined(separator: ", ")
        let loader = ThemeLoader(environment: options.environment)
        let (theme, warnings) = loader.load(requested: options.theme)
        let noColor = TerminalOptions.noColor(environment: options.environment)
        let info = SourceInfo(kind: .file, label: "file \(path)", context: "-", refreshInterval: options.refreshInterval)
        let driver = FileDriver(source: source, data: data, refresh: options.refreshInterval)
        var state = AppState(registry: AppViews.registry(for: data), data: data, source: info, home: options.view ?? AppViews.home(for: data), size: Size(width: 80, height: 24))
        state.loadedAt = Date()
        if !data.warnings.isEmpty { state.flash = Flash(data.warnings.prefix(3).joined(separator: "; "), .warn, at: Date()) }
        try await start(options: options, state: state, driver: driver)
    }

    /// Starts curses and runs the loop over a prepared state; terminal errors become ``TUIError``.
    static func start(options: TUIOptions, state: AppState, driver: any SourceDriver) async throws(TUIError) {
        let loader = ThemeLoader(environment: options.environment)
        let (theme, warnings) = loader.load(requested: options.theme)
        let noColor = TerminalOptions.noColor(environment: options.environment)
        do {
            try await loop(options: options, initial: state, driver: driver, theme: noColor ? theme.withoutColor : theme,
                           themeWarnings: warnings, loader: loader, noColor: noColor)
            await driver.stop()
        } catch let e as TerminalError {
            await driver.stop()
            throw TUIError(.unavailable, e.message)
        } catch {
            await driver.stop()
            throw TUIError(.unavailable, "\(error)")
        }
    }

    @TerminalActor
    static func loop(options: TUIOptions, initial: AppState, driver: any SourceDriver, theme: Theme,
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
        let ticker = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                queue.post(.app(.tick(Date())))
            }
        }
        defer { ticker.cancel() }
        let post: @Sendable (AppEvent) -> Void = { queue.post(.app($0)) }
        driver.start(post: post)

        var state = initial
        state.size = terminal.size
        state.clampScroll()
        state.theme = theme
        state.readonly = options.readonly
        state.keymap = options.keymap
        state.themeNames = loader.availableNames()
        if !themeWarnings.isEmpty {
            state.flash = Flash((themeWarnings + [state.flash?.text].compactMap { $0 }).joined(separator: "; "), .warn, at: Date())
        }
        var renderer = Renderer()
        let performer = EffectPerformer(terminal: terminal, driver: driver, loader: loader, options: options, noColor: noColor, post: post)

        func render() {
            let plan = renderer.plan(App.view(state))
            terminal.present(plan)
            state.lastFrame = plan.stats
            state.prepareRowIndex()
        }
        _ = performer.perform(.evaluateFindings, state: state)
        render()
        if options.exitAfterFirstFrame {
            let ms = Date().timeIntervalSince(options.launchedAt) * 1000
            terminal.stop()
            FileHandle.standardError.write(Data("first frame: \(String(format: "%.1f", ms)) ms (\(state.lastFrame?.description ?? "-"))\n".utf8))
            return
        }
        RuntimeHooks.afterFirstFrame?()

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
            var next = 0
            while next < effects.count {
                let fx = effects[next]
                next += 1
                if fx == .quit { state.quitting = true }
                let (events, redraw) = performer.perform(fx, state: state)
                if redraw { renderer.invalidate() }
                for e in events { apply(e) }
            }
            driver.setPaused(state.paused)
            if !state.quitting { render() }
        }
    }
}
