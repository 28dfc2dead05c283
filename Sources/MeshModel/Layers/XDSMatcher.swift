/// Evaluates an xds `Matcher` (as used by `filter_chain_matcher`) against connection
/// attributes. Unknown attributes branch: each outcome carries the conditions under which it
/// is reached, in the order Envoy would try them.
///
/// ```swift
/// XDSMatcher.evaluate(listener.filterChainMatcher!, attrs).first?.action
/// // "inbound-vip|8000||httpbin.default.svc.cluster.local-http"
/// ```
public enum XDSMatcher {
    public struct Outcome: Sendable, Equatable {
        /// The action's name (the filter chain name), nil when nothing matched.
        public var action: String?
        public var conditions: [String]
    }

    public static func evaluate(_ matcher: JSONValue, _ attrs: ConnectionAttributes) -> [Outcome] {
        evaluate(matcher, attrs, conditions: [])
    }

    static func evaluate(_ m: JSONValue, _ attrs: ConnectionAttributes, conditions: [String]) -> [Outcome] {
        var outcomes: [Outcome] = []
        var noMatchConditions = conditions
        if let tree = m["matcher_tree"], tree.isObject {
            let input = inputKind(tree["input"])
            let given = input.flatMap { XDSMatcher.value(of: $0, attrs) }
            var branches: [(JSONValue, String)] = []   // on_match, condition label
            if let map = tree["exact_match_map"]?["map"], map.isObject {
                for (k, v) in map.members { branches.append((v, "\(input?.label ?? "input") = \(k)")) }
                if let value = given {
                    if let hit = map.members.first(where: { $0.key == value }) {
                        return onMatch(hit.value, attrs, conditions: conditions)
                    }
                    branches = []
                }
            } else if let map = tree["prefix_match_map"]?["map"], map.isObject {
                for (k, v) in map.members { branches.append((v, "\(input?.label ?? "input") starts with \(k)")) }
                if let value = given {
                    let hit = map.members.filter { value.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }
                    if let hit { return onMatch(hit.value, attrs, conditions: conditions) }
                    branches = []
                }
            } else if let custom = tree["custom_match"]?["typed_config"], custom.isObject {
                let ranges = custom["range_matchers"].map { Array($0.elements) } ?? []
                var best: (JSONValue, Int)?
                for rm in ranges {
                    let rs = rm["ranges"]?.elements.map { ($0["address_prefix"]?.string ?? "", $0["prefix_len"]?.int ?? 0) } ?? []
                    guard let om = rm["on_match"] else { continue }
                    let text = rs.map { "\($0.0)/\($0.1)" }.joined(separator: ",")
                    if let value = given {
                        if let len = rs.filter({ IPAddress.contains(prefix: $0.0, length: $0.1, ip: value) }).map(\.1).max(), len > (best?.1 ?? -1) {
                            best = (om, len)
                        }
                    } else {
                        branches.append((om, "\(input?.label ?? "input") in \(text)"))
                    }
                }
                if given != nil {
                    if let best { return onMatch(best.0, attrs, conditions: conditions) }
                }
            }
            for (om, label) in branches {
                outcomes += onMatch(om, attrs, conditions: conditions + [label])
            }
            if given == nil, !branches.isEmpty {
                noMatchConditions.append("\(input?.label ?? "input") matches none of the above")
            }
        } else if let list = m["matcher_list"]?["matchers"] {
            for fm in list.elements {
                guard let pred = fm["predicate"], let om = fm["on_match"] else { continue }
                switch predicate(pred, attrs) {
                case .some(true): return outcomes + onMatch(om, attrs, conditions: noMatchConditions)
                case .some(false): continue
                case .none:
                    let label = describe(pred)
                    outcomes += onMatch(om, attrs, conditions: noMatchConditions + [label])
                    noMatchConditions.append("not (\(label))")
                }
            }
        }
        if let nm = m["on_no_match"], nm.isObject {
            outcomes += onMatch(nm, attrs, conditions: noMatchConditions)
        } else {
            outcomes.append(Outcome(action: nil, conditions: noMatchConditions))
        }
        return outcomes
    }

    static func onMatch(_ om: JSONValue, _ attrs: ConnectionAttributes, conditions: [String]) -> [Outcome] {
        if let inner = om["matcher"], inner.isObject { return evaluate(inner, attrs, conditions: conditions) }
        let action = om["action"]
        let name = action?["typed_config"]?["value"]?.string ?? action?["name"]?.string
        return [Outcome(action: name, conditions: conditions)]
    }

    enum Input {
        case destinationIP, destinationPort, sourceIP, directSourceIP, sourcePort, serverName, transportProtocol, applicationProtocol

        var label: String {
            switch self {
            case .destinationIP: "destination IP"
            case .destinationPort: "destination port"
            case .sourceIP: "source IP"
            case .directSourceIP: "direct source IP"
            case .sourcePort: "source port"
            case .serverName: "server name"
            case .transportProtocol: "transport protocol"
            case .applicationProtocol: "application protocol"
            }
        }
    }

    static func inputKind(_ input: JSONValue?) -> Input? {
        guard let t = input?["typed_config"]?.typeName else { return nil }
        if t.hasSuffix(".DestinationIPInput") { return .destinationIP }
        if t.hasSuffix(".DestinationPortInput") { return .destinationPort }
        if t.hasSuffix(".DirectSourceIPInput") { return .directSourceIP }
        if t.hasSuffix(".SourceIPInput") { return .sourceIP }
        if t.hasSuffix(".SourcePortInput") { return .sourcePort }
        if t.hasSuffix(".ServerNameInput") { return .serverName }
        if t.hasSuffix(".TransportProtocolInput") { return .transportProtocol }
        if t.hasSuffix(".ApplicationProtocolInput") { return .applicationProtocol }
        return nil
    }

    static func value(of input: Input, _ a: ConnectionAttributes) -> String? {
        switch input {
        case .destinationIP: a.destinationIP
        case .destinationPort: a.destinationPort.map(String.init)
        case .sourceIP, .directSourceIP: a.sourceIP
        case .sourcePort: a.sourcePort.map(String.init)
        case .serverName: a.serverName
        case .transportProtocol: a.transportProtocol
        // Envoy's ApplicationProtocolInput: each protocol single-quoted, comma-separated.
        case .applicationProtocol: a.applicationProtocols.map { $0.map { "'\($0)'" }.joined(separator: ",") }
        }
    }

    /// true/false when decidable, nil when an input is unknown or unsupported.
    static func predicate(_ p: JSONValue, _ attrs: ConnectionAttributes) -> Bool? {
        if let sp = p["single_predicate"], sp.isObject {
            guard let input = inputKind(sp["input"]), let v = value(of: input, attrs) else { return nil }
            guard let vm = sp["value_match"], vm.isObject else { return nil }
            if let e = vm["exact"]?.string { return v == e }
            if let pre = vm["prefix"]?.string { return v.hasPrefix(pre) }
            if let suf = vm["suffix"]?.string { return v.hasSuffix(suf) }
            if let c = vm["contains"]?.string { return v.contains(c) }
            return nil
        }
        if let or = p["or_matcher"]?["predicate"] {
            var unknown = false
            for q in or.elements {
                switch predicate(q, attrs) {
                case .some(true): return true
                case .none: unknown = true
                default: break
                }
            }
            return unknown ? nil : false
        }
        if let and = p["and_matcher"]?["predicate"] {
            var unknown = false
            for q in and.elements {
                switch predicate(q, attrs) {
                case .some(false): return false
                case .none: unknown = true
                default: break
                }
            }
            return unknown ? nil : true
        }
        if let not = p["not_matcher"], not.isObject { return predicate(not, attrs).map { !$0 } }
        return nil
    }

    static func describe(_ p: JSONValue) -> String {
        if let sp = p["single_predicate"], sp.isObject {
            let label = inputKind(sp["input"])?.label ?? "input"
            let vm = sp["value_match"]
            if let e = vm?["exact"]?.string { return "\(label) = \(e)" }
            if let pre = vm?["prefix"]?.string { return "\(label) starts with \(pre)" }
            return "\(label) matches"
        }
        return "predicate at \(p.path)"
    }
}
