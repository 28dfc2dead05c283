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

    /// Whether a Prometheus family is one the rules read.
    public static func isRelevant(_ family: String) -> Bool {
        if family.hasPrefix("envoy_cluster_") { return ClusterCounters.names.contains(String(family.dropFirst(14))) }
        return family.hasSuffix("rbac_denied") && !family.contains("shadow")
    }

    /// ``isRelevant(_:)`` on a family name's bytes, without making a String: a snapshot's
    /// recorded stats are filtered line by line with it. Prometheus names are ASCII, so
    /// comparing bytes is comparing the names.
    public static func isRelevant(name b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.starts(with: clusterPrefix) {
            let rest = UnsafeBufferPointer(rebasing: b[clusterPrefix.count...])
            return counterNames.contains { $0.elementsEqual(rest) }
        }
        guard b.count >= rbacSuffix.count, UnsafeBufferPointer(rebasing: b[(b.count - rbacSuffix.count)...]).elementsEqual(rbacSuffix) else { return false }
        let shadow = Array("shadow".utf8)
        guard b.count >= shadow.count else { return true }
        for i in 0...(b.count - shadow.count) where UnsafeBufferPointer(rebasing: b[i..<(i + shadow.count)]).elementsEqual(shadow) { return false }
        return true
    }

    private static let clusterPrefix = Array("envoy_cluster_".utf8)
    private static let rbacSuffix = Array("rbac_denied".utf8)
    private static let counterNames = ClusterCounters.names.map { Array($0.utf8) }

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
