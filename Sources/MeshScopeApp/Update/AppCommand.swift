import MeshModel

/// A `:` command, parsed once. The command line, a view's row key (`p` on an edge) and
/// Enter on a picker row all produce one; ``App/run(_:_:_:)`` performs it.
///
/// A new `:` command: a case here, its words in ``parse(_:)`` (and ``names`` for
/// completion), its effect in `Update/Commands.swift`, and a line in `AppCommandTests`.
///
/// ```swift
/// AppCommand.parse("ns bookinfo")      // .namespace("bookinfo")
/// AppCommand.parse("clusters outbound") // .view("clusters", filter: "outbound")
/// ```
public enum AppCommand: Sendable, Equatable {
    case quit
    case help
    /// `:views`: every view and its aliases, as a table (Enter opens one).
    case views
    case reload
    case pause
    case resume
    /// `:stats`: the last frame's measure.
    case stats
    /// `:theme NAME`; nil lists the themes.
    case theme(String?)
    /// `:ns NAME`; nil is every namespace (`:ns all`, `:ns -A`).
    case namespace(String?)
    /// `:ns` with no name: the namespace list, Enter on one sets it.
    case namespaces
    /// `:ctx NAME`; nil lists the kubeconfig's contexts.
    case context(String?)
    case apply
    case describe
    /// `:diff [POD[.NS] [POD2[.NS]]]`: no argument is `x`.
    case diff([String])
    /// `:layers [--via-ingress] [FROM] TO` (live) or `:layers HOST:PORT|PORT` (a dump).
    case layers([String])
    /// `:NAME [FILTER]`: a view or group by name or alias, optionally filtered (a name no
    /// view has is answered with the list of names).
    case view(String, filter: String?)
    /// `:goto VIEW [ROW [TAB]]`, and Enter on a finding: the view its link names, at the row
    /// (by key, as ``FindingLink/row`` spells it) and the tab.
    case goto(FindingLink)
    /// `:flows [--from X] [--to Y] [--status 5xx] [--flag UH] [--pod P[.NS]] [-n NS] [TEXT]`
    /// (`top`: `:top` with the same words).
    case flows([String], top: Bool)
    /// `:log-level POD.NS [[LOGGER:]LEVEL,…|--reset]`: change a proxy's Envoy log levels.
    case logLevel([String])
    /// `:messages` / `:msg`: every flash, warning and error since start.
    case messages

    /// The words of a command line (blanks collapse); nil when there are none.
    public static func parse(_ text: String) -> AppCommand? {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else { return nil }
        let args = Array(words.dropFirst())
        let arg: String? = args.isEmpty ? nil : args.joined(separator: " ")
        switch name {
        case "q", "q!", "quit", "exit": return .quit
        case "help", "?": return .help
        case "views", "aliases": return .views
        case "reload": return .reload
        case "pause": return .pause
        case "resume": return .resume
        case "stats": return .stats
        case "theme": return .theme(arg)
        case "ns", "namespace": return arg == nil ? .namespaces : .namespace(arg == "all" || arg == "-A" ? nil : arg)
        case "ctx", "context": return .context(arg)
        case "apply": return .apply
        case "describe": return .describe
        case "diff": return .diff(args)
        case "layers": return .layers(args)
        case "goto" where !args.isEmpty:
            return .goto(FindingLink(view: args[0], row: args.count > 1 ? args[1] : nil, tab: args.count > 2 ? args[2] : nil))
        case "flows", "fl", "flow": return .flows(args, top: false)
        case "top": return .flows(args, top: true)
        case "log-level", "loglevel": return .logLevel(args)
        case "messages", "msg": return .messages
        default: return .view(name, filter: arg)
        }
    }

    /// The command names `:` completes besides the views' (which the registry lists).
    public static let names = ["quit", "q", "help", "views", "reload", "pause", "resume", "stats", "theme", "ns", "ctx", "apply", "layers", "describe", "diff", "log-level", "messages", "msg"]
}
