import Foundation

/// A part of the mesh a rule reads. A rule whose inputs the source lacks (a `--file` dump has
/// no Kubernetes objects; a namespace-scoped user cannot read istiod) is reported as not
/// evaluated, never as passed.
public enum FindingInput: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Kubernetes objects: namespaces, pods, services, endpoint slices, workloads.
    case kubeObjects = "kubernetes objects"
    /// Istio's configuration objects (VirtualService, DestinationRule, Gateway, …).
    case istioConfig = "istio config"
    /// istiod's per-proxy sync state (`/debug/syncz` or CSDS).
    case syncStatus = "istiod sync state"
    /// Envoy config dumps.
    case configDumps = "config dumps"
    /// Envoy `/clusters` (host health, outlier ejection).
    case upstreams = "/clusters"
    /// Envoy `/stats` read twice (counter rates).
    case statsRates = "stats rates"
    /// Traffic edges (from metrics).
    case edges = "traffic edges"
    /// Proxy certificates (`/certs`, SDS secrets in the dump, ztunnel's certificates).
    case certificates = "certificates"
    /// ztunnel state (`/config_dump`).
    case ztunnel = "ztunnel state"

    public static func < (a: FindingInput, b: FindingInput) -> Bool { a.rawValue < b.rawValue }
}

/// A check: a small value (code, severity, title, what it reads) and a pure function from
/// the mesh's facts to findings.
///
/// ```swift
/// let rule = FindingRule(code: "MS0101", severity: .error, title: "Proxy config is stale",
///                        reads: [.syncStatus]) { facts, options in … }
/// ```
public struct FindingRule: Sendable {
    public typealias Evaluate = @Sendable (MeshFacts, FindingOptions) throws -> [Finding]

    public var code: String
    public var istioCode: String?
    public var severity: FindingSeverity
    public var title: String
    public var reads: Set<FindingInput>
    public var evaluate: Evaluate

    public init(code: String, istioCode: String? = nil, severity: FindingSeverity, title: String,
                reads: Set<FindingInput>, evaluate: @escaping Evaluate) {
        self.code = code
        self.istioCode = istioCode
        self.severity = severity
        self.title = title
        self.reads = reads
        self.evaluate = evaluate
    }

    /// A finding of this rule, with its code, Istio code, severity and title filled in.
    public func finding(_ objects: [FindingObject], _ message: String, evidence: [FindingEvidence] = [],
                        link: FindingLink? = nil, severity: FindingSeverity? = nil) -> Finding {
        Finding(code: code, istioCode: istioCode, severity: severity ?? self.severity, title: title,
                objects: objects, message: message, evidence: evidence, link: link)
    }
}
