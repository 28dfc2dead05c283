import Foundation
import MeshModel
import TerminalUI

/// The TUI as a pure state machine.
///
/// ```swift
/// var state = AppState(registry: registry, data: data, source: info, home: "sections", size: Size(width: 120, height: 40))
/// var effects: [Effect]
/// (state, effects) = App.update(state, .input(.key(.char("j"))))
/// let frame = App.view(state)      // a CellBuffer; compare frame.lines in tests
/// ```
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
            if let f = s.flash, now.timeIntervalSince(f.at) > 6 { s.flash = nil }
        case .loaded(var data, let at):
            // Taken before what is shown (it was queued behind a newer answer): drop it.
            if data.sequence != 0, data.sequence < s.data.sequence { break }
            data.origin = s.source.kind
            s.data = data
            s.loadedAt = at
            s.loadError = nil
            s.reloadScreens()
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
        case .applyPreviewed(let entries, let source):
            s.showApplyPreview(entries, source: source)
        case .applyFinished(let entries):
            s.showApplyResult(entries)
        case .applyFailed(let message):
            s.pendingApply = nil
            s.push(Screen.text("apply", "Apply from the clipboard failed:\n\n" + message + "\n"))
            s.flash = Flash(message.split(separator: "\n").first.map(String.init) ?? message, .error, at: s.now)
        case .sourceChanged(let info):
            s.source = info
            s.pendingApply = nil
            s.loadedAt = nil
            s.loadError = nil
            let sequence = s.data.sequence
            s.data = SourceData(name: info.label)
            s.data.origin = info.kind
            s.data.live = MeshState()
            s.data.sequence = sequence
            s.resetToHome()
            s.flash = Flash("switched to context \(info.context)", .info, at: s.now)
        case .diffReady(let d):
            var screen = Screen(crumb: "diff", content: .diff(d))
            screen.recompute = d.request.map(Effect.compare)
            if let again = screen.recompute { s.dropRecomputed(again) }
            s.push(screen)
            s.flash = Flash("\(d.entries.count - 1) row\(d.entries.count == 2 ? "" : "s"); Tab reads the selected diff, / filters", .info, at: s.now)
        case .diffFailed(let message):
            s.push(Screen.text("diff", "The comparison could not be made:\n\n" + message + "\n"))
            s.flash = Flash(message.split(separator: "\n").first.map(String.init) ?? message, .error, at: s.now)
        }
        // The runtime feeds the innermost proxy screen (its dump, its stats); tell it when that changes.
        if state.focusKey != s.focusKey { fx.append(.focusProxy(s.focusKey)) }
        return (s, fx)
    }

    // MARK: Keys

    static func handleKey(_ key: Key, _ s: inout AppState, _ fx: inout [Effect]) {
        if key == .ctrl("c") {
            s.quitting = true
            fx.append(.quit)
            return
        }
        switch s.mode {
        case .help:
            s.mode = .normal
        case .confirm(let c):
            switch key {
            case .char("y"), .char("Y"), .enter:
                s.mode = .normal
                fx += c.onYes
                if c.quitOnYes { s.quitting = true }
            case .char("n"), .char("N"), .escape:
                s.mode = .normal
                if s.pendingApply != nil {
                    s.pendingApply = nil
                    s.flash = Flash("not applied", .info, at: s.now)
                }
            default:
                // The question stays; the screen under it (an apply preview) still scrolls,
                // and Tab / Shift-Tab move between its list and the selected diff.
                let panes = Bindings.diff.filter { $0.action == .paneRight || $0.action == .paneLeft }
                if let b = (Bindings.navigation + panes).first(where: { $0.keys.contains(key) && $0.keys.first != .enter }) { perform(b.action, &s, &fx) }
            }
        case .command(var ed):
            switch ed.handle(key) {
            case .editing: s.mode = .command(ed)
            case .cancel: s.mode = .normal
            case .submit(let text):
                s.mode = .normal
                runCommand(text, &s, &fx)
            }
        case .filter(var ed):
            let outcome = ed.handle(key)
            let isSelector = ed.text.hasPrefix("-l")
            switch outcome {
            case .cancel:
                s.mode = .normal
                s.setFilter(nil)
                s.setLabelSelector(nil)
            case .editing where isSelector, .submit where isSelector:
                // `-l key=value,...`: a label selector on views whose rows carry labels.
                let text = ed.text.dropFirst(2).trimmingCharacters(in: .whitespaces)
                let sel = try? LabelSelector.parse(text)
                if let sel { s.setLabelSelector(sel) }
                if case .submit = outcome {
                    s.mode = .normal
                    if sel == nil { s.flash = Flash("label selector: cannot parse \"\(text)\"", .error, at: s.now) }
                    else if case .table(let t) = s.focused, t.rowLabels == nil {
                        s.flash = Flash("\(t.spec.title) rows carry no labels; -l works on ztunnel workloads", .warn, at: s.now)
                    }
                } else {
                    s.mode = .filter(ed)
                }
            case .editing, .submit:
                // Applied as you type; an unfinished regex keeps the last good filter.
                if let m = try? TextMatcher(ed.text) { s.setFilter(ed.text.isEmpty ? nil : m) }
                if case .submit = outcome {
                    s.mode = .normal
                    if case .failure(let e) = Result(catching: { try TextMatcher(ed.text) }) {
                        s.flash = Flash("\(e)", .error, at: s.now)
                    }
                } else {
                    s.mode = .filter(ed)
                }
            }
        case .search(var ed):
            switch ed.handle(key) {
            case .editing: s.mode = .search(ed)
            case .cancel:
                s.mode = .normal
                s.search(nil)
            case .submit(let text):
                s.mode = .normal
                do {
                    s.search(text.isEmpty ? nil : try TextMatcher(text))
                } catch {
                    s.flash = Flash("\(error)", .error, at: s.now)
                }
            }
        case .normal:
            if case .table(let t) = s.focused, let vk = t.spec.keys.first(where: { $0.key == key }) {
                if let row = t.selectedRow, let i = t.selectedRowIndex, let command = vk.command?(s.data, row, i) {
                    runCommand(command, &s, &fx)
                } else if let row = t.selectedRow, let i = t.selectedRowIndex, let screen = vk.open(s.data, row, i) {
                    s.push(screen)
                }
                return
            }
            if case .tabs(let t) = s.top?.content, case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= t.pages.count {
                perform(.tab(n - 1), &s, &fx)
                return
            }
            for (_, bindings) in Bindings.forContent(s.focusedForBindings) {
                if let b = bindings.first(where: { $0.keys.contains(key) }) {
                    perform(b.action, &s, &fx)
                    return
                }
            }
            // k9s: Shift+letter sorts by the column whose header starts with it (bound
            // capitals such as G, I, S, A keep their meaning).
            if case .char(let c) = key, c.isUppercase, c.isLetter, case .table = s.focused {
                let width = s.layout.content.width
                var found = false
                s.updateFocused { content in
                    guard case .table(var t) = content else { return }
                    let visible = TableWidget(table: t.table, order: t.order, widths: t.widths).layout(width: width - 2).map(\.column)
                    found = t.sort(byLetter: c, visibleColumns: visible)
                    content = .table(t)
                }
                if !found { s.flash = Flash("no column starts with \(c)", .warn, at: s.now) }
                s.clampScroll()
            }
        }
    }

    static func perform(_ action: Action, _ s: inout AppState, _ fx: inout [Effect]) {
        let page = s.pageHeight
        switch action {
        case .down: s.move(by: 1)
        case .up: s.move(by: -1)
        case .pageDown: s.move(by: page)
        case .pageUp: s.move(by: -page)
        case .halfPageDown: s.move(by: max(1, page / 2))
        case .halfPageUp: s.move(by: -max(1, page / 2))
        case .top: s.move(by: Int.min / 2)
        case .bottom: s.move(by: Int.max / 2)
        case .drill:
            if case .table(let t) = s.focused, let row = t.selectedRow, let command = t.spec.enterCommand?(row) {
                runCommand(command, &s, &fx)
            } else {
                s.drill()
            }
        case .back: s.back()
        case .nextTab, .prevTab, .tab:
            guard var screen = s.stack.popLast() else { return }
            if case .tabs(var t) = screen.content, !t.pages.isEmpty {
                switch action {
                case .nextTab: t.active = (t.active + 1) % t.pages.count
                case .prevTab: t.active = (t.active - 1 + t.pages.count) % t.pages.count
                case .tab(let n): t.active = n
                default: break
                }
                t.buildActive()
                if case .table(var ts)? = t.pages[t.active].built, ts.namespace != s.namespace {
                    ts.setNamespace(s.namespace)
                    t.pages[t.active].built = .table(ts)
                }
                screen.content = .tabs(t)
            }
            s.stack.append(screen)
        case .sortLeft, .sortRight:
            let width = s.layout.content.width
            s.updateFocused { c in
                guard case .table(var t) = c else { return }
                let visible = TableWidget(table: t.table, order: t.order, widths: t.widths).layout(width: width).map(\.column)
                t.moveSort(by: action == .sortLeft ? -1 : 1, visibleColumns: visible)
                c = .table(t)
            }
            s.clampScroll()
        case .sortInvert:
            s.updateFocused { c in
                guard case .table(var t) = c else { return }
                t.invertSort()
                c = .table(t)
            }
        case .help: s.mode = .help
        case .command:
            var ed = LineEditor(prefix: ":")
            ed.completions = s.commandCompletions
            s.mode = .command(ed)
        case .filter:
            if case .diff(let d) = s.focused {
                // The list filters its rows; the diff pane searches its lines.
                s.mode = d.focusRight ? .search(LineEditor(prefix: "/")) : .filter(LineEditor(prefix: "/", text: d.filter?.pattern ?? ""))
                return
            }
            var current = ""
            if case .table(let t) = s.focused { current = t.filter?.pattern ?? "" }
            s.mode = .filter(LineEditor(prefix: "/", text: current))
        case .search: s.mode = .search(LineEditor(prefix: "/"))
        case .nextMatch, .prevMatch:
            let forward = action == .nextMatch
            s.updateFocused { c in
                switch c {
                case .json(var j):
                    if j.yaml != nil { j.yaml!.nextMatch(forward: forward) } else { j.pane.nextHit(forward: forward, height: page) }
                    c = .json(j)
                case .text(var t):
                    t.pane.nextMatch(forward: forward)
                    c = .text(t)
                case .diff(var d):
                    d.nextMatch(forward: forward)
                    c = .diff(d)
                default: break
                }
            }
        case .pause:
            s.paused.toggle()
            s.flash = Flash(s.paused ? "live updates paused (Space resumes)" : "live updates resumed", .info, at: s.now)
        case .showYAML: s.showSelection()
        case .describe: s.describe()
        case .apply:
            s.startApply(&fx)
        case .paneRight, .paneLeft:
            s.updateFocused { c in
                guard case .diff(var d) = c else { return }
                d.focusRight = action == .paneRight
                c = .diff(d)
            }
        case .diff:
            s.startDiff()
        case .copy:
            if s.readonly {
                s.flash = Flash("--readonly: copying to the clipboard is disabled", .warn, at: s.now)
            } else if let text = s.copyText() {
                fx.append(.copyToClipboard(text))
                s.flash = Flash("copied \(text.utf8.count) bytes to the clipboard", .info, at: s.now)
            }
        case .snapshot:
            if s.readonly {
                s.flash = Flash("--readonly: writing snapshots is disabled", .warn, at: s.now)
            } else if s.source.supportsSnapshots {
                fx.append(.writeSnapshot)
                s.flash = Flash("writing a snapshot of \(s.source.context)…", .info, at: s.now)
            } else if s.source.kind == .cluster || s.source.kind == .demo {
                s.flash = Flash("writing snapshots is not available in this build", .warn, at: s.now)
            } else {
                s.flash = Flash("snapshots are written from a live source; this \(s.source.kind.rawValue) source is already on disk", .warn, at: s.now)
            }
        case .reload:
            if let again = s.stack.last?.recompute {
                fx.append(again)
                s.flash = Flash("computing \(s.stack.last?.crumb ?? "it") again…", .info, at: s.now)
            } else {
                fx.append(.reload)
                s.flash = Flash("reloading \(s.source.label)", .info, at: s.now)
            }
        case .quit:
            s.quitting = true
            fx.append(.quit)
        case .suspend:
            fx.append(.suspend)
        case .toggleFold, .expand, .collapse, .expandAll, .collapseAll:
            s.updateFocused { c in
                guard case .json(var j) = c else { return }
                switch action {
                case .toggleFold: j.pane.toggle()
                case .expand: j.pane.expand()
                case .collapse: j.pane.collapse()
                case .expandAll: j.pane.expandAll()
                default: j.pane.collapseAll()
                }
                j.pane.moveCursor(by: 0, height: page)
                c = .json(j)
            }
        case .toggleYAML:
            s.updateFocused { c in
                guard case .json(var j) = c else { return }
                j.yaml = j.yaml == nil ? TextPaneState(text: YAMLWriter.string(.json(j.pane.root))) : nil
                c = .json(j)
            }
        }
    }

    // MARK: Commands

    static func runCommand(_ raw: String, _ s: inout AppState, _ fx: inout [Effect]) {
        let words = raw.split(separator: " ").map(String.init)
        guard let cmd = words.first else { return }
        let arg = words.dropFirst().joined(separator: " ")
        switch cmd {
        case "q", "q!", "quit", "exit":
            s.quitting = true
            fx.append(.quit)
        case "help", "?": s.mode = .help
        case "reload":
            fx.append(.reload)
        case "pause": s.paused = true
        case "resume": s.paused = false
        case "stats":
            s.flash = Flash(s.lastFrame.map { "last frame: \($0)" } ?? "no frame drawn yet", .info, at: s.now)
        case "theme":
            if arg.isEmpty {
                s.flash = Flash("theme \(s.theme.name); available: \(s.themeNames.joined(separator: ", "))", .info, at: s.now)
            } else {
                fx.append(.loadTheme(arg))
            }
        case "ns", "namespace":
            s.namespace = arg.isEmpty || arg == "all" || arg == "-A" ? nil : arg
            s.applyNamespace()
        case "ctx", "context":
            guard s.source.kind == .cluster || s.source.kind == .demo, !s.contexts.isEmpty else {
                s.flash = Flash("contexts need a cluster source: this \(s.source.kind.rawValue) source has no kubeconfig (start meshscope without --file to use the current context)", .warn, at: s.now)
                return
            }
            if arg.isEmpty {
                s.stack = [LiveViews.contextsScreen(s.contexts, current: s.source.context)]
            } else if arg == s.source.context {
                s.flash = Flash("already on context \(arg)", .info, at: s.now)
            } else if s.contexts.contains(where: { $0.name == arg }) {
                fx.append(.switchContext(arg))
                s.flash = Flash("switching to context \(arg)…", .info, at: s.now)
            } else {
                s.flash = Flash("no context \"\(arg)\" in the kubeconfig; :ctx lists them", .error, at: s.now)
            }
        case "apply":
            s.startApply(&fx)
        case "describe":
            s.describe()
        case "diff":
            s.runDiffCommand(Array(words.dropFirst()), &fx)
        case "layers" where words.count > 2 || s.data.live != nil && (words.contains("--via-ingress") || s.data.envoy == nil):
            LiveLayers.run(Array(words.dropFirst()), &s, &fx)
        case "layers":
            guard !arg.isEmpty else {
                s.flash = Flash("usage: :layers HOST:PORT (outbound) or :layers PORT (inbound)", .warn, at: s.now)
                return
            }
            switch LayersScreen.screen(s.data, target: arg) {
            case .success(let screen): s.push(screen)
            case .failure(let e): s.flash = Flash(e.description, .error, at: s.now)
            }
        default:
            if let (g, tab) = s.registry.group(cmd) {
                s.mode = .normal
                s.stack = [Screen.group(g, data: s.data, active: tab)]
                s.applyNamespace()
                if !arg.isEmpty, let m = try? TextMatcher(arg) { s.setFilter(m) }
            } else if let spec = s.registry.find(cmd) {
                s.mode = .normal
                s.stack = [Screen.table(spec, data: s.data)]
                s.applyNamespace()
                if !arg.isEmpty, let m = try? TextMatcher(arg) { s.setFilter(m) }
            } else {
                s.flash = Flash("unknown command \"\(cmd)\"; try \(s.registry.commandNames.prefix(12).map { ":" + $0 }.joined(separator: " ")) :q or ?", .error, at: s.now)
            }
        }
    }

    // MARK: Mouse

    static func handleMouse(_ m: MouseEvent, _ s: inout AppState, _ fx: inout [Effect]) {
        guard s.mode.isNormal else { return }
        switch m.kind {
        case .scrollUp: s.move(by: -3)
        case .scrollDown: s.move(by: 3)
        case .press, .click, .doubleClick:
            let r = s.layout.content
            guard m.y >= r.y, m.y < r.maxY, m.x >= r.x, m.x < r.maxX else { return }
            switch s.focused {
            case .table(let t):
                let first = Scroll.top(selected: t.selected, top: t.top, height: r.height - 1, count: t.order.count)
                let pos = first + (m.y - r.y - 1)
                guard m.y > r.y, pos < t.order.count else { return }
                s.move(by: pos - t.selected)
                if m.kind == .doubleClick { s.drill() }
            case .json(let j) where j.yaml == nil:
                let first = Scroll.top(selected: j.pane.cursor, top: j.pane.top, height: r.height, count: j.pane.lines.count)
                let pos = first + (m.y - r.y)
                s.move(by: pos - j.pane.cursor)
                if m.kind == .doubleClick { perform(.toggleFold, &s, &fx) }
            default: break
            }
        }
    }
}

extension AppState {
    /// The content whose bindings apply: the top screen (tabs include their page's).
    var focusedForBindings: Content? { top?.content }

    var commandCompletions: [String] {
        var names = registry.commandNames
        names += ["quit", "q", "help", "reload", "pause", "resume", "stats", "theme", "ns", "ctx", "apply", "layers", "describe", "diff"]
        names += themeNames.map { "theme " + $0 }
        names += contexts.map { "ctx " + $0.name }
        names += (data.cluster?.namespaces ?? []).map { "ns " + $0.metadata.name }
        return names
    }

    /// The answer to a Ctrl-R on a computed screen replaces it (same request on top).
    mutating func dropRecomputed(_ request: Effect) {
        if stack.count > 1, stack.last?.recompute == request { stack.removeLast() }
    }

    mutating func push(_ screen: Screen) {
        var screen = screen
        if let ns = namespace, case .table(var t) = screen.content, t.spec.followsNamespace {
            t.setNamespace(ns)
            screen.content = .table(t)
        }
        stack.append(screen)
        mode = .normal
    }

    mutating func move(by n: Int) {
        let page = pageHeight
        updateFocused { c in
            switch c {
            case .table(var t):
                let target = n > 0 ? t.selected.addingReportingOverflow(n).partialValue : t.selected + n
                t.selected = Scroll.clamp(target, count: t.order.count)
                t.top = Scroll.top(selected: t.selected, top: t.top, height: page, count: t.order.count)
                c = .table(t)
            case .json(var j):
                if j.yaml != nil {
                    j.yaml!.scroll(by: n, height: page)
                } else {
                    j.pane.moveCursor(by: n, height: page)
                }
                c = .json(j)
            case .text(var t):
                t.pane.scroll(by: n, height: page)
                c = .text(t)
            case .diff(var d):
                d.move(by: n, height: page)
                c = .diff(d)
            case .tabs: break
            }
        }
    }

    mutating func clampScroll() { move(by: 0) }

    mutating func setFilter(_ m: TextMatcher?) {
        let page = pageHeight
        updateFocused { c in
            if case .diff(var d) = c {
                d.setFilter(m, height: page)
                c = .diff(d)
            }
            guard case .table(var t) = c else { return }
            t.setFilter(m)
            c = .table(t)
        }
        clampScroll()
    }

    mutating func search(_ m: TextMatcher?) {
        let page = pageHeight
        var hits = 0
        updateFocused { c in
            switch c {
            case .json(var j):
                if j.yaml != nil {
                    j.yaml!.search(m)
                    hits = j.yaml!.matchLines.count
                } else {
                    j.pane.search(m, height: page)
                    hits = j.pane.hits.count
                }
                c = .json(j)
            case .text(var t):
                t.pane.search(m)
                hits = t.pane.matchLines.count
                c = .text(t)
            case .diff(var d):
                hits = d.search(m)
                c = .diff(d)
            default: break
            }
        }
        if let m { flash = Flash(hits == 0 ? "no match for \(m.pattern)" : "\(hits) \(hits == 1 ? "match" : "matches") for \(m.pattern) (n/N)", hits == 0 ? .warn : .info, at: now) }
    }

    mutating func back() {
        if case .table(let t) = focused, t.filter != nil {
            setFilter(nil)
            return
        }
        if case .diff(let d) = focused, d.focusRight || d.filter != nil {
            // Esc reads back out: from the diff to the list, then clears the list's filter.
            if d.focusRight {
                updateFocused { c in
                    guard case .diff(var d) = c else { return }
                    d.focusRight = false
                    c = .diff(d)
                }
            } else {
                setFilter(nil)
            }
            return
        }
        if stack.count > 1 { stack.removeLast() }
    }

    /// Enter on a table row: the view's drill target, else the row's object in the JSON pane.
    mutating func drill() {
        guard case .table(let t) = focused, let row = t.selectedRow, let index = t.selectedRowIndex else { return }
        guard var screen = App.drillScreen(t, rowIndex: index, data) else {
            flash = Flash("nothing to open for this row (y shows it as YAML/JSON)", .info, at: now)
            return
        }
        let spec = t.spec
        let identity = t.identity(of: row)
        if screen.reload == nil && !screen.rebuildsItself {
            screen.reload = { data in
                let fresh = TableScreen(spec: spec, data: data)
                guard let i = fresh.table.rows.firstIndex(where: { fresh.identity(of: $0) == identity }) else { return nil }
                return App.drillScreen(fresh, rowIndex: i, data)?.content
            }
        }
        push(screen)
    }

    /// Why `A` / `:apply` cannot run here (nil: it can).
    var applyUnavailableReason: String? {
        if readonly { return "--readonly: apply is disabled" }
        return source.applyRefusal
    }

    /// `A` / `:apply`: refused with the reason, or the runtime reads the clipboard.
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
    mutating func showApplyPreview(_ entries: [ApplyEntry], source clip: String) {
        let changes = entries.filter { if case .create? = $0.preview { true } else if case .change? = $0.preview { true } else { false } }
        let failed = entries.filter { if case .failed? = $0.preview { true } else { false } }
        push(Screen(crumb: "apply preview", content: .diff(DiffScreen.apply(entries, context: source.context, clipboard: clip))))
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

    /// The proxy the runtime should feed: the innermost screen that shows one.
    public var focusKey: String? { stack.last { $0.proxyKey != nil }?.proxyKey }

    /// Back to the start view (a new source).
    mutating func resetToHome() {
        mode = .normal
        if let (g, tab) = registry.group(home), registry.groups.contains(where: { $0.name == home }) || registry.find(home) != nil {
            stack = [Screen.group(g, data: data, active: tab)]
        } else if let spec = registry.find(home) ?? registry.views.first {
            stack = [Screen.table(spec, data: data)]
        }
        applyNamespace()
    }

    /// `:ns`: every table on the stack (and tabs built later) filters on NAMESPACE.
    mutating func applyNamespace() {
        let ns = namespace
        var unsupported = false
        for i in stack.indices {
            switch stack[i].content {
            case .table(var t):
                t.setNamespace(ns)
                if ns != nil, t.namespaceColumn == nil, i == stack.count - 1 { unsupported = true }
                stack[i].content = .table(t)
            case .tabs(var tabs):
                for p in tabs.pages.indices {
                    if case .table(var t)? = tabs.pages[p].built {
                        t.setNamespace(ns)
                        if ns != nil, t.namespaceColumn == nil, i == stack.count - 1, p == tabs.active { unsupported = true }
                        tabs.pages[p].built = .table(t)
                    }
                }
                stack[i].content = .tabs(tabs)
            default: break
            }
        }
        if let ns {
            flash = Flash(unsupported ? "namespace \(ns) set; this view has no NAMESPACE column" : "namespace \(ns)", unsupported ? .warn : .info, at: now)
        } else {
            flash = Flash("all namespaces", .info, at: now)
        }
        clampScroll()
    }

    mutating func setLabelSelector(_ sel: LabelSelector?) {
        updateFocused { c in
            guard case .table(var t) = c else { return }
            t.setLabelSelector(sel)
            c = .table(t)
        }
        clampScroll()
    }

    /// `d`: the view's description of the selected resource, else its YAML.
    mutating func describe() {
        guard case .table(let t) = focused, let row = t.selectedRow, let index = t.selectedRowIndex else { return }
        let name = t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : t.spec.title
        if let d = t.spec.describe, let text = d(data, row, index) {
            push(Screen.text("describe \(name)", text))
            return
        }
        let node = t.selectedValue ?? App.rowObject(t.table, row)
        push(Screen.text("describe \(name)", YAMLWriter.string(node)))
    }

    /// `y`: the selected row's object (or the row itself as column: value) in the JSON pane.
    mutating func showSelection() {
        guard case .table(let t) = focused, let row = t.selectedRow else { return }
        let node = t.selectedValue ?? App.rowObject(t.table, row)
        push(Screen.json(t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : t.spec.title, node: node))
    }

    func copyText() -> String? {
        switch focused {
        case .table(let t):
            guard let row = t.selectedRow else { return nil }
            return JSONWriter.string(t.selectedValue ?? App.rowObject(t.table, row), indent: 2)
        case .json(let j):
            if let y = j.yaml { return y.lines.joined(separator: "\n") + "\n" }
            return JSONWriter.string(.json(j.pane.selectedValue), indent: 2)
        case .text(let t): return t.pane.lines.joined(separator: "\n") + "\n"
        case .diff(let d): return d.selectedEntry?.body
        default: return nil
        }
    }

    /// New data: every screen on the stack rebuilds, keeping cursor, filter, sort and tab.
    mutating func reloadScreens() {
        for i in stack.indices {
            switch stack[i].content {
            case .table(var t):
                t.reload(data)
                stack[i].content = .table(t)
            case .tabs(var t) where stack[i].reload == nil:
                for p in t.pages.indices {
                    guard let rebuild = t.pages[p].rebuild else { continue }
                    let data = data
                    t.pages[p].make = { rebuild(data) }
                    switch t.pages[p].built {
                    case .table(var ts)?:
                        ts.reload(data)
                        t.pages[p].built = .table(ts)
                    case let old?:
                        t.pages[p].built = App.carryOver(from: old, to: rebuild(data))
                    case nil: break
                    }
                }
                stack[i].content = .tabs(t)
            default:
                guard let fresh = stack[i].reload?(data) else { continue }
                stack[i].content = App.carryOver(from: stack[i].content, to: fresh)
            }
        }
        clampScroll()
    }
}

extension App {
    static func drillScreen(_ t: TableScreen, rowIndex: Int, _ data: SourceData) -> Screen? {
        let row = t.table.rows[rowIndex]
        if let drill = t.spec.drill { return drill(data, row, rowIndex) }
        if let v = t.value(at: rowIndex) {
            return Screen.detail(t.spec.nameColumn < row.count ? row[t.spec.nameColumn] : "", node: v)
        }
        return nil
    }

    /// A row as `{column: cell}` for `y` and `c` when the view has no object behind it.
    static func rowObject(_ table: Table, _ row: [String]) -> JSONTree {
        .object(table.columns.enumerated().map { i, c in (c.name, .string(i < row.count ? row[i] : "")) })
    }

    /// Keeps the user's place (cursor line, tab, YAML mode) when a screen is rebuilt.
    static func carryOver(from old: Content, to new: Content) -> Content {
        switch (old, new) {
        case (.json(let o), .json(var n)):
            n.pane.moveCursor(to: o.pane.cursor, height: 1)
            n.pane.top = o.pane.top
            if o.yaml != nil { n.yaml = TextPaneState(text: YAMLWriter.string(.json(n.pane.root))); n.yaml!.top = o.yaml!.top }
            return .json(n)
        case (.text(let o), .text(var n)):
            n.pane.top = o.pane.top
            return .text(n)
        case (.table(let o), .table(let n)):
            return .table(n.carrying(o))
        case (.tabs(let o), .tabs(var n)):
            n.active = min(o.active, max(0, n.pages.count - 1))
            n.buildActive()
            if let oc = o.current, let nc = n.current { n.pages[n.active].built = carryOver(from: oc, to: nc) }
            return .tabs(n)
        default:
            return new
        }
    }
}

extension AppState {
    /// `D`: the picker for the proxy on screen (its row's `D` in :pods and :proxies opens it too).
    mutating func startDiff() {
        guard data.live != nil else {
            flash = Flash("D compares proxies of a live, demo or snapshot source; for two dump files run meshscope diff A B", .warn, at: now)
            return
        }
        guard let key = focusKey, let proxy = data.live?.proxies.first(where: { $0.key == key }) else {
            flash = Flash("D compares a proxy: select one in :proxies or :pods (or :diff POD [POD2])", .warn, at: now)
            return
        }
        guard proxy.kind == .sidecar || proxy.kind == .gateway || proxy.kind == .waypoint else {
            flash = Flash("\(proxy.name) is a \(proxy.kind.rawValue): only Envoys (sidecars, gateways, waypoints) have xDS config to compare", .warn, at: now)
            return
        }
        push(DiffScreen.picker(data, proxy: proxy))
    }

    /// `:diff POD[.NS]` (istiod vs Envoy) or `:diff POD1 POD2` (proxy vs proxy); no argument: `D`.
    mutating func runDiffCommand(_ args: [String], _ fx: inout [Effect]) {
        guard let live = data.live else {
            flash = Flash(":diff compares proxies of a live, demo or snapshot source; for two dump files run meshscope diff A B", .warn, at: now)
            return
        }
        guard !args.isEmpty else {
            startDiff()
            return
        }
        switch DiffScreen.request(args, proxies: live.proxies) {
        case .success(let request):
            fx.append(.compare(request))
            switch request {
            case .istiod(let p): flash = Flash("reading istiod's view of \(p) and its config dump…", .info, at: now)
            case .proxies(let a, let b): flash = Flash("reading the config dumps of \(a) and \(b)…", .info, at: now)
            }
        case .failure(let e):
            flash = Flash(e.description, .error, at: now)
        }
    }
}
