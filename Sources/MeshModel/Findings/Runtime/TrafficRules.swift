import Foundation

/// MS04xx: traffic and security on the edges the metrics show, joined with the
/// PeerAuthentications and DestinationRules that decide mTLS.
enum TrafficRules {
    static let all: [FindingRule] = [plaintextEdge, strictReceivesPlaintext, tlsDisabledTowardsStrict, edgeErrors, rbacDenied]

    // MARK: MS0401

    static let plaintextEdge: FindingRule = FindingRule(code: "MS0401", severity: .warning, title: "Plaintext traffic between meshed workloads",
                                           reads: [.edges, .kubeObjects]) { facts, _ in
        guard let kube = facts.kube else { return [] }
        let meshed = PodFacts.meshedWorkloads(kube)
        return (facts.edges ?? []).filter { $0.security == .plaintext && meshed.contains($0.source) && meshed.contains($0.destination) }.map { e in
            plaintextEdge.finding(
                [RuntimeObjects.edge(e)],
                "\(e.source) talks to \(e.destination) (\(e.service)) in plaintext although both are in the mesh: a DestinationRule disabling TLS, a port excluded from capture, or a PERMISSIVE server reached around its proxy",
                evidence: [FindingEvidence("\(e.reporter) metrics istio_tcp_connections_opened_total / istio_requests_total", "connection_security_policy: none, source \(e.source), destination \(e.destination)")],
                link: RuntimeLinks.edge(e))
        }
    }

    // MARK: MS0402

    static let strictReceivesPlaintext: FindingRule = FindingRule(code: "MS0402", severity: .error, title: "STRICT mTLS workload receives plaintext",
                                                     reads: [.edges, .kubeObjects, .istioConfig]) { facts, _ in
        guard let kube = facts.kube else { return [] }
        let policies = PeerAuthentications(kube)
        // workload.namespace → a pod of it, to decide its mode.
        var podOf: [String: KubePod] = [:]
        for p in kube.pods {
            let key = PodFacts.workloadName(p) + "." + (p.metadata.namespace ?? "")
            if podOf[key] == nil { podOf[key] = p }
        }
        var out: [Finding] = []
        for e in facts.edges ?? [] where e.security == .plaintext {
            guard let pod = podOf[e.destination], let mode = policies.mode(for: pod), mode.mode == "STRICT" else { continue }
            out.append(strictReceivesPlaintext.finding(
                [RuntimeObjects.edge(e), mode.object],
                "\(e.destination) requires mTLS (\(mode.object) is STRICT) but receives plaintext from \(e.source): those requests are rejected, or reach it around its proxy",
                evidence: [FindingEvidence("\(mode.object) spec.mtls.mode", "STRICT"),
                           FindingEvidence("\(e.reporter) metrics \(e.source) → \(e.destination)", "connection_security_policy: none")],
                link: RuntimeLinks.with(RuntimeLinks.edge(e), flows: RuntimeLinks.edgeFlows(e, status: "5xx,0"))))
        }
        return out
    }

    // MARK: MS0403

    static let tlsDisabledTowardsStrict: FindingRule = FindingRule(code: "MS0403", severity: .error, title: "DestinationRule disables TLS towards a STRICT workload",
                                                      reads: [.kubeObjects, .istioConfig]) { facts, _ in
        guard let kube = facts.kube else { return [] }
        let policies = PeerAuthentications(kube)
        var services: [String: KubeService] = [:]
        for s in kube.services { services[(s.metadata.namespace ?? "") + "/" + s.metadata.name] = s }
        var podsByNamespace: [String: [KubePod]] = [:]
        for p in kube.pods { podsByNamespace[p.metadata.namespace ?? "", default: []].append(p) }
        var out: [Finding] = []
        for dr in (kube.objects["DestinationRule"] ?? []).sorted(by: { $0.key < $1.key }) {
            guard let path = disabledTLSPath(dr.raw["spec"]), let host = dr.raw["spec"]?["host"]?.string, !host.hasPrefix("*") else { continue }
            let parts = host.split(separator: ".")
            let ns = parts.count >= 2 ? String(parts[1]) : (dr.metadata.namespace ?? "")
            guard let first = parts.first, let svc = services[ns + "/" + first], !svc.selector.isEmpty else { continue }
            let selected = (podsByNamespace[ns] ?? []).filter { p in svc.selector.allSatisfy { p.metadata.labels[$0.key] == $0.value } }
            guard let strict = selected.lazy.compactMap({ p in policies.mode(for: p).flatMap { $0.mode == "STRICT" ? $0 : nil } }).first else { continue }
            let drObject = FindingObject(kind: "DestinationRule", namespace: dr.metadata.namespace, name: dr.metadata.name,
                                         location: kube.locations["DestinationRule \(dr.key)"])
            out.append(tlsDisabledTowardsStrict.finding(
                [drObject, strict.object],
                "\(drObject) sends plaintext to \(host) (\(path): DISABLE), whose workloads require mTLS (\(strict.object) is STRICT): every request fails; remove the tls setting or use ISTIO_MUTUAL",
                evidence: [FindingEvidence("\(drObject) \(path)", "DISABLE"), FindingEvidence("\(strict.object) spec.mtls.mode", "STRICT")],
                link: RuntimeLinks.service(ns, String(first))))
        }
        return out
    }

    /// The path of the first `tls.mode: DISABLE` in a DestinationRule's spec, if any.
    static func disabledTLSPath(_ spec: JSONValue?) -> String? {
        guard let spec else { return nil }
        func disabled(_ policy: JSONValue?) -> Bool { policy?["tls"]?["mode"]?.string == "DISABLE" }
        if disabled(spec["trafficPolicy"]) { return "spec.trafficPolicy.tls.mode" }
        for (i, p) in (spec["trafficPolicy"]?["portLevelSettings"].map { Array($0.elements) } ?? []).enumerated() where disabled(p) {
            return "spec.trafficPolicy.portLevelSettings[\(i)].tls.mode"
        }
        for (i, s) in (spec["subsets"].map { Array($0.elements) } ?? []).enumerated() where disabled(s["trafficPolicy"]) {
            return "spec.subsets[\(i)].trafficPolicy.tls.mode"
        }
        return nil
    }

    // MARK: MS0404

    static let edgeErrors: FindingRule = FindingRule(code: "MS0404", severity: .warning, title: "High error rate on an edge", reads: [.edges]) { facts, options in
        (facts.edges ?? []).compactMap { e in
            // Rates when two samples were read and their window held enough requests to say
            // something; otherwise the counters' totals since the proxy started.
            let byRates = e.rates.map { r in
                guard let rq = r.requests, rq.isFinite, let seconds = r.seconds, seconds.isFinite else { return true }
                return rq * seconds >= options.minimumRequests
            } ?? false
            let requests = byRates ? e.rates?.requests : e.requests, errors = byRates ? e.rates?.errors : e.errors
            guard let requests, let errors, requests.isFinite, errors.isFinite, requests > 0 else { return nil }
            if e.rates != nil { guard (e.rates?.requests ?? 0) >= options.minimumRate else { return nil } }
            let ratio = errors / requests
            guard ratio > options.errorRatio else { return nil }
            let thin = e.rates?.seconds.map { s in
                "; the last \(String(format: "%.1f", s)) s held \(String(format: "%.0f", (e.rates?.requests ?? 0) * s)), too few to judge"
            } ?? ""
            let measured = byRates ? "\(Listing.rate(errors)) of \(Listing.rate(requests))"
                : "\(Int(saturating: errors)) of \(Int(saturating: requests)) requests since start" + (e.rates != nil ? thin : "")
            return edgeErrors.finding(
                [RuntimeObjects.edge(e)],
                "\(Listing.percent(ratio)) of requests from \(e.source) to \(e.destination) (\(e.service)) fail with 5xx, 403 (denied by policy) or no response (\(measured))",
                evidence: [FindingEvidence("\(e.reporter) metrics istio_requests_total{response_code=~\"5..|0|403\"} \(e.source) → \(e.destination)", measured)],
                link: RuntimeLinks.with(RuntimeLinks.edge(e), flows: RuntimeLinks.edgeFlows(e, status: "5xx,403,0")))
                .joining(Finding.destinationKey(host: e.service))
        }
    }

    // MARK: MS0405

    static let rbacDenied: FindingRule = FindingRule(code: "MS0405", severity: .warning, title: "Requests denied by authorization policy", reads: [.statsRates]) { facts, options in
        var out: [Finding] = []
        for p in facts.proxiesByID {
            guard let now = p.stats, let before = p.previousStats, let interval = p.statsInterval, interval > 0, interval.isFinite else { continue }
            let a = rbacDenials(before), b = rbacDenials(now)
            var rate = 0.0
            var lines: [FindingEvidence] = []
            for (name, v) in b.sorted(by: { $0.key < $1.key }) {
                let r = UpstreamRules.delta(v, a[name]) / interval
                guard r > 0 else { continue }
                rate += r
                lines.append(FindingEvidence("\(p.proxyID) /stats \(name) (two reads)", Listing.rate(r)))
            }
            guard rate > options.rbacDeniedRate else { continue }
            // The policies that can deny there, when the source has the objects.
            let policies = facts.kube.map { AuthorizationPolicies.selecting(name: p.name, namespace: p.namespace, $0) } ?? []
            let named = policies.isEmpty ? "the policies that select it" : policies.map { "\($0.object) (\($0.action))" }.joined(separator: ", ")
            out.append(rbacDenied.finding(
                [RuntimeObjects.proxy(p.proxyID)] + policies.map(\.object),
                "\(p.proxyID) denies \(Listing.rate(rate)) requests by AuthorizationPolicy (403 RBAC: access denied): check \(named)",
                evidence: Array(lines.prefix(5)) + policies.prefix(3).map { FindingEvidence("\($0.object) spec.action", $0.action) },
                link: RuntimeLinks.with(RuntimeLinks.proxy(p.proxyID, tab: "stats"), flows: FlowQuery(status: "403", pod: p.proxyID))))
        }
        return out
    }

    /// RBAC filter denials by stat: `http.inbound_0.0.0.0_9080.rbac.denied` (text, JSON) or
    /// `envoy_http_rbac_denied{…}` / `…_rbac_denied` (Prometheus); shadow (dry-run) denials
    /// are not counted.
    static func rbacDenials(_ stats: StatsSnapshot) -> [String: Double] {
        var out: [String: Double] = [:]
        for s in stats.stats {
            let base = s.name.split(separator: "{", maxSplits: 1).first.map(String.init) ?? s.name
            guard base.hasSuffix("rbac.denied") || base.hasSuffix("rbac_denied"), !base.contains("shadow"), let v = s.value.doubleValue else { continue }
            out[s.name] = v
        }
        return out
    }
}

/// The AuthorizationPolicies that apply to a pod, as istiod selects them: those of its
/// namespace whose `selector` matches its labels (or that have none), and the root
/// namespace's (`istio-system`) without a selector. DENY first (Envoy evaluates DENY before
/// ALLOW), then ALLOW; CUSTOM and AUDIT deny nothing by themselves.
///
/// ```swift
/// AuthorizationPolicies.selecting(name: "orders-…", namespace: "faults", kube)
/// // [(AuthorizationPolicy faults/deny-shop-delete, "DENY")]
/// ```
enum AuthorizationPolicies {
    struct Applied {
        var object: FindingObject
        var action: String
    }

    static func selecting(name: String, namespace: String, _ kube: KubeFacts, rootNamespace: String = "istio-system") -> [Applied] {
        guard let pod = kube.pods.first(where: { $0.metadata.name == name && $0.metadata.namespace == namespace }) else { return [] }
        var out: [Applied] = []
        for ap in (kube.objects["AuthorizationPolicy"] ?? []).sorted(by: { $0.key < $1.key }) {
            let ns = ap.metadata.namespace ?? ""
            guard ns == namespace || ns == rootNamespace else { continue }
            let labels = ObjectMeta.stringMap(ap.raw["spec"]?["selector"]?["matchLabels"])
            guard labels.isEmpty ? true : ns == namespace && labels.allSatisfy({ pod.metadata.labels[$0.key] == $0.value }) else { continue }
            let action = ap.raw["spec"]?["action"]?.string ?? "ALLOW"
            guard action == "DENY" || action == "ALLOW" else { continue }
            out.append(Applied(object: FindingObject(kind: "AuthorizationPolicy", namespace: ns, name: ap.metadata.name,
                                                     location: kube.locations["AuthorizationPolicy \(ap.key)"]), action: action))
        }
        return out.filter { $0.action == "DENY" } + out.filter { $0.action == "ALLOW" }
    }
}

/// PeerAuthentications resolved as istiod does for a pod: a policy selecting the pod, else
/// its namespace's, else the mesh-wide one in the root namespace (`istio-system`); `UNSET`
/// inherits. Indexed by namespace once.
struct PeerAuthentications {
    struct Mode {
        var mode: String
        var object: FindingObject
    }

    var byNamespace: [String: [KubeObject]] = [:]
    var rootNamespace = "istio-system"
    var locations: [String: String]

    init(_ kube: KubeFacts) {
        for pa in kube.objects["PeerAuthentication"] ?? [] { byNamespace[pa.metadata.namespace ?? "", default: []].append(pa) }
        for ns in byNamespace.keys { byNamespace[ns]?.sort { $0.metadata.name < $1.metadata.name } }
        locations = kube.locations
    }

    func mode(for pod: KubePod) -> Mode? {
        let ns = pod.metadata.namespace ?? ""
        let local = byNamespace[ns] ?? []
        let selecting = local.first { pa in
            let labels = ObjectMeta.stringMap(pa.raw["spec"]?["selector"]?["matchLabels"])
            return !labels.isEmpty && labels.allSatisfy { pod.metadata.labels[$0.key] == $0.value }
        }
        let namespaceWide = local.first { ObjectMeta.stringMap($0.raw["spec"]?["selector"]?["matchLabels"]).isEmpty }
        let meshWide = (byNamespace[rootNamespace] ?? []).first { ObjectMeta.stringMap($0.raw["spec"]?["selector"]?["matchLabels"]).isEmpty }
        for pa in [selecting, namespaceWide, meshWide].compactMap({ $0 }) {
            let m = pa.raw["spec"]?["mtls"]?["mode"]?.string ?? "UNSET"
            if m == "UNSET" { continue }
            return Mode(mode: m, object: FindingObject(kind: "PeerAuthentication", namespace: pa.metadata.namespace, name: pa.metadata.name,
                                                      location: locations["PeerAuthentication \(pa.key)"]))
        }
        return nil
    }
}
