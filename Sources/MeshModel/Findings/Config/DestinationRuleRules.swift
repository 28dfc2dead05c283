import Foundation

/// DestinationRules: IST0128/IST0129 TLS without server verification, IST0173 subsets that
/// select no pod, IST0174 a host that names no service.
enum DestinationRuleRules {
    static func unverified(_ tls: JSONValue?) -> String? {
        guard let mode = tls?["mode"]?.string, mode == "SIMPLE" || mode == "MUTUAL" else { return nil }
        let ca = tls?["caCertificates"]?.string ?? ""
        let credential = tls?["credentialName"]?.string ?? ""
        let skip = tls?["insecureSkipVerify"]?.bool ?? false
        return ca.isEmpty && credential.isEmpty && !skip ? mode : nil
    }

    static let noVerificationDestination = FindingRule.config("IST0128", .warning, "TLS origination without server verification") { index, rule in
        index.objects("DestinationRule").compactMap { dr in
            guard let mode = unverified(dr.raw["spec"]?["trafficPolicy"]?["tls"]) else { return nil }
            let o = index.object(dr)
            let host = dr.raw["spec"]?["host"]?.string ?? ""
            return index.report(rule, o,
                "DestinationRule \(o.namespace ?? "")/\(o.name) in namespace \(o.namespace ?? "") has TLS mode set to \(mode) but no caCertificates are set to validate server identity for host: \(host)",
                [index.evidence(o, "spec.trafficPolicy.tls", "mode \(mode), no caCertificates")])
        }
    }

    static let noVerificationPort = FindingRule.config("IST0129", .warning, "TLS origination without server verification on a port") { index, rule in
        index.objects("DestinationRule").flatMap { dr -> [Finding] in
            let o = index.object(dr)
            let host = dr.raw["spec"]?["host"]?.string ?? ""
            return (dr.raw["spec"]?["trafficPolicy"]?["portLevelSettings"]?.array ?? []).enumerated().compactMap { i, p in
                guard let mode = unverified(p["tls"]) else { return nil }
                let port = p["port"]?["number"].map { $0.rawText } ?? "?"
                return index.report(rule, o,
                    "DestinationRule \(o.namespace ?? "")/\(o.name) in namespace \(o.namespace ?? "") has TLS mode set to \(mode) but no caCertificates are set to validate server identity for host: \(host) at port \(port)",
                    [index.evidence(o, "spec.trafficPolicy.portLevelSettings[\(i)].tls", "mode \(mode), no caCertificates")])
            }
        }
    }

    static let unknownHost = FindingRule.config("IST0174", .warning, "DestinationRule host matches no service") { index, rule in
        index.objects("DestinationRule").compactMap { dr in
            let o = index.object(dr)
            let ns = o.namespace ?? "default"
            let host = dr.raw["spec"]?["host"]?.string ?? ""
            if index.lookup(host, from: ns) != nil { return nil }
            // A wildcard host (`*.local` for mesh-wide TLS settings) is fine while it covers something.
            if host.hasPrefix("*"), index.anyHost(overlapping: host, visibleTo: ns) { return nil }
            return index.report(rule, o, "The host \(host) defined in the DestinationRule does not match any services in the mesh.",
                                [index.evidence(o, "spec.host", "\(host) (\(ConfigHosts.fqdn(host, namespace: ns)) is no Service or ServiceEntry host visible in \(ns))")])
        }
    }

    static let subsetSelectsNoPods = FindingRule.config("IST0173", .error, "Subset selects no pods") { index, rule in
        var out: [Finding] = []
        for dr in index.objects("DestinationRule") {
            let o = index.object(dr)
            let ns = o.namespace ?? "default"
            guard let entry = index.lookup(dr.raw["spec"]?["host"]?.string ?? "", from: ns), !entry.selector.isEmpty else { continue }
            for (i, s) in (dr.raw["spec"]?["subsets"]?.array ?? []).enumerated() {
                let labels = ObjectMeta.stringMap(s.member(exactly: "labels"))
                let selector = entry.selector.merging(labels) { _, subset in subset }
                guard index.workloads(matching: selector, in: entry.kind == "Service" ? entry.namespace : nil).isEmpty else { continue }
                let name = s["name"]?.string ?? "#\(i)"
                out.append(index.report(rule, o,
                    "The Subset \(name) defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).",
                    [index.evidence(o, "spec.subsets[\(i)].labels", ConfigIndex.selectorText(labels)),
                     index.evidence(entry.object, entry.kind == "Service" ? "spec.selector" : "spec.workloadSelector.labels", ConfigIndex.selectorText(entry.selector))],
                    also: [entry.object]))
            }
        }
        return out
    }
}
