/// ztunnel's `/config_dump`, decoded: what the node proxy knows about workloads, services,
/// authorization policies and its own certificates, plus the live per-workload state.
///
/// Two layouts exist in the wild and both decode to the same values: older ztunnels key
/// `workloads` and `services` by address (`"network/10.0.0.1": {...}`), current ones emit
/// lists. Every item keeps its original JSON in `raw`, so fields we do not model are still
/// printed by `-o json` and kept in snapshots.
///
/// ```swift
/// let dump = ZtunnelDump.decode(try JSONDocument(bytes: bytes))
/// dump.workloads.first?.name      // "ratings-v1-6484c4d9bb-mdxm5"
/// dump.issues                     // items that were skipped, with their JSON path
/// ```
public struct ZtunnelDump: Sendable {
    public enum Layout: String, Sendable, Equatable {
        /// `workloads`/`services` are objects keyed by address (ztunnel ≤ 1.21).
        case addressMap
        /// `workloads`/`services` are arrays (current ztunnel).
        case list
    }

    public var layout: Layout = .list
    public var workloads: [ZtunnelWorkload] = []
    public var services: [ZtunnelService] = []
    public var policies: [ZtunnelPolicy] = []
    public var certificates: [ZtunnelCertificate] = []
    public var workloadStates: [ZtunnelWorkloadState] = []
    /// ztunnel's local (static) configuration, as given.
    public var staticConfig: JSONValue?
    /// Build information (`version`, `gitRevision`, `istioVersion`, ...).
    public var version: ZtunnelVersion?
    /// The running configuration, as given.
    public var config: JSONValue?
    /// Top-level sections we do not model, in document order.
    public var otherSections: [(name: String, value: JSONValue)] = []
    /// The whole document (for `-o json` of everything).
    public var root: JSONValue?
    /// Items or sections skipped because their shape was wrong. Everything else decoded.
    public var issues: [JSONShapeError] = []

    public init() {}
}

/// One workload as ztunnel sees it (a pod, a VM entry, a waypoint).
public struct ZtunnelWorkload: Sendable {
    /// The map key in the address-keyed layout (`network/ip`), nil in the list layout.
    public var key: String?
    public var uid: String = ""
    public var name: String = ""
    public var namespace: String = ""
    public var workloadIPs: [String] = []
    public var hostname: String = ""
    public var node: String = ""
    public var network: String = ""
    public var clusterID: String = ""
    /// `HBONE` or `TCP` (how ztunnel reaches it).
    public var protocol_: String = ""
    public var status: String = ""
    public var serviceAccount: String = ""
    public var trustDomain: String = ""
    public var workloadName: String = ""
    public var workloadType: String = ""
    public var canonicalName: String = ""
    public var canonicalRevision: String = ""
    public var waypoint: ZtunnelGatewayAddress?
    public var networkGateway: ZtunnelGatewayAddress?
    /// `namespace/name` of the authorization policies bound by workload selector.
    public var authorizationPolicies: [String] = []
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }

    /// The SPIFFE identity ztunnel requests certificates for.
    public var identity: String {
        "spiffe://\(trustDomain.isEmpty ? "cluster.local" : trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }
}

/// A waypoint or network gateway reference. Current ztunnel prints
/// `{"destination": "...", "hboneMtlsPort": 15008}`, older ones `{"destination": "...", "port": 15008}`.
public struct ZtunnelGatewayAddress: Sendable, Equatable {
    /// `network/ip` or `namespace/hostname`.
    public var destination: String
    public var port: Int?

    public init(destination: String, port: Int? = nil) {
        self.destination = destination
        self.port = port
    }
}

public struct ZtunnelService: Sendable {
    public var key: String?
    public var name: String = ""
    public var namespace: String = ""
    public var hostname: String = ""
    /// `network/ip` entries, as given.
    public var vips: [String] = []
    /// service port → target port, in document order (a target that is not a port stays
    /// visible as ``PortNumber/invalid(_:)``).
    public var ports: [(port: String, target: PortNumber)] = []
    public var endpoints: [ZtunnelEndpoint] = []
    public var waypoint: ZtunnelGatewayAddress?
    public var subjectAltNames: [String] = []
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }

    /// The VIPs without their `network/` prefix.
    public var vipAddresses: [String] { vips.map(ZtunnelService.stripNetwork) }

    static func stripNetwork(_ s: String) -> String {
        guard let slash = s.firstIndex(of: "/") else { return s }
        return String(s[s.index(after: slash)...])
    }
}

public struct ZtunnelEndpoint: Sendable, Equatable {
    public var workloadUID: String
    public var service: String
    public var address: String
    /// `Healthy` or `Unhealthy` as current ztunnel reports it per endpoint; empty in older
    /// dumps, where the workload's own `status` says it.
    public var status: String = ""
}

public struct ZtunnelPolicy: Sendable {
    public var name: String = ""
    public var namespace: String = ""
    /// `Global`, `Namespace` or `WorkloadSelector`.
    public var scope: String = ""
    /// `Allow`, `Deny` (or `Audit`).
    public var action: String = ""
    public var ruleCount: Int = 0
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }
}

/// One identity ztunnel holds (or is fetching) a certificate for.
public struct ZtunnelCertificate: Sendable {
    public var identity: String = ""
    /// As given: `Available`, `Initializing`, or `Unavailable: <why>`.
    public var state: String = ""
    public var certChain: [ZtunnelCertEntry] = []
    /// Newer ztunnels list roots separately; older ones put the root last in `certChain`.
    public var rootCerts: [ZtunnelCertEntry] = []
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }

    /// `Available`, `Initializing` or `Unavailable` (the reason dropped, as istioctl does).
    public var stateSummary: String { state.contains("Unavailable") ? "Unavailable" : state }
}

public struct ZtunnelCertEntry: Sendable, Equatable {
    /// PEM text (or base64 of PEM/DER in some builds).
    public var pem: String = ""
    /// Decimal, as ztunnel prints it.
    public var serialNumber: String = ""
    public var validFrom: String = ""
    public var expirationTime: String = ""
}

/// ztunnel's live view of one local workload: whether it is up and its open connections.
public struct ZtunnelWorkloadState: Sendable {
    public var key: String = ""
    public var name: String = ""
    public var namespace: String = ""
    public var serviceAccount: String = ""
    public var trustDomain: String = ""
    public var state: String = ""
    public var inbound: [ZtunnelConnection] = []
    public var outbound: [ZtunnelConnection] = []
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }
}

public struct ZtunnelConnection: Sendable, Equatable {
    public var src: String = ""
    /// What the client dialled (a service VIP:port or hostname); empty when null.
    public var originalDst: String = ""
    /// Where ztunnel actually sent it (a pod, or a waypoint/ztunnel on 15008).
    public var actualDst: String = ""
    public var protocol_: String = ""

    public init(src: String = "", originalDst: String = "", actualDst: String = "", protocol_: String = "") {
        self.src = src
        self.originalDst = originalDst
        self.actualDst = actualDst
        self.protocol_ = protocol_
    }
}

public struct ZtunnelVersion: Sendable {
    public var version: String = ""
    public var gitRevision: String = ""
    public var istioVersion: String = ""
    public var rustVersion: String = ""
    public var raw: JSONValue

    public init(raw: JSONValue) { self.raw = raw }
}
