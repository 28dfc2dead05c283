import Foundation
import MeshModel
import TerminalUI

extension App {
    /// Performs a `:` command (typed, row key or picker Enter: see ``AppCommand``).
    static func run(_ command: AppCommand, _ s: inout AppState, _ fx: inout [Effect]) {
        switch command {
        case .quit:
            s.quitting = true
            fx.append(.quit)
        case .help: s.toggleHelp()
        case .views: s.push(Screen.table(.viewList, in: s.registry, data: s.data))
        case .reload:
            fx.append(.reload)
        case .pause: s.paused = true
        case .resume: s.paused = false
        case .stats:
            s.flash = Flash(s.lastFrame.map { "last frame: \($0)" } ?? "no frame drawn yet", .info, at: s.now)
        case .theme(nil):
            s.flash = Flash("theme \(s.theme.name); available: \(s.themeNames.joined(separator: ", "))", .info, at: s.now)
        case .theme(let name?):
            fx.append(.loadTheme(name))
        case .namespace(let ns):
            // Enter in the `:ns` list: the list closes onto the view it was opened from.
            if case .table(let t)? = s.top?.content, case .namespacePicker = t.view.id, s.stack.count > 1 { s.stack.removeLast() }
            s.namespace = ns
            s.applyNamespace()
        case .namespaces:
            s.openNamespacePicker()
        case .context(let name):
            guard s.source.kind == .cluster || s.source.kind == .demo, !s.contexts.isEmpty else {
                s.flash = Flash("contexts need a cluster source: this \(s.source.kind.rawValue) source has no kubeconfig (start meshscope without --file to use the current context)", .warn, at: s.now)
                return
            }
            if let name {
                if name == s.source.context {
                    s.flash = Flash("already on context \(name)", .info, at: s.now)
                } else if s.contexts.contains(where: { $0.name == name }) {
                    fx.append(.switchContext(name))
                    s.flash = Flash("switching to context \(name)…", .info, at: s.now, untilData: true)
                } else {
                    s.flash = Flash("no context \"\(name)\" in the kubeconfig; :ctx lists them", .error, at: s.now)
                }
            } else {
                s.stack = [LiveViews.contextsScreen(s.contexts, current: s.source.context)]
            }
        case .apply:
            s.startApply(&fx)
        case .describe:
            s.describe()
        case .diff(let args):
            s.runDiffCommand(args, &fx)
        case .layers(let args) where args.count > 1 || s.data.live != nil && (args.contains("--via-ingress") || s.data.envoy == nil):
            LiveLayers.run(args, &s, &fx)
        case .layers(let args):
            // A dump: the layers of one listener port, from the dump alone.
            guard !args.isEmpty else {
                s.flash = Flash("usage: :layers HOST:PORT (outbound) or :layers PORT (inbound)", .warn, at: s.now)
                return
            }
            switch LayersScreen.screen(s.data, target: args.joined(separator: " ")) {
            case .success(let screen): s.push(screen)
            case .failure(let e): s.flash = Flash(e.description, .error, at: s.now)
            }
        case .view(let name, let filter):
            s.open(view: name, filter: filter)
        case .goto(let link):
            s.open(link: link)
        case .flows(let args, let top):
            s.openFlows(args, top: top)
        case .logLevel(let args):
            s.askLogLevel(args, &fx)
        case .messages:
            s.openMessages()
        }
    }
}

extension AppState {
    /// `:NAME [FILTER]`: the view or group (at the named tab) becomes the only screen.
    mutating func open(view name: String, filter: String?) {
        if let (g, tab) = registry.group(name) {
            mode = .normal
            stack = [Screen.group(g, in: registry, data: data, active: tab)]
        } else if let spec = registry.find(name) {
            mode = .normal
            stack = [Screen.table(.named(spec.name), in: registry, data: data)]
        } else {
            flash = Flash("unknown command \"\(name)\"; try \(registry.commandNames.prefix(12).map { ":" + $0 }.joined(separator: " ")) :q or ?", .error, at: now)
            return
        }
        applyNamespace()
        if let filter, let m = try? TextMatcher(filter) { setFilter(m) }
    }

    /// `:ns` with no name: the namespace list over the current view (live sources, whose
    /// registry has `:namespaces`); elsewhere says how to filter by namespace.
    mutating func openNamespacePicker() {
        guard registry.find("namespaces") != nil else {
            flash = Flash("this \(source.kind.rawValue) source has no namespace list; :ns NAME shows only rows of NAME", .warn, at: now)
            return
        }
        if case .table(let t)? = top?.content, case .namespacePicker = t.view.id { return }
        push(Screen.table(.namespacePicker, in: registry, data: data, crumb: "namespaces"))
        flash = Flash("enter sets the namespace (now \(namespace ?? "all")); :ns all clears it", .info, at: now)
    }

    /// `?`: help for what is on screen, pushed as a screen; on the help screen, closes it.
    mutating func toggleHelp() {
        if top?.crumb == HelpScreen.crumb, stack.count > 1 {
            stack.removeLast()
        } else {
            push(HelpScreen.screen(for: self))
        }
    }

    var commandCompletions: [String] {
        var names = registry.commandNames
        names += AppCommand.names
        names += themeNames.map { "theme " + $0 }
        names += contexts.map { "ctx " + $0.name }
        names += (data.cluster?.namespaces ?? []).map { "ns " + $0.metadata.name }
        return names
    }
}
