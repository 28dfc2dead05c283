import Foundation

/// Thresholds the rules use; each has a flag on `meshscope check` and is listed with its
/// rule in docs/findings.md.
public struct FindingOptions: Sendable, Equatable {
    /// How long a proxy may be STALE (or lack CDS/LDS) before it is a finding: pushes take a
    /// moment to be acknowledged, and a refresh can land in between.
    public var staleGrace: TimeInterval = 30
    /// Certificates expiring within this are warned about (at most a quarter of a
    /// certificate's lifetime: short-lived workload certificates are rotated at half).
    public var certificateExpiryWarning: TimeInterval = 7 * 86_400
    /// Share of requests (or connection attempts) that may fail before a cluster or an edge is
    /// a finding: 0.1 is 10 % (a few percent of errors is what a two-second sample of a
    /// healthy but imperfect service shows).
    public var errorRatio: Double = 0.1
    /// Requests (or connections) per second below which a failure share is noise: one failed
    /// request of two is not a broken service.
    public var minimumRate: Double = 0.1
    /// Requests an edge's rate window must hold for its failure share to be judged by the
    /// rates: 1 failure among the 8 requests a one-second window holds is 12 %, and says
    /// nothing. Below it the counters' totals since the proxy started are judged instead.
    public var minimumRequests: Double = 20
    /// RBAC denials per second on one proxy above which it is a finding.
    public var rbacDeniedRate: Double = 0.1
    /// Minor versions a proxy may lag or lead its istiod by (Istio supports one).
    public var maxVersionSkew: Int = 1

    public init() {}
}
