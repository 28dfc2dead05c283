import Foundation

/// Thresholds the rules use; each has a flag on `meshscope check` and is listed with its
/// rule in docs/findings.md.
public struct FindingOptions: Sendable, Equatable {
    /// How long a proxy may be STALE (or lack CDS/LDS) before it is a finding: pushes take a
    /// moment to be acknowledged, and a refresh can land in between.
    public var staleGrace: TimeInterval = 30
    /// Certificates expiring within this are warned about.
    public var certificateExpiryWarning: TimeInterval = 7 * 86_400

    public init() {}
}
