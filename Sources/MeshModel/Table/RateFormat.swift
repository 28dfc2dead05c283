/// How every per-second rate (and rate-derived percentage) is written in a table cell:
/// three significant digits, trailing zeros dropped, `k`/`M`/`G`/`T` past 999, the way k9s
/// and `kubectl top` print quantities an operator reads at a glance.
///
/// Live tables refresh every two seconds; a short cell that keeps its width is what an eye
/// can follow and what the TUI's renderer rewrites cheaply (`12.50` → `12.75` rewrote four
/// characters a refresh, `12.5` → `12.8` one or two). `-o json|yaml` keep full precision.
///
/// ```swift
/// RateFormat.rate(0)        // "0"
/// RateFormat.rate(0.5)      // "0.5"
/// RateFormat.rate(0.123)    // "0.12"
/// RateFormat.rate(5.125)    // "5.13"
/// RateFormat.rate(51.25)    // "51.3"
/// RateFormat.rate(512.4)    // "512"
/// RateFormat.rate(1_234)    // "1.23k"
/// RateFormat.rate(12_000)   // "12k"
/// RateFormat.rate(0.004)    // "<0.01"
/// RateFormat.bytes(12_800)  // "12.5KiB"
/// RateFormat.rate(1e40)     // ">999P"
/// RateFormat.rate(.nan)     // "NaN"
/// ```
///
/// Every Double is accepted: a counter of `1e300` or an interval of `1e-300` in a capture
/// gives a rate no unit reaches, which saturates to `>999P` (`>1023PiB` for bytes) rather
/// than trapping in an integer conversion; infinity does the same, negative values mirror it
/// (`-`/`<-999P`), NaN prints `NaN` as Envoy and Prometheus spell it, and `-0` prints `0`.
public enum RateFormat {
    /// A per-second rate (or a percentage): values below 1 keep two decimals (`0.51`),
    /// nonzero values that round to zero say so (`<0.01`).
    public static func rate(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v < 0 {
            let r = rate(-v)
            return r.hasPrefix(">") ? "<-" + r.dropFirst() : "-" + r
        }
        if v == 0 { return "0" }
        if v < 0.005 { return "<0.01" }
        return significant(v, base: 1000, units: ["", "k", "M", "G", "T", "P"])
    }

    /// Bytes per second with a binary unit: `512B`, `12.5KiB`, `1.23MiB`.
    public static func bytes(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        let x = max(0, v)
        if x < 1023.5 { return String(Int(x.rounded())) + "B" }
        return significant(x, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
    }

    /// `v` (positive) scaled by `base` until it rounds below it, with three significant
    /// digits (at least two decimals' worth below 1), trailing zeros dropped. Integer
    /// arithmetic only: no locale, no Foundation formatting. Past the largest unit (and for
    /// infinity) the cell saturates to `>` and the largest value that unit prints, so the
    /// integer conversion below only ever sees a number under `base * 100`.
    static func significant(_ v: Double, base: Double, units: [String]) -> String {
        var x = v
        var u = 0
        while x >= base - 0.5, u < units.count - 1 {
            x /= base
            u += 1
        }
        guard x < base - 0.5 else { return ">" + String(Int(base) - 1) + units[units.count - 1] }
        // Digits after the point: 3 significant ones, but never fewer than none or more than two.
        let decimals = x >= 99.95 ? 0 : x >= 9.995 ? 1 : 2
        let scale = decimals == 0 ? 1.0 : decimals == 1 ? 10.0 : 100.0
        let scaled = Int64((x * scale).rounded())
        let whole = scaled / Int64(scale)
        var frac = scaled % Int64(scale)
        var digits = decimals
        while digits > 0, frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        var text = String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text + units[u]
    }
}
