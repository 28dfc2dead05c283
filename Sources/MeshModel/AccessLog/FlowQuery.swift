/// What the TUI's `:flows` and `:top` are asked for, in the words of the CLI's flags:
/// `--from`, `--to`, `--status`, `--flag`, `--pod`, `-n`; any other word is a text filter
/// (the `/` filter of every view).
///
/// ```swift
/// let q = try FlowQuery.parse(["--to", "ratings", "--status", "5xx", "GET"])
/// q.filter.to          // "ratings"
/// q.text               // "GET"
/// q.description        // "--to ratings --status 5xx"
/// ```
public struct FlowQuery: Sendable, Hashable {
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var from: String?
    public var to: String?
    public var status: String?
    /// Flag codes (long names given are mapped to their codes).
    public var flags: [String] = []
    /// `POD` or `POD.NAMESPACE`: flows its proxy logged or that start or end at it.
    public var pod: String?
    public var namespace: String?
    /// Words that are not flags, joined: the view's text filter.
    public var text: String?

    public init(from: String? = nil, to: String? = nil, status: String? = nil, flags: [String] = [], pod: String? = nil, namespace: String? = nil) {
        self.from = from
        self.to = to
        self.status = status
        self.flags = flags
        self.pod = pod
        self.namespace = namespace
    }

    /// `--to ratings --status 5xx` and `--to=ratings`; unknown `--words` are refused.
    public static func parse(_ words: [String]) throws(Invalid) -> FlowQuery {
        var q = FlowQuery()
        var rest: [String] = []
        var i = 0
        while i < words.count {
            var word = words[i]
            var value: String?
            if word.hasPrefix("-"), let eq = word.firstIndex(of: "=") {
                value = String(word[word.index(after: eq)...])
                word = String(word[..<eq])
            }
            func take() throws(Invalid) -> String {
                if let value { return value }
                guard i + 1 < words.count else { throw Invalid(description: "\(word) needs a value") }
                i += 1
                return words[i]
            }
            switch word {
            case "--from": q.from = try take()
            case "--to": q.to = try take()
            case "--status":
                let s = try take()
                do { _ = try StatusMatcher(s) } catch { throw Invalid(description: error.description) }
                q.status = s
            case "--flag", "--flags":
                for name in try take().split(separator: ",") {
                    guard let f = ResponseFlag.lookup(String(name)) else {
                        throw Invalid(description: "--flag \(name): not a response flag Envoy documents (\(ResponseFlag.all.map(\.code).joined(separator: ", ")))")
                    }
                    if !q.flags.contains(f.code) { q.flags.append(f.code) }
                }
            case "--pod": q.pod = try take()
            case "-n", "--namespace": q.namespace = try take()
            default:
                if word.hasPrefix("--") { throw Invalid(description: "\(word): :flows takes --from, --to, --status, --flag, --pod and -n") }
                rest.append(words[i])
            }
            i += 1
        }
        q.text = rest.isEmpty ? nil : rest.joined(separator: " ")
        return q
    }

    /// The pod's name and namespace (`POD.NS`; a bare POD has none).
    public var podReference: (name: String, namespace: String?)? {
        guard let pod else { return nil }
        guard let dot = pod.firstIndex(of: ".") else { return (pod, namespace) }
        return (String(pod[..<dot]), String(pod[pod.index(after: dot)...]))
    }

    /// The ``FlowFilter`` these words ask for (the text filter is the view's business).
    public var filter: FlowFilter {
        var f = FlowFilter()
        f.namespace = namespace
        f.pod = podReference?.name
        f.from = from
        f.to = to
        f.status = status.flatMap { try? StatusMatcher($0) }
        f.flags = Set(flags)
        return f
    }

    public var isEmpty: Bool { self == FlowQuery() }

    /// The flags again, as `:flows` takes them (for titles and the command line).
    public var description: String {
        var parts: [String] = []
        if let namespace { parts += ["-n", namespace] }
        if let pod { parts += ["--pod", pod] }
        if let from { parts += ["--from", from] }
        if let to { parts += ["--to", to] }
        if let status { parts += ["--status", status] }
        if !flags.isEmpty { parts += ["--flag", flags.joined(separator: ",")] }
        return parts.joined(separator: " ")
    }
}

/// Which containers' logs to follow for flows: the pod asked for (when it has the
/// container) and the ztunnels (which log for ambient pods), else every running pod with the
/// container in the namespace asked for (plus the ztunnels), else everywhere.
///
/// ```swift
/// FlowTargets.choose(pods, pod: ("reviews-v2-abc", "bookinfo"), namespace: nil)
/// // [(reviews-v2-abc, bookinfo), (ztunnel-x7k2p, istio-system)]
/// ```
public enum FlowTargets {
    public struct Target: Sendable, Hashable {
        public var pod: String
        public var namespace: String
    }

    public static func choose(_ pods: [KubePod], pod: (name: String, namespace: String?)?, namespace: String?, container: String = "istio-proxy") -> [Target] {
        let running = pods.filter { p in p.phase == "Running" && p.containers.contains { $0.name == container } }
        func isZtunnel(_ p: KubePod) -> Bool { p.metadata.labels["app"] == "ztunnel" }
        let chosen = running.filter { p in
            if isZtunnel(p) { return true }
            if let pod { return p.metadata.name == pod.name && (pod.namespace == nil || p.metadata.namespace == pod.namespace) }
            if let namespace { return p.metadata.namespace == namespace }
            return true
        }
        return chosen.map { Target(pod: $0.metadata.name, namespace: $0.metadata.namespace ?? "") }
            .sorted { ($0.namespace, $0.pod) < ($1.namespace, $1.pod) }
    }
}
