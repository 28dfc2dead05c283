import ArgumentParser

/// `--interval SECONDS` (stats, pc endpoint, zc edges): the time between two samples that
/// rates are divided by. It must be a finite number above zero; 0, negative numbers, `nan`
/// and `inf` are usage errors (exit 2) naming the flag and the value. Tiny values such as
/// `1e-300` are valid: the rates they give saturate in ``MeshModel/RateFormat``.
enum IntervalOption {
    static func validate(_ interval: Double?, flag: String = "--interval") throws(ValidationError) {
        guard let interval else { return }
        if !(interval.isFinite && interval > 0) {
            throw ValidationError("\(flag) must be a finite number of seconds above 0, got \(interval)")
        }
    }

    /// Nanoseconds to sleep between two live samples, saturating instead of trapping in
    /// `UInt64(_:)` for an interval beyond what a UInt64 of nanoseconds holds (~584 years).
    static func nanoseconds(_ interval: Double) -> UInt64 {
        let ns = interval * 1e9
        guard ns.isFinite, ns < 18_446_744_073_709_551_615 else { return .max }
        return ns > 0 ? UInt64(ns) : 0
    }
}
