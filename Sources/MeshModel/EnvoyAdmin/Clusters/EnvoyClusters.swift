/// Envoy's `/clusters` output: every cluster with its circuit breakers, outlier status and
/// hosts, each host with its live counters, health flags, weight and locality.
///
/// The text form (`/clusters`) and the JSON form (`/clusters?format=json`, or istioctl's
/// `proxy-config endpoint -o json` array) decode to the same values.
///
/// ```swift
/// let clusters = try EnvoyClusters.decode(Array(text.utf8))
/// let xds = clusters.cluster(named: "xds-grpc")!
/// xds.circuitBreakers.defaultPriority?.maxConnections   // 100000
/// xds.hosts[0].counters.cxActive                         // 1
/// ```
public struct EnvoyClusters: Sendable, Equatable {
    public var clusters: [EnvoyClusterStatus]
    /// Text lines that did not parse (skipped; the rest is kept).
    public var malformed: MalformedLines

    public init(clusters: [EnvoyClusterStatus] = [], malformed: MalformedLines = MalformedLines()) {
        self.clusters = clusters
        self.malformed = malformed
    }

    public var hostCount: Int { clusters.reduce(0) { $0 + $1.hosts.count } }

    public func cluster(named name: String) -> EnvoyClusterStatus? {
        clusters.first { $0.name == name }
    }

    /// Decodes either form, telling them apart by the first significant byte (`{` or `[` is JSON).
    public static func decode(_ bytes: [UInt8]) throws(AdminDecodeError) -> EnvoyClusters {
        switch ByteText.firstSignificantByte(bytes) {
        case nil: throw AdminDecodeError("empty input")
        case 0x7B, 0x5B:
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: bytes) } catch { throw AdminDecodeError(error) }
            do { return try decodeJSON(doc.root) } catch { throw AdminDecodeError(error) }
        default:
            return try decodeText(bytes)
        }
    }
}

/// One cluster of `/clusters` (`envoy.admin.v3.ClusterStatus`).
public struct EnvoyClusterStatus: Sendable, Equatable {
    public var name: String
    public var observabilityName: String?
    public var edsServiceName: String?
    public var addedViaAPI: Bool
    public var circuitBreakers: CircuitBreakers
    /// Present when the cluster has outlier detection. The text form carries averages and
    /// thresholds; the JSON form only thresholds, and only when positive.
    public var outlier: OutlierStatus?
    public var hosts: [EnvoyHostStatus]
    /// Cluster-level text lines this version does not model (`NAME::KEY::VALUE`), kept verbatim.
    public var extra: [KeyValue]

    public init(name: String, observabilityName: String? = nil, edsServiceName: String? = nil, addedViaAPI: Bool = false,
                circuitBreakers: CircuitBreakers = CircuitBreakers(), outlier: OutlierStatus? = nil,
                hosts: [EnvoyHostStatus] = [], extra: [KeyValue] = []) {
        self.name = name
        self.observabilityName = observabilityName
        self.edsServiceName = edsServiceName
        self.addedViaAPI = addedViaAPI
        self.circuitBreakers = circuitBreakers
        self.outlier = outlier
        self.hosts = hosts
        self.extra = extra
    }
}

public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// The circuit-breaker limits in force, per routing priority.
public struct CircuitBreakers: Sendable, Equatable {
    public var defaultPriority: Thresholds?
    public var highPriority: Thresholds?

    public init(defaultPriority: Thresholds? = nil, highPriority: Thresholds? = nil) {
        self.defaultPriority = defaultPriority
        self.highPriority = highPriority
    }

    public struct Thresholds: Sendable, Equatable {
        public var maxConnections: UInt64 = 0
        public var maxPendingRequests: UInt64 = 0
        public var maxRequests: UInt64 = 0
        public var maxRetries: UInt64 = 0

        public init(maxConnections: UInt64 = 0, maxPendingRequests: UInt64 = 0, maxRequests: UInt64 = 0, maxRetries: UInt64 = 0) {
            self.maxConnections = maxConnections
            self.maxPendingRequests = maxPendingRequests
            self.maxRequests = maxRequests
            self.maxRetries = maxRetries
        }
    }
}

/// Outlier-detection figures of a cluster (percentages, 0-100).
public struct OutlierStatus: Sendable, Equatable {
    public var successRateAverage: Double?
    public var successRateEjectionThreshold: Double?
    public var localOriginSuccessRateAverage: Double?
    public var localOriginSuccessRateEjectionThreshold: Double?

    public init(successRateAverage: Double? = nil, successRateEjectionThreshold: Double? = nil,
                localOriginSuccessRateAverage: Double? = nil, localOriginSuccessRateEjectionThreshold: Double? = nil) {
        self.successRateAverage = successRateAverage
        self.successRateEjectionThreshold = successRateEjectionThreshold
        self.localOriginSuccessRateAverage = localOriginSuccessRateAverage
        self.localOriginSuccessRateEjectionThreshold = localOriginSuccessRateEjectionThreshold
    }
}

/// `config.core.v3.Locality`.
public struct Locality: Sendable, Hashable {
    public var region: String
    public var zone: String
    public var subZone: String

    public init(region: String = "", zone: String = "", subZone: String = "") {
        self.region = region
        self.zone = zone
        self.subZone = subZone
    }

    public var isEmpty: Bool { region.isEmpty && zone.isEmpty && subZone.isEmpty }

    /// `region/zone/sub_zone` without trailing empty parts, as Istio writes localities.
    public var description: String {
        var parts = [region, zone, subZone]
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts.joined(separator: "/")
    }
}

/// The per-host counters and gauges every Envoy keeps (`ALL_HOST_STATS`).
public struct HostCounters: Sendable, Equatable {
    public var cxActive: UInt64 = 0
    public var cxConnectFail: UInt64 = 0
    public var cxTotal: UInt64 = 0
    public var rqActive: UInt64 = 0
    public var rqError: UInt64 = 0
    public var rqSuccess: UInt64 = 0
    public var rqTimeout: UInt64 = 0
    public var rqTotal: UInt64 = 0

    public init(cxActive: UInt64 = 0, cxConnectFail: UInt64 = 0, cxTotal: UInt64 = 0, rqActive: UInt64 = 0,
                rqError: UInt64 = 0, rqSuccess: UInt64 = 0, rqTimeout: UInt64 = 0, rqTotal: UInt64 = 0) {
        self.cxActive = cxActive
        self.cxConnectFail = cxConnectFail
        self.cxTotal = cxTotal
        self.rqActive = rqActive
        self.rqError = rqError
        self.rqSuccess = rqSuccess
        self.rqTimeout = rqTimeout
        self.rqTotal = rqTotal
    }

    /// Names in Envoy's (alphabetical) order, with whether each is a gauge.
    public static let names: [(name: String, isGauge: Bool)] = [
        ("cx_active", true), ("cx_connect_fail", false), ("cx_total", false), ("rq_active", true),
        ("rq_error", false), ("rq_success", false), ("rq_timeout", false), ("rq_total", false),
    ]

    public subscript(name: String) -> UInt64? {
        get {
            switch name {
            case "cx_active": cxActive
            case "cx_connect_fail": cxConnectFail
            case "cx_total": cxTotal
            case "rq_active": rqActive
            case "rq_error": rqError
            case "rq_success": rqSuccess
            case "rq_timeout": rqTimeout
            case "rq_total": rqTotal
            default: nil
            }
        }
        set {
            guard let v = newValue else { return }
            switch name {
            case "cx_active": cxActive = v
            case "cx_connect_fail": cxConnectFail = v
            case "cx_total": cxTotal = v
            case "rq_active": rqActive = v
            case "rq_error": rqError = v
            case "rq_success": rqSuccess = v
            case "rq_timeout": rqTimeout = v
            case "rq_total": rqTotal = v
            default: break
            }
        }
    }
}

/// A per-host stat outside ``HostCounters`` (a newer Envoy may add some).
public struct HostStat: Sendable, Hashable {
    public var name: String
    public var value: UInt64
    public var isGauge: Bool

    public init(name: String, value: UInt64, isGauge: Bool) {
        self.name = name
        self.value = value
        self.isGauge = isGauge
    }
}

/// One upstream host of a cluster (`envoy.admin.v3.HostStatus`).
public struct EnvoyHostStatus: Sendable, Equatable {
    public var address: UpstreamHostAddress
    public var hostname: String
    public var counters: HostCounters
    /// Stats not in ``HostCounters``, sorted by name.
    public var otherStats: [HostStat]
    public var health: HostHealth
    public var weight: UInt32
    public var priority: UInt32
    public var locality: Locality
    /// Text form only; the JSON form has no canary field and reads as false.
    public var canary: Bool
    /// Outlier-detection success rate (0-100), when Envoy computed one.
    public var successRate: Double?
    public var localOriginSuccessRate: Double?

    public init(address: UpstreamHostAddress, hostname: String = "", counters: HostCounters = HostCounters(), otherStats: [HostStat] = [],
                health: HostHealth = HostHealth(), weight: UInt32 = 0, priority: UInt32 = 0, locality: Locality = Locality(),
                canary: Bool = false, successRate: Double? = nil, localOriginSuccessRate: Double? = nil) {
        self.address = address
        self.hostname = hostname
        self.counters = counters
        self.otherStats = otherStats
        self.health = health
        self.weight = weight
        self.priority = priority
        self.locality = locality
        self.canary = canary
        self.successRate = successRate
        self.localOriginSuccessRate = localOriginSuccessRate
    }

    /// Any per-host stat by Envoy's name (`cx_active`, `rq_total`, …).
    public func stat(_ name: String) -> UInt64? {
        if let v = counters[name] { return v }
        return otherStats.first { $0.name == name }?.value
    }
}
