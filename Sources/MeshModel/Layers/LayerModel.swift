/// The four layers a hop can terminate or originate.
public enum TrafficLayer: String, Sendable, CaseIterable, Equatable {
    case tcp = "TCP", tls = "TLS", http = "HTTP", hbone = "HBONE"
}

/// What a hop does at one layer, on one side: towards its client (downstream) or towards
/// the next hop (upstream).
///
/// `unknown` always carries the reason the data does not say; it is never a guess.
public enum LayerAction: Sendable, Equatable {
    /// The hop ends the layer (accepts the TCP connection, does the TLS handshake as server,
    /// parses HTTP, ends the CONNECT tunnel). `detail` says how: "mTLS", "HTTP/1.1+h2" ...
    case terminate(String)
    /// The hop starts the layer towards the next hop.
    case originate(String)
    /// Bytes of this layer go through untouched (e.g. TLS forwarded after reading SNI).
    case passthrough(String)
    /// The layer is not present on this side.
    case none
    case unknown(String)

    public var verb: String {
        switch self {
        case .terminate: "terminate"
        case .originate: "originate"
        case .passthrough: "passthrough"
        case .none: "—"
        case .unknown: "unknown"
        }
    }

    public var detail: String? {
        switch self {
        case .terminate(let d), .originate(let d), .passthrough(let d), .unknown(let d): d.isEmpty ? nil : d
        case .none: nil
        }
    }

    public var isNone: Bool { self == .none }
}

/// One layer of one hop: what it does downstream and upstream, and the evidence behind it
/// (indices into the hop's ``HopLayers/evidence``).
public struct LayerCell: Sendable, Equatable {
    public var downstream: LayerAction
    public var upstream: LayerAction
    public var evidence: [Int]

    public init(downstream: LayerAction = .none, upstream: LayerAction = .none, evidence: [Int] = []) {
        self.downstream = downstream
        self.upstream = upstream
        self.evidence = evidence
    }

    /// `terminate`, `originate`, `terminate+originate`, `passthrough`, `unknown` or `—`;
    /// both sides joined with `+` when both are set (`terminate+unknown`).
    public var summary: String {
        switch (downstream, upstream) {
        case (.none, .none): return "—"
        case (.passthrough, .passthrough), (.passthrough, .none), (.none, .passthrough): return "passthrough"
        case (.none, let u): return u.verb
        case (let d, .none): return d.verb
        default: return "\(downstream.verb)+\(upstream.verb)"
        }
    }
}

/// One piece of configuration a claim rests on.
///
/// ```swift
/// Evidence(.listener, "main_internal")
/// Evidence(.filterChain, "inbound-vip|8000||httpbin.default.svc.cluster.local-http (#0)")
/// ```
public struct Evidence: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case listener, filterChain = "filter chain", filter, listenerFilter = "listener filter"
        case routeConfig = "route config", virtualHost = "virtual host", route
        case cluster, transportSocket = "transport socket", endpoint
        case workload = "ztunnel workload", service = "ztunnel service", waypoint, policy
        case input, missing, assumption
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    public var description: String { "\(kind.rawValue): \(text)" }
}

/// The kinds of hop on a path.
public enum HopKind: String, Sendable, Equatable {
    case clientApp = "client app", serverApp = "server app"
    case sidecar, ztunnel, waypoint, gateway, proxy
}

/// What one hop terminates and originates, with evidence.
///
/// ```swift
/// let hop = EnvoyLayers.inbound(dump, target: .port(8080))
/// hop.cells[.tls]?.downstream     // .terminate("mTLS")
/// hop.evidence[hop.cells[.tls]!.evidence[0]].text
/// ```
public struct HopLayers: Sendable {
    public var name: String
    public var kind: HopKind
    public var cells: [TrafficLayer: LayerCell] = [:]
    public var evidence: [Evidence] = []
    /// Things the hop needed but the data did not have (sections, clusters, listeners).
    public var missing: [String] = []
    /// Other outcomes under other traffic attributes (e.g. "if not HTTP: chain X").
    public var alternatives: [String] = []

    public init(name: String, kind: HopKind) {
        self.name = name
        self.kind = kind
    }

    public func cell(_ layer: TrafficLayer) -> LayerCell { cells[layer] ?? LayerCell() }

    /// Adds evidence (deduplicated) and returns its index.
    @discardableResult
    public mutating func note(_ e: Evidence) -> Int {
        if let i = evidence.firstIndex(of: e) { return i }
        evidence.append(e)
        return evidence.count - 1
    }

    /// Sets one side of a layer and ties it to evidence.
    public mutating func set(_ layer: TrafficLayer, downstream: LayerAction? = nil, upstream: LayerAction? = nil, _ ev: [Evidence] = []) {
        var c = cells[layer] ?? LayerCell()
        if let downstream { c.downstream = downstream }
        if let upstream { c.upstream = upstream }
        for e in ev {
            let i = note(e)
            if !c.evidence.contains(i) { c.evidence.append(i) }
        }
        cells[layer] = c
    }

    public mutating func lack(_ what: String) {
        if !missing.contains(what) { missing.append(what) }
        note(Evidence(.missing, what))
    }
}
