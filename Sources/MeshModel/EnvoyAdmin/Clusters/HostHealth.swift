/// `config.core.v3.HealthStatus`, as EDS (or the admin JSON) reports it.
public enum EDSHealthStatus: String, Sendable, CaseIterable {
    case unknown = "UNKNOWN"
    case healthy = "HEALTHY"
    case unhealthy = "UNHEALTHY"
    case draining = "DRAINING"
    case timeout = "TIMEOUT"
    case degraded = "DEGRADED"

    /// From the proto JSON enum (name or number).
    init?(json: JSONValue) {
        if let s = json.string {
            guard let v = EDSHealthStatus(rawValue: s.uppercased()) else { return nil }
            self = v
        } else if let n = json.int, n >= 0, n < EDSHealthStatus.allCases.count {
            self = EDSHealthStatus.allCases[n]
        } else {
            return nil
        }
    }
}

/// A host's health flags: `envoy.admin.v3.HostHealthStatus` in the JSON form, the
/// `health_flags` line (`healthy` or `/failed_active_hc/failed_eds_health/…`) in the text form.
///
/// ```swift
/// let h = HostHealth(flags: "/failed_outlier_check/failed_eds_health")
/// h.failedOutlierCheck   // true
/// h.edsHealthStatus      // .unhealthy
/// h.flags                // "/failed_outlier_check/failed_eds_health"
/// ```
public struct HostHealth: Sendable, Hashable {
    public var failedActiveHealthCheck = false
    public var failedOutlierCheck = false
    public var failedActiveDegradedCheck = false
    public var pendingDynamicRemoval = false
    public var pendingActiveHC = false
    public var excludedViaImmediateHCFail = false
    public var activeHCTimeout = false
    public var edsHealthStatus: EDSHealthStatus = .healthy
    /// Flags a newer Envoy printed that this version does not know, kept verbatim.
    public var otherFlags: [String] = []

    public init() {}

    /// Parses the text form's `health_flags` value. Envoy derives `eds_health_status` for its
    /// JSON form from the same flags: `failed_eds_health` → UNHEALTHY, `degraded_eds_health`
    /// → DEGRADED, `eds_status_draining` → DRAINING, else HEALTHY.
    public init(flags: String) {
        guard flags != "healthy" else { return }
        var failedEDS = false
        var degradedEDS = false
        var draining = false
        for flag in flags.split(separator: "/") {
            switch flag {
            case "failed_active_hc": failedActiveHealthCheck = true
            case "failed_outlier_check": failedOutlierCheck = true
            case "failed_eds_health": failedEDS = true
            case "degraded_active_hc": failedActiveDegradedCheck = true
            case "degraded_eds_health": degradedEDS = true
            case "pending_dynamic_removal": pendingDynamicRemoval = true
            case "pending_active_hc": pendingActiveHC = true
            case "excluded_via_immediate_hc_fail": excludedViaImmediateHCFail = true
            case "active_hc_timeout": activeHCTimeout = true
            case "eds_status_draining": draining = true
            default: otherFlags.append(String(flag))
            }
        }
        edsHealthStatus = failedEDS ? .unhealthy : degradedEDS ? .degraded : draining ? .draining : .healthy
    }

    /// The text form's spelling, in Envoy's flag order.
    public var flags: String {
        var s = ""
        if failedActiveHealthCheck { s += "/failed_active_hc" }
        if failedOutlierCheck { s += "/failed_outlier_check" }
        if edsHealthStatus == .unhealthy { s += "/failed_eds_health" }
        if failedActiveDegradedCheck { s += "/degraded_active_hc" }
        if edsHealthStatus == .degraded { s += "/degraded_eds_health" }
        if pendingDynamicRemoval { s += "/pending_dynamic_removal" }
        if pendingActiveHC { s += "/pending_active_hc" }
        if excludedViaImmediateHCFail { s += "/excluded_via_immediate_hc_fail" }
        if activeHCTimeout { s += "/active_hc_timeout" }
        if edsHealthStatus == .draining { s += "/eds_status_draining" }
        for f in otherFlags { s += "/" + f }
        return s.isEmpty ? "healthy" : s
    }
}
