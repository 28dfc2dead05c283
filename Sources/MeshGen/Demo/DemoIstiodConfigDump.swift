import Foundation
import MeshModel

/// What the demo's istiod answers on `:15014/debug/config_dump?proxyID=POD.NS`: the config
/// it would push to that proxy. Generated on request from the proxy's own dump (nothing is
/// stored per proxy), reshaped the way istiod's view differs from Envoy's without any real
/// difference — its own version strings and timestamps, resources in another order, no
/// bootstrap, no static resources, no secrets — so `proxy-status POD` shows "Match" for
/// every proxy but one: istiod has pushed ``DemoMesh/stalePod`` an outlier-detection change
/// to its ratings cluster that the proxy has not acknowledged (the same stale push syncz
/// reports), so its Clusters Don't Match.
///
/// ```swift
/// let istiodView = demo.istiodConfigDump(pod: p, envoyDump: demo.envoyConfigDump(pod: p, certificates: nil), tick: t)
/// ```
extension DemoMesh {
    /// The cluster istiod changed for the stale proxy and the proxy did not take.
    public var staleClusterChange: (cluster: String, field: String) {
        let ratings = services.first { $0.namespace == DemoMesh.sidecarNamespace && $0.name == "ratings" }
        return ("outbound|\(ratings?.port ?? 9080)||\(ratings?.fqdn ?? "ratings.bookinfo.svc.cluster.local")", "outlier_detection")
    }

    /// istiod's view of proxy `p`, from `envoyDump` (the proxy's `/config_dump` bytes).
    /// Returns nil when `envoyDump` is not a config dump.
    public func istiodConfigDump(pod p: Int, envoyDump: [UInt8], tick: Int) -> [UInt8]? {
        guard let doc = try? JSONDocument(bytes: envoyDump), let configs = doc.root["configs"]?.elements else { return nil }
        let version = "\(DemoMesh.pushVersion(tick: tick))-\(pods[p].uid.prefix(6))"
        let pushed = "2026-11-20T10:\(String(10 + DemoMesh.pushVersion(tick: tick) % 50)):00.123456789Z"
        let change = p == stalePod ? staleClusterChange : nil
        var out: [JSONTree] = []
        for section in configs {
            guard let type = section["@type"]?.string else { continue }
            if type.hasSuffix("BootstrapConfigDump") || type.hasSuffix("SecretsConfigDump") { continue }
            var members: [(String, JSONTree)] = []
            for (key, value) in section.members.reversed() {
                if key.hasPrefix("static_") { continue }
                if key == "version_info" {
                    members.append((key, .string(version)))
                } else if key.hasPrefix("dynamic_"), value.isArray {
                    members.append((key, .array(value.elements.reversed().map { reshape($0, version: version, pushed: pushed, change: change) })))
                } else {
                    members.append((key, .json(value)))
                }
            }
            out.append(.object(members))
        }
        return JSONWriter.bytes(.object([("configs", .array(out))]), indent: 1)
    }

    /// One `{version_info, last_updated, cluster|listener|route_config}` wrapper with istiod's
    /// version and time, members reversed; the planted change added to the stale cluster.
    private func reshape(_ entry: JSONValue, version: String, pushed: String, change: (cluster: String, field: String)?) -> JSONTree {
        guard entry.isObject else { return .json(entry) }
        var members: [(String, JSONTree)] = []
        for (key, value) in entry.members.reversed() {
            switch key {
            case "version_info": members.append((key, .string(version)))
            case "active_state", "warming_state", "draining_state":
                // Listeners wrap their versions one level down.
                members.append((key, reshape(value, version: version, pushed: pushed, change: change)))
            case "last_updated": members.append((key, .string(pushed)))
            case "cluster" where change != nil && value["name"]?.string == change?.cluster:
                var fields = value.members.map { ($0.key, JSONTree.json($0.value)) }
                fields.append((change!.field, .object([
                    ("consecutive_5xx", .int(3)), ("interval", .string("10s")), ("base_ejection_time", .string("30s")),
                    ("max_ejection_percent", .int(100)),
                ])))
                members.append((key, .object(fields)))
            default: members.append((key, .json(value)))
            }
        }
        return .object(members)
    }

    /// Envoy's `/certs` (v3 shape) for a proxy holding `chain` (its SPIFFE leaf) and `root`.
    public func envoyCerts(pod p: Int, chain: String, root: String, now: Double) -> [UInt8] {
        func detail(_ pem: String, path: String) -> JSONTree? {
            guard let cert = try? CertificateSummary.decodePEMChain(pem).first?.get() else { return nil }
            let days = Int((cert.notAfter.timeIntervalSince1970 - now) / 86_400)
            return .compact([
                ("path", .string(path)),
                ("serial_number", .string(cert.serialNumber.lowercased())),
                ("subject_alt_names", .array(cert.uris.map { JSONTree.object([("uri", .string($0))]) } + cert.dnsNames.map { JSONTree.object([("dns", .string($0))]) })),
                ("days_until_expiration", .string(String(max(0, days)))),
                ("valid_from", .string(Timestamp.rfc3339(cert.notBefore))),
                ("expiration_time", .string(Timestamp.rfc3339(cert.notAfter))),
            ])
        }
        let ca = detail(root, path: "ROOTCA")
        let leaf = detail(chain, path: "default")
        let context: JSONTree = .object([
            ("ca_cert", .array(ca.map { [$0] } ?? [])),
            ("cert_chain", .array(leaf.map { [$0] } ?? [])),
        ])
        // One context per TLS context using them: the inbound listener and each outbound cluster.
        let contexts = 1 + upstreamHosts(pod: p, tick: 0, since: 0).count
        return JSONWriter.bytes(.object([("certificates", .array(Array(repeating: context, count: contexts)))]), indent: 1)
    }
}
