import Foundation

/// ServiceEntries: IST0134 TCP ports without addresses, IST0177 one host and port with
/// different protocols in ServiceEntries visible in the same namespace.
enum ServiceEntryRules {
    static let addressesRequired = FindingRule.config("IST0134", .warning, "ServiceEntry needs addresses") { index, rule in
        index.objects("ServiceEntry").compactMap { se in
            let spec = se.raw["spec"]
            guard (spec?["addresses"]?.array ?? []).isEmpty else { return nil }
            let o = index.object(se)
            let tcp = (spec?["ports"]?.array ?? []).enumerated().filter { _, p in
                let proto = p["protocol"]?.string ?? ""
                return proto.isEmpty || proto == "TCP"
            }
            guard !tcp.isEmpty else { return nil }
            return index.report(rule, o, "ServiceEntry addresses are required for this protocol.",
                                tcp.map { i, p in index.evidence(o, "spec.ports[\(i)]", "port \(p["number"]?.rawText ?? "?") protocol \(p["protocol"]?.string ?? "unset"), no spec.addresses") })
        }
    }

    static let conflictingProtocol = FindingRule.config("IST0177", .warning, "ServiceEntries disagree on a port's protocol") { index, rule in
        struct Use { var protocolName: String; var se: KubeObject; var path: String }
        var byKey: [String: [Use]] = [:]  // scope \0 host \0 port
        for se in index.objects("ServiceEntry") {
            let ns = se.metadata.namespace ?? "default"
            let spec = se.raw["spec"]
            let scopes = ConfigIndex.scopes(ConfigIndex.strings(spec?["exportTo"]), namespace: ns)
            for scope in scopes {
                for h in Set(ConfigIndex.strings(spec?["hosts"])) {
                    for (i, p) in (spec?["ports"]?.array ?? []).enumerated() {
                        let key = scope + "\u{0}" + h + "\u{0}" + (p["number"]?.rawText ?? "")
                        byKey[key, default: []].append(Use(protocolName: (p["protocol"]?.string ?? "").uppercased(), se: se, path: "spec.ports[\(i)].protocol"))
                    }
                }
            }
        }
        var reported: Set<String> = []
        var out: [Finding] = []
        for key in byKey.keys.sorted() {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            var uses = byKey[key]!
            if parts[0] != "*" { uses += byKey["*\u{0}" + parts[1] + "\u{0}" + parts[2]] ?? [] }
            let protocols = Set(uses.map(\.protocolName)).sorted()
            guard protocols.count > 1 else { continue }
            let objects = uses.map { index.object($0.se) }
            let names = Set(objects.map { "\($0.namespace ?? "")/\($0.name)" }).sorted()
            for o in objects where reported.insert(o.description).inserted {
                out.append(index.report(rule, o,
                    "Multiple ServiceEntries (\(ConfigIndex.names(names).replacingOccurrences(of: ",", with: ", "))) define the same host \"\(parts[1])\" and port \(parts[2]) with conflicting protocols (\(protocols.joined(separator: ", "))).",
                    zip(uses, objects).prefix(10).map { index.evidence($1, $0.path, $0.protocolName.isEmpty ? "unset" : $0.protocolName) }, also: objects))
            }
        }
        return out
    }
}
