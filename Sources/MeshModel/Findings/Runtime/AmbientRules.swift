import Foundation

/// MS05xx: ambient mode: pods ztunnel should capture, the waypoints namespaces and services
/// ask for, and ztunnel's own certificates.
enum AmbientRules {
    static let all: [FindingRule] = [podNotInZtunnel, missingWaypoint, ztunnelCertificateFailed]

    // MARK: MS0501

    static let podNotInZtunnel: FindingRule = FindingRule(code: "MS0501", severity: .error, title: "Ambient pod unknown to ztunnel",
                                             reads: [.kubeObjects, .ztunnel], evaluate: podNotInZtunnelFindings)

    /// A running pod of a namespace labelled `istio.io/dataplane-mode=ambient` (not opted out
    /// with `istio.io/dataplane-mode=none`, not a sidecar, waypoint or host-network pod) that
    /// no ztunnel lists among its workloads: its traffic is not captured, so it is neither
    /// encrypted nor subject to policy. Pods younger than the grace period are still starting.
    static func podNotInZtunnelFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        guard let kube = facts.kube, let ztunnels = facts.ztunnels, !ztunnels.isEmpty else { return [] }
        let ambient = Set(kube.namespaces.filter { $0.meshEnrollment == "ambient" }.map(\.metadata.name))
        guard !ambient.isEmpty else { return [] }
        var listed = Set<String>()
        var uids = Set<String>()
        for z in ztunnels.values {
            for w in z.dump.workloads {
                listed.insert(w.namespace + "/" + w.name)
                if !w.uid.isEmpty { uids.insert(w.uid) }
            }
        }
        var out: [Finding] = []
        for pod in kube.pods where PodFacts.isLive(pod) && ambient.contains(pod.metadata.namespace ?? "") && pod.podIP != nil {
            guard pod.metadata.labels["istio.io/dataplane-mode"] != "none" else { continue }
            let mode = pod.meshMode
            guard mode == .ambient || mode == .none else { continue }
            if let created = pod.metadata.creationTimestamp, facts.now.timeIntervalSince(created) <= options.staleGrace { continue }
            // Host-network pods share the node's IP and are never captured.
            if let ip = pod.podIP, ip == pod.hostIP { continue }
            let ns = pod.metadata.namespace ?? "", name = pod.metadata.name
            let uid = "\(ztunnelClusterID(ztunnels))//Pod/\(ns)/\(name)"
            guard !listed.contains(ns + "/" + name), !uids.contains(uid) else { continue }
            out.append(podNotInZtunnel.finding(
                [RuntimeObjects.pod(ns, name)],
                "\(ns)/\(name) is in ambient namespace \(ns) but no ztunnel lists it: its traffic is not captured (check the istio-cni node agent on \(pod.nodeName ?? "its node"))",
                evidence: [FindingEvidence("Namespace \(ns) label", "istio.io/dataplane-mode=ambient"),
                           FindingEvidence("Pod \(ns)/\(name)", MeshMode.explain(pod).evidence),
                           FindingEvidence("ztunnel /config_dump workloads", "\(listed.count) workloads over \(ztunnels.count) ztunnel\(ztunnels.count == 1 ? "" : "s"), not \(ns)/\(name)")],
                link: RuntimeLinks.pod(ns, name)))
        }
        return out
    }

    /// The cluster ID ztunnel puts in workload UIDs (`Kubernetes//Pod/ns/name`).
    static func ztunnelClusterID(_ ztunnels: [String: ZtunnelIndex]) -> String {
        for z in ztunnels.values { if let w = z.dump.workloads.first(where: { !$0.clusterID.isEmpty }) { return w.clusterID } }
        return "Kubernetes"
    }

    // MARK: MS0502

    static let missingWaypoint: FindingRule = FindingRule(code: "MS0502", severity: .error, title: "Waypoint missing or not ready",
                                             reads: [.kubeObjects], evaluate: missingWaypointFindings)

    /// Namespaces and services labelled `istio.io/use-waypoint=NAME` (in the namespace
    /// `istio.io/use-waypoint-namespace` names, else their own): NAME must be a Gateway of
    /// class `istio-waypoint` that is Programmed, or, where the source has no Gateway API
    /// objects, a waypoint Deployment with a ready pod. `none` opts out.
    static func missingWaypointFindings(_ facts: MeshFacts, _ options: FindingOptions) -> [Finding] {
        guard let kube = facts.kube else { return [] }
        var askers: [(FindingObject, FindingLink, [String: String])] = []
        for ns in kube.namespaces.sorted(by: { $0.metadata.name < $1.metadata.name }) {
            askers.append((FindingObject(kind: "Namespace", name: ns.metadata.name), RuntimeLinks.namespace(ns.metadata.name), ns.metadata.labels))
        }
        for s in kube.services.sorted(by: { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }) {
            let ns = s.metadata.namespace ?? ""
            askers.append((FindingObject(kind: "Service", namespace: ns, name: s.metadata.name), RuntimeLinks.service(ns, s.metadata.name), s.metadata.labels))
        }
        let gateways = kube.objects["Gateway"]
        var gatewayByKey: [String: KubeObject] = [:]
        for g in gateways ?? [] where g.apiVersion.hasPrefix("gateway.networking.k8s.io") { gatewayByKey[g.key] = g }
        // Waypoint pods by `namespace/gateway name`.
        var waypointPods: [String: [KubePod]] = [:]
        for p in kube.pods where p.meshMode == .waypoint {
            let name = p.metadata.labels["gateway.networking.k8s.io/gateway-name"] ?? PodFacts.workloadName(p)
            waypointPods[(p.metadata.namespace ?? "") + "/" + name, default: []].append(p)
        }
        var out: [Finding] = []
        for (object, link, labels) in askers {
            guard let name = labels["istio.io/use-waypoint"], !name.isEmpty, name != "none" else { continue }
            let ns = labels["istio.io/use-waypoint-namespace"] ?? object.namespace ?? object.name
            let key = ns + "/" + name
            let asked = FindingEvidence("\(object) label istio.io/use-waypoint", name)
            var problem: String?
            var evidence = [asked]
            if let g = gatewayByKey[key] {
                let programmed = g.raw["status"]?["conditions"]?.elements.first { $0["type"]?.string == "Programmed" }
                if programmed?["status"]?.string != "True" {
                    let why = programmed?["message"]?.string ?? programmed?["reason"]?.string ?? "no Programmed condition"
                    problem = "waypoint \(key) is not ready (\(why))"
                    evidence.append(FindingEvidence("Gateway \(key) status.conditions Programmed", programmed?["status"]?.string ?? "absent"))
                }
            } else if gateways?.isEmpty == false || waypointPods[key] == nil {
                problem = "waypoint \(key) does not exist"
                evidence.append(FindingEvidence("Gateway \(key)", "not found"))
            } else if let pods = waypointPods[key], !pods.contains(where: { PodFacts.isLive($0) && !$0.containerStatuses.isEmpty && $0.containerStatuses.allSatisfy(\.ready) }) {
                problem = "waypoint \(key) has no ready pod"
                evidence += pods.prefix(3).map { FindingEvidence("Pod \(key.split(separator: "/")[0])/\($0.metadata.name)", "phase \($0.phase), ready \($0.containerStatuses.filter(\.ready).count)/\($0.containerStatuses.count)") }
            }
            guard let problem else { continue }
            out.append(missingWaypoint.finding(
                [object], "\(object) asks for \(problem): its L7 traffic goes nowhere (create the waypoint with `istioctl waypoint apply -n \(ns) --name \(name)` or fix the label)",
                evidence: evidence, link: link))
        }
        return out
    }

    // MARK: MS0503

    static let ztunnelCertificateFailed: FindingRule = FindingRule(code: "MS0503", severity: .error, title: "ztunnel cannot get a certificate",
                                                      reads: [.ztunnel]) { facts, _ in
        var out: [Finding] = []
        for key in (facts.ztunnels ?? [:]).keys.sorted() {
            guard let index = facts.ztunnels?[key] else { continue }
            for cert in index.dump.certificates where cert.state.hasPrefix("Unavailable") || cert.state.lowercased().contains("fail") {
                out.append(ztunnelCertificateFailed.finding(
                    [FindingObject(kind: "Certificate", name: key + " " + cert.identity)],
                    "ztunnel \(key) has no certificate for \(cert.identity) (\(cert.state)): that identity's workloads on its node cannot send or receive mTLS",
                    evidence: [FindingEvidence("ztunnel \(key) /config_dump certificates \(cert.identity) state", cert.state)],
                    link: RuntimeLinks.ztunnel(key, tab: "certificates")))
            }
        }
        return out
    }
}
