import Foundation
import MeshModel

/// What a `--file` holds, told apart by content (never by file name).
public enum SourceKind: String, Sendable, CaseIterable {
    /// Envoy `/config_dump` (a `configs` list or map).
    case envoyDump = "Envoy config_dump"
    /// ztunnel `/config_dump` (`workloads`, `services`, `policies`, `certificates`...).
    case ztunnelDump = "ztunnel config_dump"
    /// istiod `/debug/syncz` or a CSDS `DiscoveryResponse`.
    case proxyStatus = "istiod sync status"
    /// Envoy `/clusters` (text or `?format=json`).
    case clusters = "Envoy /clusters"
    /// Envoy `/stats` (text or `?format=json`).
    case stats = "Envoy /stats"
    /// Prometheus text (ztunnel `:15020/metrics`, Envoy `/stats/prometheus`).
    case metrics = "Prometheus metrics"
    /// Any other JSON document (generic section views only).
    case json = "JSON document"
}

enum SourceDetection {
    static let ztunnelKeys = ["workloads", "services", "policies", "certificates", "workload_state", "workloadState"]

    /// Detects a JSON document's kind from its top-level shape.
    static func kind(of doc: JSONDocument) -> SourceKind {
        let root = doc.root
        if root.isObject {
            if root.member(exactly: "configs") != nil { return .envoyDump }
            if root.member(exactly: "cluster_statuses") != nil { return .clusters }
            if let s = root.member(exactly: "stats"), s.isArray { return .stats }
            if ztunnelKeys.contains(where: { root.member(exactly: $0) != nil }) { return .ztunnelDump }
        }
        let syncz = IstiodSyncz.decode(doc)
        if syncz.shape != .empty, !syncz.proxies.isEmpty { return .proxyStatus }
        return .json
    }

    /// Detects a text input: `/clusters` lines are `cluster::field::value`; Prometheus text
    /// starts with `#` or `name{labels} value`; otherwise Envoy `name: value` stats.
    static func textKind(_ bytes: [UInt8]) -> SourceKind {
        var end = 0
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        let first = bytes[0..<end]
        var i = first.startIndex
        while i + 1 < first.endIndex {
            if first[i] == 0x3A && first[i + 1] == 0x3A { return .clusters }
            i += 1
        }
        return StatsSnapshot.detectFormat(bytes) == .prometheus ? .metrics : .stats
    }
}
