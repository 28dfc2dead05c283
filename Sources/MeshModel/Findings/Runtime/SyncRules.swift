import Foundation

/// MS01xx: what istiod says about each proxy's xDS sync (`/debug/syncz`, CSDS), joined with
/// the pods that should be its clients.
enum SyncRules {
    static let all: [FindingRule] = [stale, notSent, rejected, unknownProxy, versionSkew]

    /// Types every Envoy must receive: without clusters or listeners it serves nothing. ECDS,
    /// SDS and the ambient types are sent only when something asks for them.
    static let requiredTypes = [XdsType.cluster, XdsType.listener]

    // MARK: MS0101

    static let stale: FindingRule = FindingRule(code: "MS0101", severity: .error, title: "Proxy config is stale", reads: [.syncStatus], evaluate: staleFindings)

    /// A type istiod pushed and the proxy has not acknowledged for longer than the grace
    /// period. istiod's syncz gives no send time in older versions: then the age is unknown
    /// and the type is reported (a STALE that outlives a refresh is the case to look at).
    static func staleFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        var out: [Finding] = []
        for p in facts.sync ?? [] {
            let late = p.types.filter { t in
                guard t.state == .stale else { return false }
                guard let sent = t.lastUpdated else { return true }
                return facts.now.timeIntervalSince(sent) > options.staleGrace
            }
            guard !late.isEmpty else { continue }
            let evidence = late.map { t in
                FindingEvidence("istiod \(p.istiod) /debug/syncz \(p.proxyID) \(t.shortType)",
                                "sent \(t.nonceSent ?? "-"), acked \(t.nonceAcked ?? "-")\(age(t.lastUpdated, facts.now))")
            }
            let types = late.map(\.shortType).joined(separator: ", ")
            out.append(stale.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "\(p.proxyID) has not acknowledged istiod's last \(types) push\(age(late.first?.lastUpdated, facts.now)): it runs older config than istiod sent",
                evidence: evidence, link: RuntimeLinks.proxy(p.proxyID)))
        }
        return out
    }

    // MARK: MS0102

    static let notSent: FindingRule = FindingRule(code: "MS0102", severity: .error, title: "Proxy never received clusters or listeners", reads: [.syncStatus],
                                     evaluate: notSentFindings)

    /// CDS or LDS NOT SENT to an Envoy for longer than the grace period (measured from when
    /// it connected, when istiod's `/debug/connections` says; otherwise from any other type
    /// being sent already). ztunnels get only the ambient types and are skipped.
    static func notSentFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        var out: [Finding] = []
        for p in facts.sync ?? [] where p.proxyType != "ztunnel" {
            let missing = p.types.filter { requiredTypes.contains($0.typeURL) && $0.state == .notSent }
            guard !missing.isEmpty else { continue }
            let since: String
            if let connected = facts.connectedAt[p.proxyID] {
                let seconds = facts.now.timeIntervalSince(connected)
                guard seconds > options.staleGrace else { continue }
                since = " for \(HumanDuration.format(seconds: seconds)) since it connected"
            } else {
                // Connected just now, nothing pushed yet: not a finding until something else is.
                guard p.types.contains(where: { $0.nonceSent != nil }) else { continue }
                since = " while istiod sent it other types"
            }
            let types = missing.map(\.shortType).joined(separator: ", ")
            out.append(notSent.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "istiod \(p.istiod) has sent \(p.proxyID) no \(types)\(since): the proxy has no \(missing.count == 1 && missing[0].typeURL == XdsType.listener ? "listeners" : "clusters or listeners") and serves nothing",
                evidence: missing.map { FindingEvidence("istiod \(p.istiod) /debug/syncz \(p.proxyID) \($0.shortType)", "NOT SENT") },
                link: RuntimeLinks.proxy(p.proxyID)))
        }
        return out
    }

    // MARK: MS0103

    static let rejected: FindingRule = FindingRule(code: "MS0103", severity: .error, title: "Proxy rejected config (NACK)", reads: [.syncStatus], evaluate: rejectedFindings)

    static func rejectedFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        var out: [Finding] = []
        for p in facts.sync ?? [] {
            let errors = p.types.filter { $0.state == .error }
            guard !errors.isEmpty else { continue }
            let first = errors[0]
            out.append(rejected.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "\(p.proxyID) rejected istiod's \(errors.map(\.shortType).joined(separator: ", ")): \(first.lastError ?? "no error text given")",
                evidence: errors.map { FindingEvidence("istiod \(p.istiod) /debug/syncz \(p.proxyID) \($0.shortType) lastError", $0.lastError ?? "ERROR") },
                link: RuntimeLinks.proxy(p.proxyID)))
        }
        return out
    }

    // MARK: MS0104

    static let unknownProxy: FindingRule = FindingRule(code: "MS0104", severity: .error, title: "Injected pod is not connected to istiod",
                                          reads: [.kubeObjects, .syncStatus], evaluate: unknownProxyFindings)

    /// A running pod with a sidecar (or a gateway or waypoint Envoy) that no istiod lists
    /// among its xDS clients: its proxy has no config at all. Pods younger than the grace
    /// period are still starting.
    static func unknownProxyFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        guard let kube = facts.kube else { return [] }
        let known = Set((facts.sync ?? []).map(\.proxyID))
        var out: [Finding] = []
        for pod in kube.pods where PodFacts.isLive(pod) {
            let mode = MeshMode.explain(pod)
            guard mode.mode == .sidecar || mode.mode == .gateway || mode.mode == .waypoint else { continue }
            if let created = pod.metadata.creationTimestamp, facts.now.timeIntervalSince(created) <= options.staleGrace { continue }
            let ns = pod.metadata.namespace ?? ""
            let id = pod.metadata.name + "." + ns
            guard !known.contains(id) else { continue }
            out.append(unknownProxy.finding(
                [RuntimeObjects.pod(ns, pod.metadata.name)],
                "\(id) runs a \(mode.mode.rawValue) proxy but no istiod lists it: it has no mesh config (check the proxy's logs and its connection to istiod)",
                evidence: [FindingEvidence("Pod \(ns)/\(pod.metadata.name)", mode.evidence),
                           FindingEvidence("istiod /debug/syncz", "\(known.count) proxies listed, not \(id)")],
                link: RuntimeLinks.pod(ns, pod.metadata.name)))
        }
        return out
    }

    // MARK: MS0105

    static let versionSkew: FindingRule = FindingRule(code: "MS0105", severity: .warning, title: "Proxy and istiod versions too far apart",
                                         reads: [.syncStatus], evaluate: versionSkewFindings)

    static func versionSkewFindings(_ facts: MeshFacts, _ options: FindingOptions) throws -> [Finding] {
        let sync = facts.sync ?? []
        guard !sync.isEmpty else { return [] }
        guard !facts.istiodVersions.isEmpty else { throw RuleInputError("no istiod version known (istiod's image has no version tag)") }
        var out: [Finding] = []
        for p in sync {
            guard let istiodVersion = facts.istiodVersions[p.istiod] ?? (facts.istiodVersions.count == 1 ? facts.istiodVersions.values.first : nil),
                  let cp = IstioVersion.minor(istiodVersion), let dp = IstioVersion.minor(p.version) else { continue }
            let skew = cp.major != dp.major ? Int.max : abs(cp.minor - dp.minor)
            guard skew > options.maxVersionSkew else { continue }
            out.append(versionSkew.finding(
                [RuntimeObjects.proxy(p.proxyID)],
                "\(p.proxyID) runs Istio \(p.version), its istiod \(p.istiod) runs \(istiodVersion): more than \(options.maxVersionSkew) minor version apart is unsupported; upgrade the proxy (restart the pod after the upgrade)",
                evidence: [FindingEvidence("istiod \(p.istiod) /debug/syncz \(p.proxyID) istio_version", p.version),
                           FindingEvidence("Pod \(p.istiod) image", istiodVersion)],
                link: RuntimeLinks.proxy(p.proxyID)))
        }
        return out
    }

    /// ` (45s ago)`, or nothing when the time is unknown.
    static func age(_ date: Date?, _ now: Date) -> String {
        guard let date else { return "" }
        return " (\(HumanDuration.format(seconds: max(0, now.timeIntervalSince(date)))) ago)"
    }
}
