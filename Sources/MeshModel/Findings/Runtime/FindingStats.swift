import Foundation

/// The part of a proxy's admin answers the runtime rules read, kept small: a proxy's full
/// stats and `/clusters` are large, and at 6,000 proxies keeping them all would not fit the
/// memory budget. Sources keep what these return instead of the whole answer.
///
/// ```swift
/// proxy.stats = FindingStats.relevant(PrometheusText.parse(body))
/// proxy.clusters = FindingStats.relevant(try EnvoyClusters.decode(clustersBody))
/// ```
public enum FindingStats {
    /// The cluster counters (MS0207, MS0208) and RBAC denials (MS0405), as stats named the
    /// way `StatsSnapshot.decodePrometheus` names them (`family{label="value",…}`).
    public static func relevant(_ text: PrometheusText) -> StatsSnapshot {
        var out = StatsSnapshot(format: .prometheus)
        for s in text.samples where isRelevant(s.name) {
            var name = s.name
            if !s.labels.isEmpty {
                name += "{" + s.labels.map { $0.name + "=\"" + escape($0.value) + "\"" }.joined(separator: ",") + "}"
            }
            let v = s.value
            let value: StatValue = v >= 0 && v == v.rounded() && v < 9_007_199_254_740_992 ? .integer(UInt64(v)) : .real(v)
            out.stats.append(Stat(name: name, kind: .counter, value: value))
        }
        return out
    }

    static func isRelevant(_ family: String) -> Bool {
        if family.hasPrefix("envoy_cluster_") { return ClusterCounters.names.contains(String(family.dropFirst(14))) }
        return family.hasSuffix("rbac_denied") && !family.contains("shadow")
    }

    /// The clusters an upstream rule could flag: some host Envoy would not use, or one
    /// ejected by outlier detection. Healthy clusters carry no finding.
    public static func relevant(_ clusters: EnvoyClusters) -> EnvoyClusters {
        EnvoyClusters(clusters: clusters.clusters.filter { c in c.hosts.contains { !UpstreamRules.isUsable($0.health) || $0.health.failedOutlierCheck } })
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
