import Foundation

/// How far one proxy is in sync with one istiod, per xDS type: what `istioctl proxy-status`
/// shows. Built from either of istiod's shapes: `/debug/syncz`'s list of `SyncStatus`
/// objects, or a CSDS `DiscoveryResponse` of `ClientConfig` resources.
///
/// ```swift
/// let status = try IstiodSyncz.decode(doc, istiod: "istiod-1").proxies
/// status[0].types.map(\.shortType)   // ["CDS", "LDS", "RDS", "EDS", "ECDS"]
/// ```
public struct ProxySyncStatus: Sendable {
    public var proxyID: String = ""
    public var clusterID: String = ""
    /// The istiod pod the proxy is connected to.
    public var istiod: String = ""
    /// The proxy's Istio version (node metadata `ISTIO_VERSION`); istioctl falls back to
    /// the proxy version with a `*` for very old control planes.
    public var version: String = ""
    /// `sidecar`, `router`, `ztunnel`, ... when syncz says.
    public var proxyType: String = ""
    public var namespace: String = ""
    /// Per xDS type, in the order the source gave them.
    public var types: [XdsTypeStatus] = []
    public var raw: JSONValue?
    /// The CSDS `DiscoveryResponse` this came from, if any.
    public var response: JSONValue?

    public init() {}

    public func status(forType typeURL: String) -> XdsTypeStatus? { types.first { $0.typeURL == typeURL } }

    /// The SYNC cell of a proxy istiod does not list (`:pods`, `:xds`): it runs, but istiod's
    /// sync status has no entry for it. Beside ``XdsTypeStatus/State``'s words, which the other
    /// SYNC cells are made of.
    public static let notInSyncz = "NOT IN SYNCZ"

    /// The SYNC cell of a proxy whose istiod could not be asked because the user may not
    /// (istio-system's pods or istiod's admin port refused): `:proxies` and `:pods` say the
    /// same word, and the view says why beside it.
    public static let unavailable = "unavailable"
}

public struct XdsTypeStatus: Sendable, Equatable {
    /// CSDS `ConfigStatus`. The raw value is the wire name (CSDS JSON `configStatus`, what
    /// `proxy-status -o json` prints, as istioctl does); ``description`` is the one spelling
    /// every table, describe and status line shows (istioctl's `proxy-status` table words).
    public enum State: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
        case synced = "SYNCED", stale = "STALE", notSent = "NOT_SENT", error = "ERROR", unknown = "UNKNOWN"

        public var description: String {
            switch self {
            case .synced: "SYNCED"
            case .stale: "STALE"
            case .notSent: "NOT SENT"
            case .error: "ERROR"
            case .unknown: "IGNORED"
            }
        }

        /// The state a displayed cell starts with (`STALE (5m)`, `NOT SENT`), for colouring.
        public init?(cell: String) {
            guard let s = State.allCases.first(where: { cell == $0.description || cell.hasPrefix($0.description + " (") }) else { return nil }
            self = s
        }
    }

    public var typeURL: String
    public var state: State
    /// When istiod last sent this type (syncz `sentTime`, CSDS `lastUpdated`).
    public var lastUpdated: Date?
    public var nonceSent: String?
    public var nonceAcked: String?
    public var lastError: String?

    public init(typeURL: String, state: State, lastUpdated: Date? = nil, nonceSent: String? = nil, nonceAcked: String? = nil, lastError: String? = nil) {
        self.typeURL = typeURL
        self.state = state
        self.lastUpdated = lastUpdated
        self.nonceSent = nonceSent
        self.nonceAcked = nonceAcked
        self.lastError = lastError
    }

    public var shortType: String { XdsType.shortName(typeURL) }

    /// istiod's CSDS rule: nothing sent → NOT_SENT; a NACK → ERROR; acked what was sent → SYNCED; else STALE.
    static func fromNonces(typeURL: String, sent: String, acked: String, lastError: String = "", sentTime: Date? = nil) -> XdsTypeStatus {
        let state: State
        if sent.isEmpty {
            state = .notSent
        } else if !lastError.isEmpty {
            state = .error
        } else if sent == acked {
            state = .synced
        } else {
            state = .stale
        }
        return XdsTypeStatus(
            typeURL: typeURL, state: state, lastUpdated: sentTime, nonceSent: sent.isEmpty ? nil : sent,
            nonceAcked: acked.isEmpty ? nil : acked, lastError: lastError.isEmpty ? nil : lastError)
    }
}

/// xDS type URLs and istiod's short names for them.
public enum XdsType {
    public static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    public static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    public static let route = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    public static let endpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    public static let secret = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
    public static let extensionConfig = "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"
    public static let nameTable = "type.googleapis.com/istio.networking.nds.v1.NameTable"
    public static let proxyConfig = "type.googleapis.com/istio.mesh.v1alpha1.ProxyConfig"
    public static let address = "type.googleapis.com/istio.workload.Address"
    public static let workload = "type.googleapis.com/istio.workload.Workload"
    public static let authorization = "type.googleapis.com/istio.security.Authorization"

    /// The order istioctl keeps for the classic types; others follow sorted by URL.
    public static let coreOrder = [cluster, listener, endpoint, route]
    /// Types `-v 1` always shows, seen or not.
    public static let known = [cluster, listener, endpoint, route, extensionConfig]

    public static func shortName(_ typeURL: String) -> String {
        switch typeURL {
        case cluster: "CDS"
        case listener: "LDS"
        case route: "RDS"
        case endpoint: "EDS"
        case secret: "SDS"
        case nameTable: "NDS"
        case proxyConfig: "PCDS"
        case extensionConfig: "ECDS"
        case address, workload: "WDS"
        case authorization: "WADS"
        default: typeURL
        }
    }
}
