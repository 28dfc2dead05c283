import Foundation

/// Table builders for `meshscope get`: kubectl's columns and cell formats (its
/// `printPod`, `printService`, `printNamespace`), plus MODE for pods.
///
/// kubectl prints with Go's tabwriter (min width 6, padding 3); so do these tables.
///
/// ```swift
/// KubeTables.pods(pods, now: Date(), allNamespaces: false).render()
/// // NAME    READY   STATUS    RESTARTS   AGE   MODE
/// // web-0   2/2     Running   0          5m    sidecar
/// ```
public enum KubeTables {
    public static let layout = TabWriter(minWidth: 6, padding: 3)

    public static func pods(_ pods: [KubePod], now: Date, allNamespaces: Bool) -> Table {
        var columns = [Table.Column("NAME"), Table.Column("READY"), Table.Column("STATUS"), Table.Column("RESTARTS"), Table.Column("AGE"), Table.Column("MODE")]
        columns += [Table.Column("IP", wideOnly: true), Table.Column("NODE", wideOnly: true), Table.Column("NOMINATED NODE", wideOnly: true), Table.Column("READINESS GATES", wideOnly: true)]
        let rows = pods.map { pod -> [String] in
            let s = PodStatusSummary(pod, now: now)
            let wide = [
                pod.podIPs.first ?? pod.podIP ?? "<none>",
                pod.nodeName ?? "<none>",
                pod.nominatedNodeName ?? "<none>",
                readinessGates(pod),
            ]
            return [pod.metadata.name, s.ready, s.status, s.restarts, HumanDuration.since(pod.metadata.creationTimestamp, now: now), pod.meshMode.rawValue] + wide
        }
        return withNamespace(Table(columns: columns, rows: rows, layout: layout), pods.map { $0.metadata.namespace ?? "" }, allNamespaces)
    }

    public static func services(_ services: [KubeService], now: Date, allNamespaces: Bool, wide: Bool = false) -> Table {
        let columns = [Table.Column("NAME"), Table.Column("TYPE"), Table.Column("CLUSTER-IP"), Table.Column("EXTERNAL-IP"), Table.Column("PORT(S)"), Table.Column("AGE"), Table.Column("SELECTOR", wideOnly: true)]
        let rows = services.map { svc -> [String] in
            let ports = svc.ports.map { p in p.nodePort.map { "\(p.port):\($0)/\(p.proto)" } ?? "\(p.port)/\(p.proto)" }.joined(separator: ",")
            return [
                svc.metadata.name, svc.type, svc.clusterIPs.first ?? svc.clusterIP ?? "<none>", externalIP(svc, wide: wide),
                ports.isEmpty ? "<none>" : ports, HumanDuration.since(svc.metadata.creationTimestamp, now: now), formatLabels(svc.selector),
            ]
        }
        return withNamespace(Table(columns: columns, rows: rows, layout: layout), services.map { $0.metadata.namespace ?? "" }, allNamespaces)
    }

    public static func namespaces(_ namespaces: [KubeNamespace], now: Date) -> Table {
        Table(
            columns: [Table.Column("NAME"), Table.Column("STATUS"), Table.Column("AGE"), Table.Column("MESH", wideOnly: true)],
            rows: namespaces.map { [$0.metadata.name, $0.phase, HumanDuration.since($0.metadata.creationTimestamp, now: now), $0.meshEnrollment ?? "<none>"] },
            layout: layout
        )
    }

    /// Any other kind: the columns its CRD prints (for the Istio and Gateway API kinds
    /// meshscope knows), else kubectl's default NAME, AGE.
    public static func objects(_ objects: [KubeObject], resource: APIResource, now: Date, allNamespaces: Bool) -> Table {
        let extra = PrinterColumns.forResource(resource)
        var columns = [Table.Column("NAME")]
        columns += extra.map { Table.Column($0.name, wideOnly: $0.wideOnly) }
        columns.append(Table.Column("AGE"))
        let rows = objects.map { obj -> [String] in
            [obj.metadata.name] + extra.map { $0.value(obj.raw) } + [HumanDuration.since(obj.metadata.creationTimestamp, now: now)]
        }
        return withNamespace(Table(columns: columns, rows: rows, layout: layout), objects.map { $0.metadata.namespace ?? "" }, allNamespaces && resource.namespaced)
    }

    /// kubectl puts NAMESPACE first with `-A`.
    static func withNamespace(_ table: Table, _ namespaces: [String], _ on: Bool) -> Table {
        guard on else { return table }
        var t = table
        t.columns.insert(Table.Column("NAMESPACE"), at: 0)
        t.rows = zip(namespaces, table.rows).map { [$0] + $1 }
        return t
    }

    /// `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty.
    public static func formatLabels(_ labels: [String: String]) -> String {
        if labels.isEmpty { return "<none>" }
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    static func externalIP(_ svc: KubeService, wide: Bool) -> String {
        switch svc.type {
        case "ClusterIP", "NodePort":
            return svc.externalIPs.isEmpty ? "<none>" : svc.externalIPs.joined(separator: ",")
        case "LoadBalancer":
            var lb = svc.loadBalancerIngress.joined(separator: ",")
            if !wide, lb.count > 16 { lb = String(lb.prefix(13)) + "..." }
            let all = (lb.isEmpty ? [] : [lb]) + svc.externalIPs
            return all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName":
            return svc.externalName ?? ""
        default:
            return "<unknown>"
        }
    }

    static func readinessGates(_ pod: KubePod) -> String {
        guard !pod.readinessGates.isEmpty else { return "<none>" }
        let ok = pod.readinessGates.filter { pod.conditions[$0] == true }.count
        return "\(ok)/\(pod.readinessGates.count)"
    }
}

/// READY, STATUS and RESTARTS as kubectl's `printPod` computes them.
public struct PodStatusSummary: Sendable, Equatable {
    public var ready: String
    public var status: String
    public var restarts: String

    public init(_ pod: KubePod, now: Date) {
        var restarts = 0
        var sidecarRestarts = 0
        var total = pod.containers.count
        var readyCount = 0
        var lastRestart: Date?
        var lastSidecarRestart: Date?
        var reason = pod.reason ?? pod.phase
        if pod.conditionReasons["PodScheduled"] == "SchedulingGated" { reason = "SchedulingGated" }
        let restartable = Set(pod.initContainers.filter { $0.restartPolicy == "Always" }.map(\.name))
        total += restartable.count

        var initializing = false
        for (i, c) in pod.initContainerStatuses.enumerated() {
            restarts += c.restartCount
            if let t = c.lastTerminationFinishedAt, lastRestart.map({ $0 < t }) ?? true { lastRestart = t }
            let isSidecar = restartable.contains(c.name)
            if isSidecar {
                sidecarRestarts += c.restartCount
                if let t = c.lastTerminationFinishedAt, lastSidecarRestart.map({ $0 < t }) ?? true { lastSidecarRestart = t }
            }
            if case .terminated(_, 0, _) = c.state { continue }
            if isSidecar, c.started == true {
                if c.ready { readyCount += 1 }
                continue
            }
            switch c.state {
            case .terminated(let r, let code, let signal):
                if let r, !r.isEmpty { reason = "Init:" + r } else { reason = signal != 0 ? "Init:Signal:\(signal)" : "Init:ExitCode:\(code)" }
            case .waiting(let r?) where !r.isEmpty && r != "PodInitializing":
                reason = "Init:" + r
            default:
                reason = "Init:\(i)/\(pod.initContainers.count)"
            }
            initializing = true
            break
        }

        if !initializing || pod.conditions["Initialized"] == true {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            for c in pod.containerStatuses.reversed() {
                restarts += c.restartCount
                if let t = c.lastTerminationFinishedAt, lastRestart.map({ $0 < t }) ?? true { lastRestart = t }
                switch c.state {
                case .waiting(let r?) where !r.isEmpty: reason = r
                case .terminated(let r?, _, _) where !r.isEmpty: reason = r
                case .terminated(_, let code, let signal): reason = signal != 0 ? "Signal:\(signal)" : "ExitCode:\(code)"
                case .running where c.ready:
                    hasRunning = true
                    readyCount += 1
                default: break
                }
            }
            if reason == "Completed" && hasRunning {
                reason = pod.conditions["Ready"] == true ? "Running" : "NotReady"
            }
        }

        let terminal = pod.phase == "Succeeded" || pod.phase == "Failed"
        if pod.metadata.deletionTimestamp != nil && pod.reason == "NodeLost" {
            reason = "Unknown"
        } else if pod.metadata.deletionTimestamp != nil && !terminal {
            reason = "Terminating"
        }

        self.ready = "\(readyCount)/\(total)"
        self.status = reason
        if restarts != 0, let lastRestart {
            self.restarts = "\(restarts) (\(HumanDuration.since(lastRestart, now: now)) ago)"
        } else {
            self.restarts = String(restarts)
        }
    }
}
