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
    /// When the hop's filter chain was picked under conditions on what the client sends and
    /// another chain it could reach does otherwise: the condition of this outcome ("HTTP")...
    public var condition: String?
    /// ...and the summaries of the other outcomes ("—", "passthrough").
    public var otherwise: [String] = []

    public init(downstream: LayerAction = .none, upstream: LayerAction = .none, evidence: [Int] = []) {
        self.downstream = downstream
        self.upstream = upstream
        self.evidence = evidence
    }

    /// ``baseSummary``, with the condition when the outcome depends on the connection:
    /// `terminate+originate if HTTP, else —`.
    public var summary: String {
        guard !otherwise.isEmpty else { return baseSummary }
        let others = otherwise.joined(separator: " or ")
        guard let condition else { return "\(baseSummary) or \(others), by connection" }
        return "\(baseSummary) if \(condition), else \(others)"
    }

    /// `terminate`, `originate`, `terminate+originate`, `passthrough`, `unknown` or `—`;
    /// both sides joined with `+` when both are set (`terminate+unknown`).
    public var baseSummary: String {
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
    /// Set when the request ends at this hop (no route, no cluster, no healthy host).
    public var stop: HopStop?
    /// Set on the hops after a stop: why the request does not get there. The hop still
    /// shows what it would do.
    public var notReached: String?

    public init(name: String, kind: HopKind) {
        self.name = name
        self.kind = kind
    }

    public func cell(_ layer: TrafficLayer) -> LayerCell { cells[layer] ?? LayerCell() }

    /// What the hop sends on at `layer`, or would have sent had the request not stopped
    /// here: what the next hop is shown receiving.
    public func sends(_ layer: TrafficLayer) -> LayerAction { stop?.wouldSend[layer] ?? cell(layer).upstream }

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

    /// The column title: the name, marked when the request stops here or never gets here.
    public var title: String {
        if let stop { return "\(name) (stops: \(stop.code))" }
        if notReached != nil { return "\(name) (not reached)" }
        return name
    }

    /// Lines the printers add under the hop's evidence: where the request stops, or why the
    /// hop is not reached.
    public var outcomeLines: [String] {
        var out: [String] = []
        if let stop { out.append("stops here: \(stop.description)") }
        if let notReached { out.append("not reached: \(notReached)") }
        return out
    }

    /// The request ends here: records Envoy's response flag and clears what the hop sends
    /// on (nothing leaves it), keeping that in ``HopStop/wouldSend``. The first stop wins.
    public mutating func stopHere(_ flag: HopStop.Flag, http: Bool, _ reason: String) {
        guard stop == nil else { return }
        var would: [TrafficLayer: LayerAction] = [:]
        for (layer, cell) in cells where !cell.upstream.isNone {
            would[layer] = cell.upstream
            cells[layer]?.upstream = .none
        }
        stop = HopStop(flag: flag, status: http ? flag.httpStatus : nil, reason: reason, wouldSend: would)
    }

    public mutating func lack(_ what: String) {
        if !missing.contains(what) { missing.append(what) }
        note(Evidence(.missing, what))
    }
}

/// Where a request ends at a hop, as Envoy reports it: the response flag of its access log
/// and, for HTTP, the status of its local reply.
///
/// ```swift
/// hop.stop?.description   // "503 UH (no healthy upstream): cluster outbound|9080||ratings… has 0 healthy of 1 endpoints"
/// ```
public struct HopStop: Sendable, Equatable {
    public enum Flag: String, Sendable, Equatable {
        case noHealthyUpstream = "UH", noRoute = "NR", noCluster = "NC"

        public var meaning: String {
            switch self {
            case .noHealthyUpstream: "no healthy upstream"
            case .noRoute: "no route"
            case .noCluster: "no cluster"
            }
        }

        /// Envoy's local reply: 404 for no route, 503 otherwise.
        public var httpStatus: Int { self == .noRoute ? 404 : 503 }
    }

    public var flag: Flag
    /// The HTTP status of the local reply; nil when the connection is closed (TCP).
    public var status: Int?
    public var reason: String
    /// What the hop would have sent on had the request gone on (its upstream actions).
    public var wouldSend: [TrafficLayer: LayerAction]

    /// `503 UH`, or `UH` for a closed TCP connection.
    public var code: String { status.map { "\($0) \(flag.rawValue)" } ?? flag.rawValue }
    public var description: String { "\(code) (\(flag.meaning)): \(reason)" }
}
