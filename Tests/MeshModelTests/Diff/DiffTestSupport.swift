import Foundation
import MeshModel

/// Builds noisy variants of a dump in memory: what two Envoys (or istiod and Envoy) print
/// for the same config. Nothing is written to disk.
struct NoisyVariant {
    var reverseKeyOrder = true
    var camelCaseKeys = true
    var v2TypeURLs = true
    /// Lists whose order has no meaning, reversed.
    var reverseLists: Set<String> = ["domains", "virtual_hosts", "filter_chains", "lb_endpoints", "server_names", "endpoints"]
    var retimestamp = true

    /// Map keys (Struct and map fields) keep their spelling, as protojson does.
    static let opaque: Set<String> = ["filter_metadata", "typed_filter_metadata", "labels", "annotations", "metadata", "typed_per_filter_config",
                                   "value"]  // a TypedStruct's Struct

    static let v2Types: [(String, String)] = [
        ("envoy.admin.v3.", "envoy.admin.v2alpha."),
        ("envoy.config.cluster.v3.Cluster", "envoy.api.v2.Cluster"),
        ("envoy.config.listener.v3.Listener", "envoy.api.v2.Listener"),
        ("envoy.config.route.v3.RouteConfiguration", "envoy.api.v2.RouteConfiguration"),
        ("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
         "envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager"),
        ("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", "envoy.config.filter.network.tcp_proxy.v2.TcpProxy"),
    ]

    func rewrite(_ text: String) throws -> String {
        let doc = try JSONDocument(text)
        var out = ""
        write(doc.root, key: nil, opaque: false, into: &out)
        return out
    }

    private func write(_ v: JSONValue, key: String?, opaque: Bool, into out: inout String) {
        switch v.kind {
        case .object:
            var members = Array(v.members)
            if reverseKeyOrder { members.reverse() }
            out += "{"
            for (n, m) in members.enumerated() {
                if n > 0 { out += "," }
                let k = (opaque || !camelCaseKeys) ? m.key : Self.camel(m.key)
                out += quote(k) + ":"
                if retimestamp, m.key == "version_info" || m.key == "last_updated", m.value.string != nil {
                    out += quote("2031-01-01T00:00:00Z/" + String(m.key.count))
                    continue
                }
                write(m.value, key: m.key, opaque: opaque || Self.opaque.contains(m.key), into: &out)
            }
            out += "}"
        case .array:
            var items = Array(v.elements)
            if let key, reverseLists.contains(key) { items.reverse() }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                write(item, key: key, opaque: opaque, into: &out)
            }
            out += "]"
        case .string:
            var s = v.string ?? ""
            if v2TypeURLs, key == "@type" {
                for (v3, v2) in Self.v2Types where s.contains(v3) { s = s.replacingOccurrences(of: v3, with: v2) }
            }
            out += quote(s)
        default:
            out += v.rawText
        }
    }

    static func camel(_ key: String) -> String {
        guard key.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else { return key }
        var out = ""
        var upper = false
        for ch in key {
            if ch == "_" { upper = true; continue }
            out += upper ? ch.uppercased() : String(ch)
            upper = false
        }
        return out
    }

    private func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

enum DiffFixtures {
    static func envoy(_ text: String) throws -> [DiffResource] {
        EnvoyDiffSource.resources(try EnvoyConfigDump(document: JSONDocument(text)))
    }

    static func sidecar() throws -> String { try Fixtures.text("envoy/sidecar/config_dump.json") }
    static func sidecarChanged() throws -> String { try Fixtures.text("envoy/sidecar/config_dump_changed.json") }
}
