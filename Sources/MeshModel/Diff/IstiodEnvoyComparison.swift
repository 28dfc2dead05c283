import Foundation

/// istioctl's `proxy-status POD` comparison of what istiod would send a proxy (its
/// `/debug/config_dump?proxyID=`) with what the proxy has (its `/config_dump`), without
/// the spurious differences: resources are compared one by one after normalization, so
/// ordering, versions, timestamps, type URL versions and key spelling do not show.
///
/// ```swift
/// print(IstiodEnvoyComparison.render(istiod: istiodDump, envoy: envoyDump))
/// // Clusters Match
/// // Listeners Match
/// // Routes Match (RDS last loaded at Tue, 04 Aug 2020 11:52:54 UTC)
/// ```
/// Where something differs the section says `… Don't Match` and shows the per-resource
/// diffs, `--- Istiod …` / `+++ Envoy …`. (istioctl prints a whole-section diff under
/// the Clusters and Listeners lines without a "Don't Match" heading; meshscope always names it.)
public enum IstiodEnvoyComparison {
    public static func render(istiod: EnvoyConfigDump, envoy: EnvoyConfigDump, context: Int = 7, color: Bool = false) -> String {
        var out = ""
        for section in sections(istiod: istiod, envoy: envoy, context: context) {
            out += section.verdict + "\n"
            guard section.result.hasDifferences else { continue }
            let body = DiffPrinter.render(section.result, DiffPrinter.Options(color: color, summary: false))
            out += body.hasPrefix("\n") ? String(body.dropFirst()) : body
            out += "\n"
        }
        return out
    }

    /// One of istioctl's three comparisons (Clusters, Listeners, Routes).
    public struct Section: Sendable {
        public var title: String
        /// istiod's dynamic resources of this type (A, labelled `Istiod …`) against Envoy's (B).
        public var result: ConfigDiffResult
        /// `Clusters Match`, `Routes Don't Match (RDS last loaded at …)`.
        public var verdict: String
    }

    /// The three comparisons, in istioctl's order: what ``render(istiod:envoy:context:color:)``
    /// prints and the TUI's Diff view lists.
    public static func sections(istiod: EnvoyConfigDump, envoy: EnvoyConfigDump, context: Int = 7) -> [Section] {
        let a = EnvoyDiffSource.resources(istiod, dynamicOnly: true)
        let b = EnvoyDiffSource.resources(envoy, dynamicOnly: true)
        return [("cluster", "Clusters"), ("listener", "Listeners"), ("route", "Routes")].map { type, title in
            var options = DiffOptions(context: context, types: [type])
            options.detectRenames = false
            var result = ConfigDiff.compare(a, b, options: options)
            result.labels = ("Istiod \(title)", "Envoy \(title)")
            let suffix = type == "route" ? rdsLoaded(envoy) : ""
            return Section(title: title, result: result, verdict: "\(title) \(result.hasDifferences ? "Don't Match" : "Match")\(suffix)")
        }
    }

    /// ` (RDS last loaded at Mon, 02 Jan 2006 15:04:05 UTC)`: the newest `last_updated` of
    /// the proxy's dynamic route configs, in RFC 1123 as istioctl prints it (UTC here).
    static func rdsLoaded(_ envoy: EnvoyConfigDump) -> String {
        let dates = envoy.routeConfigs.filter { $0.state != .static }.compactMap { $0.lastUpdated.flatMap(Timestamp.parse) }
        guard let latest = dates.max() else { return "" }
        return " (RDS last loaded at \(rfc1123(latest)))"
    }

    static func rfc1123(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 0) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC"
    }
}
