/// A counter's per-second rate between two snapshots.
///
/// Counters only grow while a proxy lives; when the current value is below the previous one
/// the proxy restarted (or someone hit `/reset_counters`), so the rate is taken from the
/// current value alone and flagged, never reported as negative.
///
/// ```swift
/// CounterRate(previous: 100, current: 160, interval: 2)   // .rate(30)
/// CounterRate(previous: 100, current: 10, interval: 2)    // .reset(5)
/// ```
public enum CounterRate: Sendable, Equatable {
    /// Increase per second.
    case rate(Double)
    /// The counter went down (restart or reset): current value per second since the reset,
    /// a lower bound of the true rate.
    case reset(Double)
    /// Not in the previous snapshot.
    case new
    /// A gauge, text or histogram: rates do not apply.
    case notCounter

    public init(previous: UInt64?, current: UInt64, interval: Double) {
        guard let previous else {
            self = .new
            return
        }
        precondition(interval > 0, "rate interval must be positive")
        if current >= previous {
            self = .rate(Double(current - previous) / interval)
        } else {
            self = .reset(Double(current) / interval)
        }
    }

    /// Counters read as reals (Prometheus samples, JSON values with a fraction or beyond
    /// 2^64). A counter is never below zero, so a negative current value (broken or hostile
    /// data) counts as zero after a reset rather than giving a negative rate; NaN and
    /// infinities, which carry no rate, are `notCounter` (`-`).
    public init(previous: Double?, current: Double, interval: Double) {
        guard let previous else {
            self = .new
            return
        }
        precondition(interval > 0, "rate interval must be positive")
        guard previous.isFinite, current.isFinite else {
            self = .notCounter
            return
        }
        if current >= previous {
            // The difference of two finite values may still overflow to +inf; RateFormat saturates it.
            self = .rate((current - previous) / interval)
        } else {
            self = .reset(max(0, current) / interval)
        }
    }

    /// Per-second value, when there is one.
    public var perSecond: Double? {
        switch self {
        case .rate(let r), .reset(let r): r
        case .new, .notCounter: nil
        }
    }

    public var isReset: Bool { if case .reset = self { true } else { false } }

    /// Table cell (``RateFormat/rate(_:)``): `12.5`, `3 (reset)`, `new`, or `-`.
    public var cell: String {
        switch self {
        case .rate(let r): RateFormat.rate(r)
        case .reset(let r): RateFormat.rate(r) + " (reset)"
        case .new: "new"
        case .notCounter: "-"
        }
    }

    /// Two decimals, without Foundation's locale-dependent formatting (Envoy's success rate,
    /// a percentage that is not a per-second rate; rates use ``RateFormat``). A value no
    /// percentage reaches (`success_rate::1e300` in a broken capture) or a non-finite one is
    /// printed as Swift spells the Double (`1e+300`, `inf`, `nan`) instead of being forced
    /// into an integer.
    static func format(_ r: Double) -> String {
        guard r.isFinite, abs(r) < 1e15 else { return String(r) }
        let hundredths = (r * 100).rounded()
        let whole = Int(hundredths / 100)
        let frac = Int(abs(hundredths.truncatingRemainder(dividingBy: 100)))
        let sign = hundredths < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
