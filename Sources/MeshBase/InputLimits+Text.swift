/// How limits are written on the command line and in messages, so a message names a limit
/// the way its flag accepts it (`1Gi`, `30s`) and says which flag raises it.
extension InputLimits {
    /// The tail of every limit message: `(limit 1000; raise it with --max-json-depth)`.
    public static func hint(_ limit: String, flag: String) -> String {
        "(limit \(limit); raise it with \(flag))"
    }

    /// `1Gi`, `512Mi`, `64Ki` when exact, else plain bytes (`1500`).
    public static func sizeText(_ bytes: Int) -> String {
        for (suffix, shift) in [("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return String(bytes)
    }

    /// Parses a size as Kubernetes writes quantities: plain bytes, binary `Ki Mi Gi Ti`
    /// or decimal `k M G T`. Nil when malformed, negative or too large for `Int`.
    public static func parseSize(_ text: String) -> Int? {
        let units: [(String, Int)] = [("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40),
                                      ("k", 1_000), ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000)]
        let (digits, multiplier) = splitUnit(text, units, none: 1)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// Parses a duration: `30s`, `2m`, `1h`, `500ms`, or plain seconds (`1.5`).
    /// Nil when malformed, negative or not finite.
    public static func parseDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let (number, scale) = splitUnit(text, units, none: 1.0)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite else { return nil }
        let seconds = value * scale
        return seconds.isFinite ? seconds : nil
    }

    /// `text` without the first of `units` it ends with, and that unit's scale (`none`
    /// without one): `("512", 1 << 20)` for `512Mi`. Longer suffixes go first in `units`.
    private static func splitUnit<Scale>(_ text: String, _ units: [(String, Scale)], none: Scale) -> (Substring, Scale) {
        for (suffix, scale) in units where text.hasSuffix(suffix) { return (text.dropLast(suffix.count), scale) }
        return (Substring(text), none)
    }

    /// `30s`, `2m`, `1.5s`: a duration as a flag would take it.
    public static func durationText(_ seconds: Double) -> String {
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0, seconds < 1e15 { return "\(Int(seconds / 60))m" }
        if seconds == seconds.rounded(), seconds < 1e15 { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }
}
