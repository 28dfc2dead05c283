/// A filter chain a connection reaches, and what must hold for it to be reached.
public struct FilterChainChoice: Sendable {
    /// nil when a `filter_chain_matcher` names a chain the listener does not have.
    public var chain: EnvoyFilterChain?
    /// The chain's name (as the matcher names it when the chain is missing).
    public var name: String
    /// Position in `filter_chains`, nil for `default_filter_chain`.
    public var index: Int?
    /// Conditions on attributes that were not given ("transport protocol = tls"). Empty when
    /// the given attributes decide alone.
    public var conditions: [String]

    public var isDefault: Bool { index == nil }

    /// `name (#index)`, `name (default_filter_chain)`, or `#index` for unnamed chains.
    public var label: String {
        let where_ = index.map { "#\($0)" } ?? "default_filter_chain"
        if chain == nil { return "\(name) (not in the listener)" }
        return name.isEmpty ? where_ : "\(name) (\(where_))"
    }
}

/// Envoy's filter chain selection, for one listener and one connection.
///
/// Listeners with `filter_chain_matcher` are matched by walking the xds matcher tree
/// (`DestinationIPInput`, `DestinationPortInput`, `ServerNameInput`, `TransportProtocolInput`,
/// `ApplicationProtocolInput`, `SourceIPInput`, `SourcePortInput`; exact and prefix maps,
/// `IPMatcher`, matcher lists). Others use `filter_chain_match` in Envoy's order: destination
/// port, destination IP, server names, transport protocol, application protocols, direct
/// source IP, source type, source IP, source port; at each step the most specific match wins,
/// then chains that leave the field unset. No match falls to `default_filter_chain`.
///
/// ```swift
/// let choices = FilterChainSelection.select(listener, ConnectionAttributes(destinationPort: 8080))
/// choices.first?.label       // "inbound|8080|| (#0)"
/// choices.first?.conditions  // ["transport protocol = tls"]
/// ```
public enum FilterChainSelection {
    /// Every chain the connection can reach (first = most specific branch); empty when the
    /// connection is closed for want of a chain.
    public static func select(_ listener: EnvoyListener, _ attrs: ConnectionAttributes) -> [FilterChainChoice] {
        let chains = listener.declaredFilterChains
        if let matcher = listener.filterChainMatcher, matcher.isObject {
            var out: [FilterChainChoice] = []
            for outcome in XDSMatcher.evaluate(matcher, attrs) {
                let conditions = outcome.conditions
                if let name = outcome.action {
                    if let i = chains.firstIndex(where: { $0.name == name }) {
                        append(FilterChainChoice(chain: chains[i], name: name, index: i, conditions: conditions), to: &out)
                    } else if !out.contains(where: { $0.name == name }) {
                        out.append(FilterChainChoice(chain: nil, name: name, index: -1, conditions: conditions))
                    }
                } else if let d = listener.defaultFilterChain {
                    append(FilterChainChoice(chain: d, name: d.name, index: nil, conditions: conditions), to: &out)
                }
            }
            return out
        }
        var out: [FilterChainChoice] = []
        let all = chains.enumerated().map { (index: $0.offset, match: $0.element.match) }
        for (indices, conditions) in legacy(all, step: 0, attrs: attrs, conditions: []) {
            if let i = indices.first {
                append(FilterChainChoice(chain: chains[i], name: chains[i].name, index: i, conditions: conditions), to: &out)
            } else if let d = listener.defaultFilterChain {
                append(FilterChainChoice(chain: d, name: d.name, index: nil, conditions: conditions), to: &out)
            }
        }
        return out
    }

    private static func append(_ c: FilterChainChoice, to out: inout [FilterChainChoice]) {
        if !out.contains(where: { $0.index == c.index && $0.name == c.name }) { out.append(c) }
    }

    typealias Candidate = (index: Int, match: EnvoyFilterChainMatch)

    /// One step of the legacy order: `specified` says whether a chain constrains the field,
    /// `score` how well it matches a known value (nil: no match, larger: more specific),
    /// `options` the values to branch on when the attribute is unknown.
    struct Criterion: Sendable {
        var label: String
        var specified: @Sendable (EnvoyFilterChainMatch) -> Bool
        var value: @Sendable (ConnectionAttributes) -> String?
        var score: @Sendable (EnvoyFilterChainMatch, String) -> Int?
        var options: @Sendable (EnvoyFilterChainMatch) -> [String]
    }

    static func rangeScore(_ ranges: [(addressPrefix: String, prefixLen: Int)], _ ip: String) -> Int? {
        ranges.filter { IPAddress.contains(prefix: $0.addressPrefix, length: $0.prefixLen, ip: ip) }.map(\.prefixLen).max()
    }

    static func rangeOptions(_ ranges: [(addressPrefix: String, prefixLen: Int)]) -> [String] {
        ranges.map { "\($0.addressPrefix)/\($0.prefixLen)" }
    }

    static let criteria: [Criterion] = [
        Criterion(label: "destination port", specified: { $0.destinationPort != nil }, value: { $0.destinationPort.map(String.init) },
                  score: { m, v in m.destinationPort.map(String.init) == v ? 1 : nil }, options: { [$0.destinationPort.map(String.init) ?? ""] }),
        Criterion(label: "destination IP", specified: { !$0.prefixRanges.isEmpty }, value: { $0.destinationIP },
                  score: { m, v in rangeScore(m.prefixRanges, v) }, options: { rangeOptions($0.prefixRanges) }),
        Criterion(label: "server name", specified: { !$0.serverNames.isEmpty }, value: { $0.serverName },
                  score: { m, v in serverNameScore(m.serverNames, v) }, options: { $0.serverNames }),
        Criterion(label: "transport protocol", specified: { !$0.transportProtocol.isEmpty }, value: { $0.transportProtocol },
                  score: { m, v in m.transportProtocol == v ? 1 : nil }, options: { [$0.transportProtocol] }),
        Criterion(label: "application protocol", specified: { !$0.applicationProtocols.isEmpty },
                  value: { $0.applicationProtocols?.joined(separator: ",") },
                  score: { m, v in m.applicationProtocols.contains { v.split(separator: ",").map(String.init).contains($0) } ? 1 : nil },
                  options: { $0.applicationProtocols }),
        Criterion(label: "direct source IP", specified: { !$0.directSourcePrefixRanges.isEmpty }, value: { $0.sourceIP },
                  score: { m, v in rangeScore(m.directSourcePrefixRanges, v) }, options: { rangeOptions($0.directSourcePrefixRanges) }),
        Criterion(label: "source type", specified: { $0.sourceType != "ANY" }, value: { $0.sourceIP.map { IPAddress.isLoopback($0) ? "SAME_IP_OR_LOOPBACK" : "EXTERNAL" } },
                  score: { m, v in m.sourceType == v ? 1 : nil }, options: { [$0.sourceType] }),
        Criterion(label: "source IP", specified: { !$0.sourcePrefixRanges.isEmpty }, value: { $0.sourceIP },
                  score: { m, v in rangeScore(m.sourcePrefixRanges, v) }, options: { rangeOptions($0.sourcePrefixRanges) }),
        Criterion(label: "source port", specified: { !$0.sourcePorts.isEmpty }, value: { $0.sourcePort.map(String.init) },
                  score: { m, v in m.sourcePorts.map(String.init).contains(v) ? 1 : nil }, options: { $0.sourcePorts.map(String.init) }),
    ]

    /// Exact names first, then the longest matching `*.suffix` wildcard.
    static func serverNameScore(_ names: [String], _ sni: String) -> Int? {
        if names.contains(sni) { return Int.max }
        return names.filter { $0.hasPrefix("*.") && sni.hasSuffix(String($0.dropFirst(1))) }.map(\.count).max()
    }

    /// Returns (remaining chain indices, conditions) per branch. An empty index list means
    /// no chain matched on that branch.
    static func legacy(_ cands: [Candidate], step: Int, attrs: ConnectionAttributes, conditions: [String]) -> [([Int], [String])] {
        guard step < criteria.count, !cands.isEmpty else { return [(cands.map(\.index), conditions)] }
        let c = criteria[step]
        let constrained = cands.filter { c.specified($0.match) }
        let unconstrained = cands.filter { !c.specified($0.match) }
        if constrained.isEmpty { return legacy(cands, step: step + 1, attrs: attrs, conditions: conditions) }
        if let v = c.value(attrs) {
            let scored = constrained.compactMap { cand in c.score(cand.match, v).map { (cand, $0) } }
            if let best = scored.map(\.1).max() {
                return legacy(scored.filter { $0.1 == best }.map(\.0), step: step + 1, attrs: attrs, conditions: conditions)
            }
            return legacy(unconstrained, step: step + 1, attrs: attrs, conditions: conditions)
        }
        // Unknown attribute: one branch per value the chains name, then the rest.
        var branches: [([Int], [String])] = []
        var seen: [String] = []
        for cand in constrained {
            for option in c.options(cand.match) where !seen.contains(option) {
                seen.append(option)
                let matching = constrained.filter { c.options($0.match).contains(option) }
                let label = c.label.hasSuffix("IP") ? "\(c.label) in \(option)" : "\(c.label) = \(option)"
                branches += legacy(matching, step: step + 1, attrs: attrs, conditions: conditions + [label])
            }
        }
        let otherwise = "\(c.label) not \(seen.joined(separator: "|"))"
        branches += legacy(unconstrained, step: step + 1, attrs: attrs, conditions: conditions + [otherwise])
        return branches
    }
}
