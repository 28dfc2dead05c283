/// One listener in one state (a dynamic listener may be active and warming at once; each
/// state is its own `EnvoyListener`).
///
/// ```swift
/// let l = dump.listeners.first { $0.name == "0.0.0.0_8080" }!
/// l.address?.port                          // 8080
/// l.filterChains.first?.filters.map(\.name)
/// ```
public struct EnvoyListener: Sendable, EnvoyDumpEntry {
    public let state: EnvoyResourceState
    public let name: String
    public let lastUpdated: String?
    /// The wrapper as in the dump (`{version_info, listener, last_updated}`, or `error_state`).
    public let entry: JSONValue
    /// The `Listener` resource.
    public let json: JSONValue
    /// For `.error`: Envoy's reason for rejecting the update.
    public let errorDetails: String?

    init(state: EnvoyResourceState, name: String?, entry: JSONValue, json: JSONValue, errorDetails: String? = nil) {
        self.state = state
        self.entry = entry
        self.json = json
        self.name = name ?? json["name"]?.string ?? ""
        lastUpdated = entry["last_updated"]?.string ?? entry["last_update_attempt"]?.string
        self.errorDetails = errorDetails
    }

    public var address: EnvoyAddress? { EnvoyAddress(json["address"]) }

    /// `additional_addresses[].address`.
    public var additionalAddresses: [EnvoyAddress] {
        json["additional_addresses"]?.elements.compactMap { EnvoyAddress($0["address"]) } ?? []
    }

    /// An internal listener (`internal_listener` set): reached by name, no socket.
    public var isInternal: Bool { json["internal_listener"] != nil }

    /// `filter_chains` followed by `default_filter_chain`, as istioctl's `getFilterChains`.
    public var filterChains: [EnvoyFilterChain] {
        var chains = json["filter_chains"]?.elements.map(EnvoyFilterChain.init) ?? []
        if let d = json["default_filter_chain"], d.isObject { chains.append(EnvoyFilterChain(d)) }
        return chains
    }

    public var listenerFilterNames: [String] { json["listener_filters"]?.elements.map { $0["name"]?.string ?? "" } ?? [] }

    /// The `filter_chain_matcher` tree (xds matcher), when the listener uses one.
    public var filterChainMatcher: JSONValue? { json["filter_chain_matcher"] }

    /// `filter_chains` alone (without the default chain), in order.
    public var declaredFilterChains: [EnvoyFilterChain] { json["filter_chains"]?.elements.map(EnvoyFilterChain.init) ?? [] }

    /// `default_filter_chain`: taken when no chain matches.
    public var defaultFilterChain: EnvoyFilterChain? {
        guard let d = json["default_filter_chain"], d.isObject else { return nil }
        return EnvoyFilterChain(d)
    }

    /// `use_original_dst`: hands connections to the listener bound to their original destination.
    public var useOriginalDst: Bool { json["use_original_dst"]?.bool ?? false }
    /// `bind_to_port` (default true): false for listeners only reached through `use_original_dst`.
    public var bindToPort: Bool { json["bind_to_port"]?.bool ?? true }
    /// `traffic_direction`: `INBOUND`, `OUTBOUND`, or nil when unspecified.
    public var trafficDirection: String? { json["traffic_direction"]?.string }
}

/// A filter chain: how it is matched and which filters it runs.
public struct EnvoyFilterChain: Sendable {
    public let json: JSONValue
    public init(_ json: JSONValue) { self.json = json }

    public var name: String { json["name"]?.string ?? "" }
    public var match: EnvoyFilterChainMatch { EnvoyFilterChainMatch(json["filter_chain_match"]) }
    public var filters: [EnvoyFilter] { json["filters"]?.elements.map(EnvoyFilter.init) ?? [] }
    /// `transport_socket`, or the v2 `tls_context` (shown as a DownstreamTlsContext).
    public var transportSocket: EnvoyFilter? {
        if let ts = json["transport_socket"], ts.isObject { return EnvoyFilter(ts) }
        return nil
    }
    public var hasLegacyTLSContext: Bool { json["tls_context"] != nil }
}

/// `FilterChainMatch`, reduced to what istioctl renders.
public struct EnvoyFilterChainMatch: Sendable {
    public var serverNames: [String] = []
    public var transportProtocol: String = ""
    public var applicationProtocols: [String] = []
    public var destinationPort: Int?
    public var prefixRanges: [(addressPrefix: String, prefixLen: Int)] = []
    public var sourcePrefixRanges: [(addressPrefix: String, prefixLen: Int)] = []
    /// `direct_source_prefix_ranges`.
    public var directSourcePrefixRanges: [(addressPrefix: String, prefixLen: Int)] = []
    /// `source_type`: `ANY` (default), `SAME_IP_OR_LOOPBACK` or `EXTERNAL`.
    public var sourceType: String = "ANY"
    public var sourcePorts: [Int] = []

    init(_ json: JSONValue?) {
        guard let json, json.isObject else { return }
        serverNames = json["server_names"]?.elements.compactMap(\.string) ?? []
        transportProtocol = json["transport_protocol"]?.string ?? ""
        applicationProtocols = json["application_protocols"]?.elements.compactMap(\.string) ?? []
        destinationPort = json["destination_port"]?.int
        prefixRanges = EnvoyFilterChainMatch.ranges(json["prefix_ranges"])
        sourcePrefixRanges = EnvoyFilterChainMatch.ranges(json["source_prefix_ranges"])
        directSourcePrefixRanges = EnvoyFilterChainMatch.ranges(json["direct_source_prefix_ranges"])
        sourceType = json["source_type"]?.string ?? "ANY"
        sourcePorts = json["source_ports"]?.elements.compactMap(\.int) ?? []
    }

    static func ranges(_ v: JSONValue?) -> [(addressPrefix: String, prefixLen: Int)] {
        v?.elements.map { ($0["address_prefix"]?.string ?? "", $0["prefix_len"]?.int ?? 0) } ?? []
    }
}
