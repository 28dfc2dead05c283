import Foundation

/// kubectl's AGE format (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`).
///
/// ```swift
/// HumanDuration.format(seconds: 150)     // "2m30s"
/// HumanDuration.format(seconds: 90_000)  // "25h"
/// ```
public enum HumanDuration {
    public static func format(seconds d: Double) -> String {
        if d.isNaN { return "<invalid>" }
        let seconds = Int(saturating: d)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let dy = (hours / 24) % 365
            return dy == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(dy)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// kubectl's `translateTimestampSince`: `<unknown>` when there is no timestamp.
    public static func since(_ date: Date?, now: Date) -> String {
        guard let date else { return "<unknown>" }
        return format(seconds: now.timeIntervalSince(date))
    }
}
