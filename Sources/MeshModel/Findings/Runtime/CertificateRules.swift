import Foundation

/// MS0301–MS0304: the certificates proxies hold (Envoy's SDS secrets in its config dump,
/// ztunnel's certificates) and whether proxies that talk trust the same root.
enum CertificateRules {
    static let all: [FindingRule] = [expired, expiring, notYetValid, rootMismatch]

    /// One certificate a proxy holds.
    struct Held {
        /// The proxy ID (Envoys) or ztunnel pod key.
        var holder: String
        /// `default`, `ROOTCA`, or a ztunnel identity.
        var name: String
        var notBefore: Date
        var notAfter: Date
        var serial: String
        var source: String
        var link: FindingLink
    }

    /// Every certificate with known validity, Envoys' first (by proxy), then ztunnels'.
    static func held(_ facts: MeshFacts) -> [Held] {
        var out: [Held] = []
        for (p, dump) in EnvoyStateRules.dumps(facts) {
            for item in SecretView.items(dump) {
                guard let c = item.certificate else { continue }
                out.append(Held(holder: p.proxyID, name: item.name, notBefore: c.notBefore, notAfter: c.notAfter, serial: c.serialNumber,
                                source: "\(p.proxyID) config_dump dynamic_active_secrets \(item.name)", link: RuntimeLinks.proxy(p.proxyID, tab: "secrets")))
            }
        }
        for key in (facts.ztunnels ?? [:]).keys.sorted() {
            guard let index = facts.ztunnels?[key] else { continue }
            for cert in index.dump.certificates {
                for (n, e) in cert.certChain.enumerated() {
                    guard let from = Timestamp.parse(e.validFrom), let until = Timestamp.parse(e.expirationTime) else { continue }
                    out.append(Held(holder: key, name: cert.identity + (n == 0 ? "" : " chain[\(n)]"), notBefore: from, notAfter: until, serial: e.serialNumber,
                                    source: "ztunnel \(key) /config_dump certificates \(cert.identity)", link: RuntimeLinks.ztunnel(key, tab: "certificates")))
                }
            }
        }
        return out
    }

    static func object(_ h: Held) -> FindingObject { FindingObject(kind: "Certificate", name: h.holder + " " + h.name) }

    static func evidence(_ h: Held) -> FindingEvidence {
        FindingEvidence(h.source, "serial \(h.serial), valid \(Timestamp.rfc3339(h.notBefore)) to \(Timestamp.rfc3339(h.notAfter))")
    }

    // MARK: MS0301–MS0303

    static let expired: FindingRule = FindingRule(code: "MS0301", severity: .error, title: "Certificate expired", reads: [.certificates]) { facts, _ in
        held(facts).filter { facts.now > $0.notAfter }.map { h in
            expired.finding([object(h)], "\(h.holder)'s certificate \(h.name) expired \(HumanDuration.format(seconds: facts.now.timeIntervalSince(h.notAfter))) ago: mTLS with it fails; check istiod's CA and the proxy's SDS",
                            evidence: [evidence(h)], link: h.link)
        }
    }

    static let expiring: FindingRule = FindingRule(code: "MS0302", severity: .warning, title: "Certificate expires soon", reads: [.certificates]) { facts, options in
        held(facts).filter { facts.now <= $0.notAfter && facts.now >= $0.notBefore && $0.notAfter.timeIntervalSince(facts.now) < warningWindow($0, options) }.map { h in
            expiring.finding([object(h)], "\(h.holder)'s certificate \(h.name) expires in \(HumanDuration.format(seconds: h.notAfter.timeIntervalSince(facts.now))) (\(Timestamp.rfc3339(h.notAfter))): it should have been rotated",
                             evidence: [evidence(h)], link: h.link)
        }
    }

    static let notYetValid: FindingRule = FindingRule(code: "MS0303", severity: .error, title: "Certificate not yet valid", reads: [.certificates]) { facts, _ in
        held(facts).filter { facts.now < $0.notBefore }.map { h in
            notYetValid.finding([object(h)], "\(h.holder)'s certificate \(h.name) is valid only from \(Timestamp.rfc3339(h.notBefore)): peers reject it (a clock skewed on the node or the CA)",
                                evidence: [evidence(h)], link: h.link)
        }
    }

    /// How close to its end a certificate is warned about: the configured window (7 days),
    /// but at most a quarter of its lifetime. Istio's workload certificates live 24 hours and
    /// are rotated at half their life, so one with less than a quarter left missed its
    /// rotation, while a fresh one (22 hours left) is fine.
    static func warningWindow(_ h: Held, _ options: FindingOptions) -> TimeInterval {
        min(options.certificateExpiryWarning, max(0, h.notAfter.timeIntervalSince(h.notBefore)) / 4)
    }

    // MARK: MS0304

    static let rootMismatch: FindingRule = FindingRule(code: "MS0304", severity: .error, title: "Proxies that talk trust different root CAs",
                                          reads: [.certificates, .edges], evaluate: rootMismatchFindings)

    /// What `istioctl proxy-config rootca-compare` checks, for every mTLS edge: the roots
    /// held by the proxies of the two identities (SPIFFE IDs from their certificates). Roots
    /// are compared by their bytes. Indexed by identity, so linear in proxies and edges.
    static func rootMismatchFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        // SPIFFE identity → (root keys, a proxy holding them).
        var roots: [String: (keys: Set<String>, proxy: String, shown: [String])] = [:]
        for (p, dump) in EnvoyStateRules.dumps(facts) {
            let items = SecretView.items(dump)
            guard let leaf = items.first(where: { $0.name == "default" })?.certificate, let identity = leaf.spiffeIDs.first else { continue }
            // The root's exact bytes, as rootca-compare compares them: two CAs may share a
            // subject and serial (both self-made with defaults) and still differ.
            let keys = Set(dump.secrets.filter { $0.name == "ROOTCA" && ($0.state == .active || $0.state == .warming) }.flatMap { s in
                ([s.trustedCABase64, s.trustedCAPEM].compactMap { $0 } + s.spiffeTrustDomains.compactMap(\.bundleBase64))
                    .map { $0.filter { !$0.isWhitespace } }
            })
            guard !keys.isEmpty else { continue }
            let shown = items.filter { $0.name == "ROOTCA" }.compactMap(\.certificate).map { "\($0.subject) serial \($0.serialNumber) from \(Timestamp.rfc3339($0.notBefore))" }
            if roots[identity] == nil { roots[identity] = (keys, p.proxyID, shown) } else { roots[identity]?.keys.formUnion(keys) }
        }
        guard !roots.isEmpty else { return [] }
        var out: [Finding] = []
        var seen = Set<String>()
        for e in facts.edges ?? [] where e.security == .mutualTLS {
            guard let a = roots[e.sourcePrincipal], let b = roots[e.destinationPrincipal], a.keys.isDisjoint(with: b.keys),
                  seen.insert(e.source + "→" + e.destination).inserted else { continue }
            out.append(rootMismatch.finding(
                [RuntimeObjects.edge(e)],
                "\(e.source) and \(e.destination) talk over mTLS but trust different root CAs (\(a.proxy) vs \(b.proxy)): new connections fail the handshake once cached sessions end",
                evidence: [FindingEvidence("\(a.proxy) config_dump dynamic_active_secrets ROOTCA", a.shown.joined(separator: "; ")),
                           FindingEvidence("\(b.proxy) config_dump dynamic_active_secrets ROOTCA", b.shown.joined(separator: "; "))],
                link: RuntimeLinks.edge(e)))
        }
        return out
    }
}
