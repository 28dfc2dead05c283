import Foundation

/// RFC 3339 UTC timestamps as Go prints them (`2023-05-16T01:32:52Z`), without
/// DateFormatter (slow, locale-sensitive) and without fractional seconds.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        // Clamped to ±10^13 s (years ±300,000): a date out of any range must not trap here.
        let t = Int(saturating: max(-1e13, min(1e13, floor(date.timeIntervalSince1970))))
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60)
    }

    /// Parses `2023-05-16T01:32:52Z`, `2023-05-16T01:32:52.123Z` and `+hh:mm` offsets.
    public static func parse(_ s: String) -> Date? {
        let u = Array(s.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for k in a..<(a + n) {
                guard u[k] >= 0x30 && u[k] <= 0x39 else { return nil }
                v = v * 10 + Int(u[k] - 0x30)
            }
            return v
        }
        guard u.count >= 20, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2) else { return nil }
        var i = 19
        var frac = 0.0
        if i < u.count, u[i] == 0x2E {
            var scale = 0.1
            i += 1
            while i < u.count, u[i] >= 0x30 && u[i] <= 0x39 {
                frac += Double(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        var offset = 0
        guard i < u.count else { return nil }
        if u[i] == 0x5A || u[i] == 0x7A {
            offset = 0
        } else if u[i] == 0x2B || u[i] == 0x2D, let oh = num(i + 1, 2), let om = num(i + 4, 2) {
            offset = (oh * 3600 + om * 60) * (u[i] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        let days = daysFromCivil(y, mo, d)
        let t = Double(days * 86_400 + h * 3600 + mi * 60 + se - offset) + frac
        return Date(timeIntervalSince1970: t)
    }

    // Howard Hinnant's civil-calendar algorithms.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
