import Foundation
import MeshClient
import MeshModel
import TerminalUI

/// What `.computeLayers` asks the runtime for: a path from `from` (`POD.NS`; nil with
/// `viaIngress`: the ingress gateway) to `to` (`HOST:PORT`). `notes` are the choices made
/// on the way (which pod of a workload, which port of a service) for the evidence pane.
public struct LayersRequest: Sendable, Equatable {
    public var from: String?
    public var to: String
    public var viaIngress: Bool
    public var notes: [String]

    public init(from: String?, to: String, viaIngress: Bool = false, notes: [String] = []) {
        self.from = from
        self.to = to
        self.viaIngress = viaIngress
        self.notes = notes
    }
}

/// The Layers view on live sources (a cluster, the demo, a snapshot): `p` on a pod (or a
/// proxy) opens a destination picker, one row per service port, and Enter chains the path
/// from that pod; `p` on an edge chains the edge's path; `:layers POD[.NS] HOST:PORT` does
/// it by name. The runtime fetches the dumps on the path (``MeshPathSources``, as the CLI's
/// `layers --from/--to`), and the answer is drawn like ``LayersScreen``: the hop diagram on
/// the left, the numbered evidence on the right.
///
/// ```swift
/// // Workloads: L, then Enter on reviews:9080 runs
/// //   :layers productpage-v1-7d4b9c-0.bookinfo reviews.bookinfo.svc.cluster.local:9080
/// ```
public enum LiveLayers {
    static let usage = "usage: :layers POD[.NS] HOST:PORT (or :layers --via-ingress HOST:PORT); L on a pod, proxy or edge row"

    static let fileRefusal = "a path from a pod needs a live source (a cluster, --demo or --snapshot); on a --file dump use :layers HOST:PORT or :layers PORT"

    // MARK: Keys

    /// Workloads (NAMESPACE, NAME, …): `p` picks a destination for the pod.
    static let podKey = ViewKey(.char("p"), "layers to…") { data, row, _ in
        row.count > 1 ? pickerScreen(data, from: "\(row[1]).\(row[0])") : nil
    }

    /// Proxies (`NAME.NAMESPACE`, …): `p` picks a destination for the proxy's pod.
    static let proxyKey = ViewKey(.char("p"), "layers to…") { data, row, _ in
        row.first.map { pickerScreen(data, from: $0) }
    }

    /// Connections (SOURCE, DESTINATION, SERVICE, …): `p` chains the edge's path from one
    /// pod of the source workload to its service.
    static let edgeKey = ViewKey(.char("p"), "layers", command: { _, row, _ in
        row.count > 2 ? .layers([row[0], row[2]]) : nil
    })

    // MARK: Destination picker

    /// The services' ports as destinations for a path from `from` (`POD.NS`).
    static func picker(from: String) -> TableViewSpec {
        var spec = TableViewSpec(name: "layers-to", title: "Layers from \(from): pick a destination", identityColumns: 3, nameColumn: 1) { data in
            let c = try LiveViews.requireCluster(data)
            return ViewTable(LiveTables.layersDestinations(c.services, namespaces: c.namespaces))
        }
        spec.enterCommand = { row in row.last.map { .layers([from, $0]) } }
        spec.followsNamespace = true
        return spec
    }

    static func pickerScreen(_ data: SourceData, from: String) -> Screen {
        Screen.table(.layersPicker(from: from), data: data, crumb: "layers from \(from)")
    }

    // MARK: :layers

    /// `:layers [--via-ingress] [POD[.NS]|WORKLOAD.NS] HOST[:PORT]` on a live source.
    static func run(_ args: [String], _ s: inout AppState, _ fx: inout [Effect]) {
        guard s.data.live != nil else {
            s.flash = Flash(fileRefusal, .error, at: s.now)
            return
        }
        switch request(s.data, args) {
        case .failure(let why):
            s.flash = Flash(why.message, .error, at: s.now)
        case .success(let r):
            fx.append(.computeLayers(r))
            var text = "computing the path \(r.from ?? "(ingress gateway)") → \(r.to) …"
            if !r.notes.isEmpty { text += " (" + r.notes.joined(separator: "; ") + ")" }
            s.flash = Flash(text, r.notes.contains { $0.hasPrefix("no service ") } ? .warn : .info, at: s.now)
        }
    }

    struct Refusal: Error, Equatable { var message: String }

    /// The request `:layers ARGS` makes, resolved against the cluster's objects: a pod name
    /// without namespace is looked up in every namespace, a workload (an edge's source)
    /// becomes one of its pods, a service without a port gets its first port.
    static func request(_ data: SourceData, _ args: [String]) -> Result<LayersRequest, Refusal> {
        var words = args
        let ingress = words.contains("--via-ingress")
        words.removeAll { $0 == "--via-ingress" }
        guard let to = words.last, words.count == 2 || (ingress && words.count == 1) else { return .failure(Refusal(message: usage)) }
        // The ingress gateway is picked by the runtime; names are resolved from its namespace there.
        guard words.count == 2 else { return .success(LayersRequest(from: nil, to: to, viaIngress: true)) }
        var notes: [String] = []
        let from: String
        switch source(data, words[0]) {
        case .failure(let e): return .failure(e)
        case .success(let (key, note)):
            from = key
            if let note { notes.append(note) }
        }
        let namespace = from.lastIndex(of: ".").map { String(from[from.index(after: $0)...]) } ?? ""
        switch destination(data, to, namespace: namespace) {
        case .failure(let e): return .failure(e)
        case .success(let (target, note)):
            if let note { notes.append(note) }
            // A gateway's clients are outside the mesh: its path starts there (as --via-ingress).
            var viaIngress = ingress
            if !ingress, let pod = data.cluster?.pods.first(where: { "\($0.metadata.name).\($0.metadata.namespace ?? "")" == from }), pod.meshMode == .gateway {
                viaIngress = true
                notes.append("\(pod.metadata.name) is a gateway: the path starts at a client outside the mesh (as --via-ingress)")
            }
            return .success(LayersRequest(from: from, to: target, viaIngress: viaIngress, notes: notes))
        }
    }

    /// `POD.NS`, `POD` (unique across namespaces) or a workload `NAME.NS` → `POD.NS`.
    static func source(_ data: SourceData, _ text: String) -> Result<(String, String?), Refusal> {
        guard let cluster = data.cluster else { return .success((text, nil)) }  // the runtime resolves it
        if text == "unknown" || text.hasPrefix("unknown.") {
            return .failure(Refusal(message: "layers: the edge's source workload is unknown (reported without workload labels): no pod to start from"))
        }
        let pods = cluster.pods.filter { $0.phase == "Running" && $0.podIP != nil }
        // istioctl's rule: the part after the last dot is the namespace.
        var name = text, ns: String?
        if let dot = text.lastIndex(of: ".") {
            name = String(text[..<dot])
            ns = String(text[text.index(after: dot)...])
        }
        let exact = pods.filter { $0.metadata.name == name && (ns == nil || $0.metadata.namespace == ns) }
        if exact.count == 1 { return .success(("\(name).\(exact[0].metadata.namespace ?? "")", nil)) }
        if exact.count > 1 {
            let where_ = exact.compactMap(\.metadata.namespace).sorted().joined(separator: ", ")
            return .failure(Refusal(message: "layers: pods named \(name) run in \(where_): give POD.NAMESPACE"))
        }
        let members = pods.filter { (ns == nil || $0.metadata.namespace == ns) && workloadName($0) == name }
            .sorted { ($0.metadata.namespace ?? "", $0.metadata.name) < ($1.metadata.namespace ?? "", $1.metadata.name) }
        if let first = members.first {
            let key = "\(first.metadata.name).\(first.metadata.namespace ?? "")"
            let note = members.count == 1 ? "workload \(text): its pod \(first.metadata.name)"
                : "workload \(text): pod \(first.metadata.name), one of its \(members.count) pods (the others take the same path)"
            return .success((key, note))
        }
        return .failure(Refusal(message: "layers: no running pod or workload \(name)\(ns.map { " in namespace \($0)" } ?? "")"))
    }

    /// `HOST:PORT` with a service name resolved to its FQDN; a service without a port (an
    /// edge's SERVICE) gets its first port, with a note saying so.
    static func destination(_ data: SourceData, _ text: String, namespace: String) -> Result<(String, String?), Refusal> {
        guard let cluster = data.cluster else { return .success((text, nil)) }
        var host = text, port: Int?
        if let colon = text.lastIndex(of: ":"), let p = Int(text[text.index(after: colon)...]) {
            host = String(text[..<colon])
            port = p
        }
        if host == "unknown" { return .failure(Refusal(message: "layers: the edge's destination service is unknown: no HOST:PORT to chain to")) }
        if let port, port <= 0 || port > 65535 { return .failure(Refusal(message: "layers: port \(port) is out of range")) }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if IPAddress.isLiteral(bare) {
            guard port != nil else { return .failure(Refusal(message: "layers: \(text): give IP:PORT")) }
            return .success((text, nil))
        }
        guard let svc = MeshPathSources.service(host, services: cluster.services, namespace: namespace) else {
            guard let port else { return .failure(Refusal(message: "layers: no service \(host) (from namespace \(namespace)); give HOST:PORT")) }
            return .success(("\(host):\(port)", "no service \(host) in the cluster (from namespace \(namespace)): the path shows where traffic for it goes"))
        }
        let fqdn = "\(svc.metadata.name).\(svc.metadata.namespace ?? namespace).svc.cluster.local"
        if let port { return .success(("\(fqdn):\(port)", nil)) }
        guard let first = svc.ports.first else { return .failure(Refusal(message: "layers: service \(fqdn) has no ports")) }
        let others = svc.ports.count > 1 ? " of \(svc.ports.map { String($0.port) }.joined(separator: ", "))" : ""
        return .success(("\(fqdn):\(first.port)", "the edge names no port: using \(svc.metadata.name)'s first port \(first.port)\(first.name.map { " (\($0))" } ?? "")\(others)"))
    }

    /// The workload a pod belongs to, as Istio names it in metrics: a ReplicaSet's
    /// Deployment (its name without the pod-template hash), else the owner, else the pod.
    static func workloadName(_ pod: KubePod) -> String {
        guard let owner = pod.metadata.owners.first, let slash = owner.firstIndex(of: "/") else { return pod.metadata.name }
        let kind = owner[..<slash], name = String(owner[owner.index(after: slash)...])
        guard kind == "ReplicaSet" else { return name }
        if let hash = pod.metadata.labels["pod-template-hash"], name.hasSuffix("-" + hash) { return String(name.dropLast(hash.count + 1)) }
        return name.lastIndex(of: "-").map { String(name[..<$0]) } ?? name
    }

    // MARK: The path

    /// The hop diagram and evidence of a chained path, with the request's notes and the
    /// problems met on the way (a proxy that did not answer) in the evidence pane.
    static func screen(_ request: LayersRequest, _ path: MeshPathSources.Result) -> Screen {
        let diagram = LayersDiagram(hops: path.hops)
        let title = "Layers \(path.from) → \(path.to)"
        var content = LayersScreen.content(diagram, title: title)
        if case .text(var t) = content {
            var side = t.side?.lines ?? ["EVIDENCE"]
            if !request.notes.isEmpty {
                side += ["", "CHOSEN"] + request.notes.map { "- \($0)" }
            }
            if !path.problems.isEmpty {
                side += ["", "PROBLEMS"] + path.problems.map { "- \($0)" }
            }
            t.side = TextPaneState(lines: side)
            content = .text(t)
        }
        let pod = path.from.split(separator: ".").first.map(String.init) ?? path.from
        var screen = Screen(crumb: "layers \(pod) → \(path.to)", content: content)
        screen.recompute = .computeLayers(request)
        return screen
    }
}

extension AppState {
    /// `.layersReady`: the path's screen on top, and a flash that says what is missing.
    mutating func showLayers(_ request: LayersRequest, _ path: MeshPathSources.Result) {
        push(LiveLayers.screen(request, path))
        func isUnknown(_ a: LayerAction) -> Bool { if case .unknown = a { true } else { false } }
        let unknown = path.hops.reduce(0) { n, hop in
            n + TrafficLayer.allCases.filter { isUnknown(hop.cell($0).downstream) || isUnknown(hop.cell($0).upstream) }.count
        }
        if let first = path.problems.first {
            let more = path.problems.count > 1 ? " (+\(path.problems.count - 1) more in the evidence pane)" : ""
            flash = Flash("path with \(path.hops.count) hops; \(first)\(more)", .warn, at: now)
        } else if unknown > 0 {
            flash = Flash("path with \(path.hops.count) hops; \(unknown) layer\(unknown == 1 ? "" : "s") unknown (see missing: in the evidence pane)", .warn, at: now)
        } else {
            flash = Flash("path with \(path.hops.count) hops from \(path.from) to \(path.to)", .info, at: now)
        }
    }
}
