import Foundation

/// How bad a finding is. Ordered: `error` > `warning` > `info`, so `--fail-on` and sorting
/// compare severities directly.
public enum FindingSeverity: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case info, warning, error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: FindingSeverity, b: FindingSeverity) -> Bool { a.rank < b.rank }
    public var description: String { rawValue }
}

/// An object a finding is about, named as users name it: `Pod bookinfo/reviews-v1-abc`,
/// `Proxy reviews-v1-abc.bookinfo`, `Edge productpage → reviews`, `VirtualService bookinfo/reviews`.
public struct FindingObject: Sendable, Hashable, CustomStringConvertible {
    /// The Kubernetes kind, or one of meshscope's own: `Proxy`, `Edge`, `Cluster`, `Listener`,
    /// `Route`, `Certificate`, `Workload`.
    public var kind: String
    public var namespace: String?
    public var name: String
    /// Where the object came from when it was read from a file (`gateway.yaml:12`).
    public var location: String?

    public init(kind: String, namespace: String? = nil, name: String, location: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.location = location
    }

    /// `Kind namespace/name` (or `Kind name` for cluster-scoped objects).
    public var description: String {
        guard let namespace, !namespace.isEmpty else { return "\(kind) \(name)" }
        return "\(kind) \(namespace)/\(name)"
    }
}

/// One numbered piece of evidence: what was read and what it said. `source` names where
/// (`istiod /debug/syncz`, `config_dump dynamic_warming_clusters[0]`, `/clusters`,
/// `/stats cluster.outbound|9080||ratings…upstream_rq_5xx`, `VirtualService bookinfo/reviews
/// spec.http[0].route[0].destination.subset`); `text` is the value or line that shows it.
public struct FindingEvidence: Sendable, Hashable {
    public var source: String
    public var text: String

    public init(_ source: String, _ text: String) {
        self.source = source
        self.text = text
    }
}

/// Where in the TUI the evidence is: a view (as its `:` command names it) and the key of the
/// row to select there, so Enter on a finding opens the place that shows the problem.
public struct FindingLink: Sendable, Hashable {
    public var view: String
    public var row: String?
    /// A tab inside the row's detail (a proxy's `clusters`, `endpoints`, `secrets`), if any.
    public var tab: String?
    /// For a finding about failing requests: the flows that show them (`:flows --from shop-v1.faults
    /// --to orders-v1.faults --status 5xx,403,0`), which the TUI opens on `l`.
    public var flows: FlowQuery?

    public init(view: String, row: String? = nil, tab: String? = nil, flows: FlowQuery? = nil) {
        self.view = view
        self.row = row
        self.tab = tab
        self.flows = flows
    }
}

/// What a rule found: one problem, the objects it is about, why we believe it (numbered
/// evidence) and where to look.
public struct Finding: Sendable, Hashable {
    /// meshscope's stable code (`MS0101`); `MS0000` is "rule could not be evaluated".
    public var code: String
    /// The `istioctl analyze` code of the same check, when there is one (`IST0101`).
    public var istioCode: String?
    public var severity: FindingSeverity
    /// The rule's title (`Proxy config is stale`).
    public var title: String
    public var objects: [FindingObject]
    /// One line saying what is wrong, with the names and values that matter.
    public var message: String
    public var evidence: [FindingEvidence]
    public var link: FindingLink?
    /// Ids (``id``) of findings about the same objects from other rules (a missing subset and
    /// the NR responses on that route), set by the engine.
    public var related: [String] = []
    /// What else the finding concerns beyond ``objects``, as keys the engine groups on
    /// (not part of ``id``): the destination a config mistake or a runtime failure is about,
    /// so `MS1101 VirtualService faults/inventory` (route to missing subset v2), `MS0204`
    /// (a proxy's route to the missing `outbound|…|v2|inventory…` cluster, 503 NC) and
    /// `MS0404 shop → inventory` (failing requests) all carry `Service faults/inventory`
    /// and are linked though they name different objects. See ``Finding/destinationKey(host:)``.
    public var joins: [String] = []

    public init(code: String, istioCode: String? = nil, severity: FindingSeverity, title: String,
                objects: [FindingObject], message: String, evidence: [FindingEvidence] = [], link: FindingLink? = nil) {
        self.code = code
        self.istioCode = istioCode
        self.severity = severity
        self.title = title
        self.objects = objects
        self.message = message
        self.evidence = evidence
        self.link = link
    }

    /// Stable identity across refreshes: the code and the objects it names.
    public var id: String { ([code] + objects.map(\.description)).joined(separator: " ") }
}

extension Finding {
    /// The join key of a destination host: `Service ns/name` for a Kubernetes Service
    /// (`inventory.faults.svc.cluster.local`, whatever the cluster domain), else `host NAME`
    /// (a ServiceEntry's `api.example.com`); nil for an empty or `unknown` host.
    ///
    /// ```swift
    /// Finding.destinationKey(host: "inventory.faults.svc.cluster.local")   // "Service faults/inventory"
    /// ```
    public static func destinationKey(host: String) -> String? {
        guard !host.isEmpty, host != "unknown" else { return nil }
        if let s = OutboundCluster.service(host: host) { return FindingObject(kind: "Service", namespace: s.namespace, name: s.name).description }
        return "host " + host
    }

    /// The join key of an Envoy cluster name: the host of `outbound|9080|v2|inventory.faults.svc.cluster.local`
    /// (nil for inbound, passthrough and other clusters).
    public static func destinationKey(cluster: String) -> String? {
        OutboundCluster(cluster).flatMap { destinationKey(host: $0.host) }
    }

    /// The finding with `key` added to ``joins`` (nil keys add nothing).
    func joining(_ key: String?) -> Finding {
        guard let key, !joins.contains(key) else { return self }
        var f = self
        f.joins.append(key)
        return f
    }
}
