import Foundation
import MeshModel

/// The faults the demo plants so that every runtime findings rule (docs/findings.md) has
/// something to find in `meshscope --demo check`. Each is a fact of the model, stated once
/// here and read by every generator, so the outputs agree with each other: a proxy whose
/// listeners were never sent has none in its config dump, a route to a missing cluster
/// fails its requests with 503 NC in the client's metrics, an expired certificate's
/// workload talks to no one.
///
/// They live in two namespaces of their own (`faults`, `faults-ambient`), one small workload
/// each, so bookinfo stays healthy. docs/demo.md lists them with the finding each raises.
///
/// ```swift
/// let demo = DemoMesh()
/// demo.proxyID(demo.faults.rejectedListener)   // "nack-v1-….faults"
/// ```
extension DemoMesh {
    public static let faultsNamespace = "faults"
    public static let faultsAmbientNamespace = "faults-ambient"
    /// The waypoint `faults-ambient` asks for (`istio.io/use-waypoint`), which does not exist.
    public static let missingWaypoint = "faults-waypoint"
    /// The Istio version of ``Faults/oldProxy``: two minors behind istiod.
    public static let oldProxyVersion = "1.22.3"

    /// Who has which fault: pod (`…` pods) or workload indexes.
    public struct Faults: Sendable {
        /// istiod is connected but has sent no listeners (LDS, and so RDS, NOT SENT).
        public var listenersNotSent = 0
        /// NACKed istiod's last LDS push: ERROR with ``DemoMesh/nackError`` in syncz, the same
        /// details on listener ``DemoMesh/rejectedListenerName`` (`error_state`) in its dump.
        public var rejectedListener = 0
        /// A sidecar no istiod lists (not in syncz or connections): no dynamic config at all.
        public var notConnected = 0
        /// Runs ``DemoMesh/oldProxyVersion`` (syncz, image, server_info, dump).
        public var oldProxy = 0
        /// Holds a cluster and a listener warming on an SDS secret that never comes.
        public var warming = 0
        /// The client (`shop`): its route for `inventory` names subset v2, which no
        /// DestinationRule defines (503 NC); `backend` refuses its connections (UF); it
        /// sends plaintext to `payments` (STRICT) through a DestinationRule with TLS
        /// disabled (UC); it trusts a different root than `ledger`.
        public var client = 0
        /// Workloads whose certificate expired, expires in four hours, is not yet valid.
        public var expiredCertificate = 0
        public var expiringCertificate = 0
        public var futureCertificate = 0
        /// The workload with a STRICT PeerAuthentication (`payments`).
        public var strictWorkload = 0
        /// The workload whose certificate another root CA signed (`ledger`).
        public var otherRootCA = 0
        /// An ambient pod no ztunnel lists (its CNI redirection was never set up).
        public var uncaptured = 0
        /// An ambient workload whose certificate ztunnel cannot get (state `Unavailable`).
        public var noZtunnelCertificate = 0
        /// The workload (`orders`) an AuthorizationPolicy ``DemoMesh/denyPolicyName`` selects:
        /// DENY for the client's DELETEs. Its sidecar's RBAC filter answers them 403.
        public var denyingWorkload = 0
    }

    /// The DENY AuthorizationPolicy of ``Faults/denyingWorkload``, in its namespace.
    public static let denyPolicyName = "deny-shop-delete"
    /// The method the policy denies: the client sends it for ``deniedPermille`` of its calls.
    public static let deniedMethod = "DELETE"
    public static let deniedPermille = 250
    /// The most access-log lines a second a demo proxy may be asked to write (`--demo-log-rate`).
    public static let maxLogLinesPerSecond = 10_000

    /// The RBAC policy name istiod generates for rule `rule` of an AuthorizationPolicy, which
    /// Envoy writes in `rbac_access_denied_matched_policy[…]`:
    /// `ns[faults]-policy[deny-shop-delete]-rule[0]`.
    public static func rbacPolicyID(namespace: String, name: String, rule: Int = 0) -> String {
        "ns[\(namespace)]-policy[\(name)]-rule[\(rule)]"
    }

    /// The response code details of a request the policy denied (Envoy's RBAC filter).
    public func deniedDetails(_ e: Edge) -> String? {
        e.deniedBy.map { "rbac_access_denied_matched_policy[" + DemoMesh.rbacPolicyID(namespace: workloads[e.destination].namespace, name: $0) + "]" }
    }

    /// The principal of the client whose requests the policy denies (the caller of the denying workload's denied edge).
    func deniedPrincipals(_ w: Int) -> [String] {
        edges.filter { $0.destination == w && $0.deniedBy != nil }.map { e in
            let src = workloads[e.source]
            return "\(trustDomain)/ns/\(src.namespace)/sa/\(src.serviceAccount)"
        }
    }

    /// What a workload's certificate is made like (``DemoMesh/certificateFault(namespace:serviceAccount:)``).
    public enum CertificateFault: Sendable, Equatable {
        case expired, expiresSoon, notYetValid, otherRoot

        /// Seconds from now the 24-hour leaf starts: healthy ones were issued an hour ago.
        public static func start(_ fault: CertificateFault?) -> TimeInterval {
            switch fault {
            case .expired: -3 * 86_400
            case .expiresSoon: -20 * 3_600  // four hours left: it missed its rotation at half life
            case .notYetValid: 2 * 3_600
            case .otherRoot, nil: -3_600
            }
        }
    }

    public static let nackError = "Error adding/updating listener(s) 0.0.0.0_9090: Didn't find a registered implementation for 'envoy.filters.http.demo_authz' with type URL: 'type.googleapis.com/udpa.type.v1.TypedStruct'"
    public static let rejectedListenerName = "0.0.0.0_9090"
    /// What ztunnel says of ``Faults/noZtunnelCertificate``'s identity.
    public static let ztunnelCertificateError = "Unavailable: signing gRPC error (PermissionDenied): SAN spiffe://cluster.local/ns/faults-ambient/sa/no-cert is not allowed for this ztunnel"
    static let warmingCluster = "outbound|443||api.partner.example.com"
    static let warmingListener = "0.0.0.0_8443"
    static let warmingSecret = "kubernetes://partner-client-cert"

    /// The fault of the certificate of identity `namespace/serviceAccount`, if any.
    public func certificateFault(namespace: String, serviceAccount: String) -> CertificateFault? {
        func named(_ w: Int) -> Bool { workloads[w].namespace == namespace && workloads[w].serviceAccount == serviceAccount }
        if named(faults.expiredCertificate) { return .expired }
        if named(faults.expiringCertificate) { return .expiresSoon }
        if named(faults.futureCertificate) { return .notYetValid }
        if named(faults.otherRootCA) { return .otherRoot }
        return nil
    }

    /// The Istio version a pod's proxy runs.
    public func proxyVersion(_ p: Int) -> String { p == faults.oldProxy ? DemoMesh.oldProxyVersion : istioVersion }

    /// Whether istiod lists the pod's proxy (its xDS connection is up).
    public func isConnectedToIstiod(_ p: Int) -> Bool { p != faults.notConnected }

    /// Whether ztunnel knows the pod (``ztunnelWorkloads()``).
    public func isCapturedByZtunnel(_ p: Int) -> Bool { p != faults.uncaptured }

    /// ztunnel's certificate state for an identity: `Available`, or the error it gives.
    public func ztunnelCertificateState(namespace: String, serviceAccount: String) -> String {
        let w = workloads[faults.noZtunnelCertificate]
        return w.namespace == namespace && w.serviceAccount == serviceAccount ? DemoMesh.ztunnelCertificateError : "Available"
    }

    /// The cluster a client's route names for a service whose edge has ``Edge/noCluster``:
    /// the subset the VirtualService asks for and no DestinationRule defines.
    public func missingCluster(service s: Int) -> String { "outbound|\(services[s].port)|v2|\(services[s].fqdn)" }

    /// The pod's Envoy config dump as its faults leave it: `dump` is the healthy one.
    func applyingFaults(pod p: Int, to dump: [UInt8]) -> [UInt8] {
        let faulty = [faults.notConnected, faults.listenersNotSent, faults.rejectedListener, faults.warming, faults.client]
        let denying = pods[p].workload == faults.denyingWorkload && pods[p].mode == .sidecar
        guard faulty.contains(p) || denying, var tree = try? JSONTree(json: dump), var configs = tree["configs"]?.arrayValue else { return dump }
        let updated = "2026-11-20T10:00:00.000Z"
        for i in configs.indices {
            let type = configs[i]["@type"]?.string ?? ""
            if p == faults.notConnected || (p == faults.listenersNotSent && (type.hasSuffix("ListenersConfigDump") || type.hasSuffix("RoutesConfigDump"))) {
                // Nothing came over xDS: only the bootstrap's static resources.
                for key in ["dynamic_active_clusters", "dynamic_warming_clusters", "dynamic_listeners", "dynamic_route_configs",
                            "dynamic_active_secrets", "dynamic_endpoint_configs"] {
                    configs[i][key] = nil
                }
            }
            if p == faults.rejectedListener, type.hasSuffix("ListenersConfigDump") {
                let failed: JSONTree = .object([
                    ("@type", "type.googleapis.com/envoy.config.listener.v3.Listener"), ("name", .string(DemoMesh.rejectedListenerName)),
                    ("address", .object([("socket_address", .object([("address", "0.0.0.0"), ("port_value", .int(9090))]))])),
                ])
                append(&configs[i], "dynamic_listeners", .object([
                    ("name", .string(DemoMesh.rejectedListenerName)),
                    ("error_state", .object([("failed_configuration", failed), ("last_update_attempt", .string(updated)),
                                             ("details", .string(DemoMesh.nackError))])),
                ]))
            }
            if p == faults.warming, type.hasSuffix("ClustersConfigDump") {
                append(&configs[i], "dynamic_warming_clusters", .object([
                    ("version_info", "2026-11-20T10:00:00Z/1"),
                    ("cluster", .object([
                        ("@type", "type.googleapis.com/envoy.config.cluster.v3.Cluster"), ("name", .string(DemoMesh.warmingCluster)),
                        ("type", "STRICT_DNS"), ("connect_timeout", "10s"),
                        ("transport_socket", sdsSocket("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")),
                    ])),
                    ("last_updated", .string(updated)),
                ]))
            }
            if p == faults.warming, type.hasSuffix("ListenersConfigDump") {
                append(&configs[i], "dynamic_listeners", .object([
                    ("name", .string(DemoMesh.warmingListener)),
                    ("warming_state", .object([
                        ("version_info", "2026-11-20T10:00:00Z/1"),
                        ("listener", .object([
                            ("@type", "type.googleapis.com/envoy.config.listener.v3.Listener"), ("name", .string(DemoMesh.warmingListener)),
                            ("address", .object([("socket_address", .object([("address", "0.0.0.0"), ("port_value", .int(8443))]))])),
                            ("filter_chains", .array([.object([("transport_socket", sdsSocket("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"))])])),
                        ])),
                        ("last_updated", .string(updated)),
                    ])),
                ]))
            }
            if denying, type.hasSuffix("ListenersConfigDump") {
                configs[i] = addingInboundHTTPFilter(configs[i], rbacFilter(workload: pods[p].workload))
            }
            if p == faults.client, type.hasSuffix("RoutesConfigDump") {
                var renames: [String: String] = [:]
                for e in outbound(pods[p].workload) where edges[e].noCluster {
                    let svc = services[edges[e].service]
                    renames["outbound|\(svc.port)||\(svc.fqdn)"] = missingCluster(service: edges[e].service)
                }
                configs[i] = renamingRouteClusters(configs[i], renames)
            }
        }
        tree["configs"] = .array(configs)
        return JSONWriter.bytes(tree, indent: 1)
    }

    /// The `envoy.filters.http.rbac` filter istiod generates from the DENY AuthorizationPolicy
    /// ``denyPolicyName``: one policy per rule, named `ns[NS]-policy[NAME]-rule[N]`, its
    /// `to.operation.methods` as `:method` header permissions and `from.source.principals` as
    /// authenticated SPIFFE principals (proto JSON, as `/config_dump` prints it).
    func rbacFilter(workload w: Int) -> JSONTree {
        let method: JSONTree = .object([("header", .object([("name", ":method"), ("string_match", .object([("exact", .string(DemoMesh.deniedMethod))]))]))])
        let principals = deniedPrincipals(w).map { p -> JSONTree in
            .object([("authenticated", .object([("principal_name", .object([("exact", .string("spiffe://" + p))]))]))])
        }
        let policy: JSONTree = .object([
            ("permissions", .array([.object([("and_rules", .object([("rules", .array([.object([("or_rules", .object([("rules", .array([method]))]))])]))]))])])),
            ("principals", .array([.object([("and_ids", .object([("ids", .array([.object([("or_ids", .object([("ids", .array(principals))]))])]))]))])])),
        ])
        return .object([
            ("name", "envoy.filters.http.rbac"),
            ("typed_config", .object([
                ("@type", "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"),
                ("rules", .object([
                    ("action", "DENY"),
                    ("policies", .object([(DemoMesh.rbacPolicyID(namespace: workloads[w].namespace, name: DemoMesh.denyPolicyName), policy)])),
                ])),
                ("shadow_rules_stat_prefix", "istio_dry_run_allow_"),
            ])),
        ])
    }

    /// `filter` added after `istio.metadata_exchange` to every inbound HTTP connection
    /// manager (`stat_prefix` `inbound_…`) in the tree, where istiod puts authorization.
    private func addingInboundHTTPFilter(_ node: JSONTree, _ filter: JSONTree) -> JSONTree {
        switch node {
        case .array(let items): return .array(items.map { addingInboundHTTPFilter($0, filter) })
        case .object(let o):
            var out = JSONObject()
            let inbound = o["stat_prefix"]?.string?.hasPrefix("inbound_") == true
            for (k, v) in o {
                if inbound, k == "http_filters", var filters = v.arrayValue {
                    let at = (filters.firstIndex { $0["name"]?.string == "istio.metadata_exchange" }).map { $0 + 1 } ?? 0
                    filters.insert(filter, at: at)
                    out[k] = .array(filters)
                } else {
                    out[k] = addingInboundHTTPFilter(v, filter)
                }
            }
            return .object(out)
        case .json(let v): return addingInboundHTTPFilter(JSONTree(v), filter)
        default: return node
        }
    }

    private func append(_ section: inout JSONTree, _ key: String, _ item: JSONTree) {
        section[key] = .array((section[key]?.arrayValue ?? []) + [item])
    }

    /// A TLS transport socket waiting on ``warmingSecret`` over SDS.
    private func sdsSocket(_ type: String) -> JSONTree {
        .object([("name", "envoy.transport_sockets.tls"), ("typed_config", .object([
            ("@type", .string("type.googleapis.com/" + type)),
            ("common_tls_context", .object([("tls_certificate_sds_secret_configs", .array([.object([
                ("name", .string(DemoMesh.warmingSecret)),
                ("sds_config", .object([("ads", .object([])), ("resource_api_version", "V3")])),
            ])]))])),
        ]))])
    }

    /// Every `route.cluster` in `renames` replaced by its new name, anywhere in the tree.
    private func renamingRouteClusters(_ node: JSONTree, _ renames: [String: String]) -> JSONTree {
        switch node {
        case .array(let items): return .array(items.map { renamingRouteClusters($0, renames) })
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o {
                if k == "route", let c = v["cluster"]?.string, let to = renames[c] {
                    var r = v
                    r["cluster"] = .string(to)
                    out[k] = r
                } else {
                    out[k] = renamingRouteClusters(v, renames)
                }
            }
            return .object(out)
        case .json(let v): return renamingRouteClusters(JSONTree(v), renames)
        default: return node
        }
    }
}
