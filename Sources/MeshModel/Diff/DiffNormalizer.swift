/// Turns a resource's JSON into a ``DiffNode`` with the noise taken out.
///
/// What counts as noise depends on where the JSON comes from (``Rules``); see
/// docs/diff.md for the list and the reasons. Key material is always redacted, noise or not.
///
/// ```swift
/// let a = DiffNormalizer(rules: .envoy).node(clusterA.json)
/// let b = DiffNormalizer(rules: .envoy).node(clusterB.json)
/// a == b   // ignores key order, camelCase vs snake_case, v2 vs v3 type URLs, domain order…
/// ```
public struct DiffNormalizer: Sendable {
    public enum Rules: Sendable, Equatable {
        /// Envoy xDS resources: proto field names respelled in snake_case, v2/v2alpha type
        /// URLs mapped to v3, order-free lists sorted.
        case envoy
        /// ztunnel's serde JSON: keys as they are, order-free lists sorted.
        case ztunnel
        /// Kubernetes objects: server-managed metadata dropped, `status` dropped when asked.
        case kubernetes(ignoreStatus: Bool)
        /// Keys and order as they are; only key material redacted.
        case plain
    }

    public var rules: Rules
    /// When true nothing is treated as noise (only key material is still redacted).
    public var includeNoise: Bool

    /// Top-level members whose whole value is secret (a Kubernetes Secret's `data`).
    public var sensitiveTopLevel: Set<String> = []

    public init(rules: Rules, includeNoise: Bool = false) {
        self.rules = rules
        self.includeNoise = includeNoise
    }

    public func node(_ v: JSONValue) -> DiffNode {
        convert(v, key: nil, parentKey: nil, opaque: false, sensitive: false, depth: 0)
    }

    // MARK: Conversion

    private func convert(_ v: JSONValue, key: String?, parentKey: String?, opaque: Bool, sensitive: Bool, depth: Int) -> DiffNode {
        switch v.kind {
        case .null: return .null
        case .bool: return sensitive ? .redacted(DiffDigest.of(v.rawBytes)) : .bool(v.bool ?? false)
        case .number: return sensitive ? .redacted(DiffDigest.of(v.rawBytes)) : .number(v.rawText)
        case .string:
            if sensitive || SensitiveFields.holdsPrivateKey(v.rawBytes) { return .redacted(DiffDigest.of(v.rawBytes)) }
            let s = v.string ?? ""
            if !includeNoise, rules == .envoy, key == "@type" || key == "type_url" { return .string(DiffTypeURL.normalize(s)) }
            return .string(s)
        case .array:
            let items = v.elements.map { convert($0, key: key, parentKey: parentKey, opaque: opaque, sensitive: sensitive, depth: depth + 1) }
            guard !includeNoise, !opaque, let key else { return .array(items, ids: nil) }
            if let identity = orderFree(key, parentKey: parentKey) { return DiffNormalizer.sorted(items, identity: identity) }
            if let identity = orderedIdentity(key, parentKey: parentKey) { return DiffNormalizer.keyed(items, identity: identity) }
            return .array(items, ids: nil)
        case .object:
            var members: [DiffMember] = []
            // A container env var named like a credential (`DB_PASSWORD`): its value is secret.
            let credentialEnv = key == "env" && rules != .envoy && rules != .ztunnel
                && (v.member(exactly: "name")?.string).map(SensitiveFields.isCredentialName) == true
            for (rawKey, child) in v.members {
                let k = (opaque || includeNoise) ? rawKey : respell(rawKey, in: key)
                if !includeNoise && !opaque && isNoise(k, parentKey: key, depth: depth) { continue }
                let childSensitive = sensitive || SensitiveFields.isSensitive(key: rawKey)
                    || (depth == 0 && sensitiveTopLevel.contains(rawKey)) || (credentialEnv && rawKey == "value")
                let childOpaque = opaque || isOpaque(k, parentKey: key)
                members.append(DiffMember(k, convert(child, key: k, parentKey: key, opaque: childOpaque, sensitive: childSensitive, depth: depth + 1)))
            }
            members.sort { $0.key < $1.key }
            return .object(members)
        }
    }

    /// camelCase proto field names to snake_case, for Envoy; other sources keep their spelling.
    private func respell(_ key: String, in parent: String?) -> String {
        // Older ztunnel printed a waypoint's HBONE port as `port`; current ztunnel says `hboneMtlsPort`.
        if rules == .ztunnel, key == "port", parent == "waypoint" || parent == "networkGateway" { return "hboneMtlsPort" }
        guard rules == .envoy else { return key }
        var hasUpper = false
        for u in key.utf8 {
            if u >= 0x41 && u <= 0x5A { hasUpper = true; continue }
            if !((u >= 0x61 && u <= 0x7A) || (u >= 0x30 && u <= 0x39)) { return key }
        }
        guard hasUpper, let first = key.utf8.first, first >= 0x61 && first <= 0x7A else { return key }
        var out = ""
        out.reserveCapacity(key.utf8.count + 4)
        for ch in key.unicodeScalars {
            if ch.value >= 0x41 && ch.value <= 0x5A {
                out += "_"
                out.unicodeScalars.append(Unicode.Scalar(ch.value | 0x20)!)
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Members whose keys are data (maps, Structs), not field names: never respelled or pruned.
    private func isOpaque(_ key: String, parentKey: String?) -> Bool {
        switch rules {
        case .envoy:
            return ["filter_metadata", "typed_filter_metadata", "labels", "annotations", "key_values", "fields"].contains(key)
                || (key == "metadata" && parentKey == "node")
                || (key == "value" && parentKey == "typed_config")  // a TypedStruct's Struct
                // A transport socket match is a Struct of metadata keys (`tlsMode: istio`), not proto fields.
                || (key == "match" && parentKey == "transport_socket_matches")
        case .kubernetes:
            return ["labels", "annotations", "data", "stringData", "selector", "matchLabels", "nodeSelector"].contains(key)
        case .ztunnel, .plain:
            return false
        }
    }

    /// Noise that is dropped unless `includeNoise`.
    private func isNoise(_ key: String, parentKey: String?, depth: Int) -> Bool {
        switch rules {
        case .envoy:
            // Wrapper fields: present when a whole entry is diffed.
            return key == "version_info" || key == "last_updated" || key == "nonce"
                || key == "last_update_attempt" || key == "client_status"
        case .kubernetes(let ignoreStatus):
            if depth == 0 && key == "status" { return ignoreStatus }
            if parentKey == "metadata" {
                return ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"].contains(key)
            }
            return false
        case .ztunnel:
            return false
        case .plain:
            return false
        }
    }

    // MARK: Order-free lists

    /// How the elements of an order-free list are told apart.
    enum Identity {
        /// By a member (`name`), else by content.
        case field(String)
        /// By several members together (`category` and `name` of a node extension).
        case fields([String])
        /// An Envoy socket address: `ip:port`.
        case endpointAddress
        /// Envoy's locality and priority.
        case locality
        /// By content (strings, numbers, unnamed objects).
        case content
    }

    /// Lists whose order has no meaning, by field name (and parent where the name is ambiguous).
    /// Lists not named here keep their order: routes, http_filters, network filters, listener
    /// filters and transport_socket_matches are all first-match or run in order (their
    /// elements are still matched by name: ``orderedIdentity(_:parentKey:)``).
    func orderFree(_ key: String, parentKey: String?) -> Identity? {
        switch rules {
        case .envoy:
            switch key {
            // Envoy picks the most specific filter chain match; the list order is irrelevant.
            case "filter_chains": return .field("name")
            // Virtual hosts are selected by domain, most specific first, not by position.
            case "virtual_hosts": return .field("name")
            case "domains", "server_names", "application_protocols", "prefix_ranges", "source_prefix_ranges",
                 "direct_source_prefix_ranges", "source_ports", "match_subject_alt_names", "subject_alt_names",
                 "verify_subject_alt_name", "retriable_status_codes", "services":
                return .content
            case "lb_endpoints": return .endpointAddress
            case "endpoints": return parentKey == nil || parentKey == "load_assignment" ? .locality : nil
            // Route header matchers are ANDed; circuit breaker thresholds are per priority.
            case "headers": return parentKey == "match" ? .field("name") : nil
            case "thresholds": return .field("priority")
            case "trust_domains": return .field("name")
            case "clusters": return parentKey == "weighted_clusters" || parentKey == "static_resources" ? .field("name") : nil
            // The extensions an Envoy build has (node metadata), and the type URLs each accepts: sets.
            case "extensions": return parentKey == "node" ? .fields(["category", "name"]) : nil
            case "type_urls": return parentKey == "extensions" ? .content : nil
            // Bootstrap static resources are looked up by name, like their dynamic counterparts.
            case "listeners", "secrets": return parentKey == "static_resources" ? .field("name") : nil
            default: return nil
            }
        case .ztunnel:
            switch key {
            case "workloadIps", "workload_ips", "vips", "subjectAltNames", "subject_alt_names", "authorizationPolicies",
                 "authorization_policies", "services", "rules", "addresses":
                return .content
            default: return nil
            }
        case .kubernetes:
            switch key {
            case "finalizers", "ownerReferences": return key == "ownerReferences" ? .field("uid") : .content
            case "env", "containers", "initContainers", "volumes", "volumeMounts", "ports":
                return .field("name")
            default: return nil
            }
        case .plain:
            return nil
        }
    }

    /// Lists whose order matters (a filter chain runs in order, the first matching route
    /// wins) but whose elements have an identity: kept in order, and matched by identity so
    /// an inserted filter is one added element and a reorder reads as a move.
    func orderedIdentity(_ key: String, parentKey: String?) -> Identity? {
        guard rules == .envoy else { return nil }
        switch key {
        case "http_filters", "filters", "listener_filters", "transport_socket_matches", "routes", "access_log",
             "tls_certificate_sds_secret_configs", "retry_host_predicate", "upstream_http_filters":
            return .field("name")
        case "upgrade_configs": return .field("upgrade_type")
        case "stats_tags": return .field("tag_name")
        case "custom_tags": return .field("tag")
        default: return nil
        }
    }

    /// Order kept; identities set only when every element has one and none repeats
    /// (otherwise elements are matched by position, as for lists without identity).
    static func keyed(_ items: [DiffNode], identity: Identity) -> DiffNode {
        var ids: [String] = []
        ids.reserveCapacity(items.count)
        var seen = Set<String>()
        for item in items {
            guard let id = DiffNormalizer.id(item, identity), seen.insert(id).inserted else { return .array(items, ids: nil) }
            ids.append(id)
        }
        return .array(items, ids: ids)
    }

    static func sorted(_ items: [DiffNode], identity: Identity) -> DiffNode {
        var keyed: [(id: String?, sortKey: String, node: DiffNode)] = items.map { node in
            let id = DiffNormalizer.id(node, identity)
            return (id, id ?? node.canonicalText, node)
        }
        keyed.sort { $0.sortKey < $1.sortKey }
        var ids: [String] = keyed.map { $0.id ?? "" }
        // Elements without an identity (or with a repeated one) are named by position.
        if keyed.contains(where: { $0.id == nil }) || Set(ids).count != ids.count {
            ids = keyed.indices.map(String.init)
        }
        return .array(keyed.map(\.node), ids: ids)
    }

    static func id(_ node: DiffNode, _ identity: Identity) -> String? {
        switch identity {
        case .content:
            switch node {
            case .string(let s): return s
            case .number(let n): return n
            default: return nil
            }
        case .field(let f):
            return member(node, f)
        case .fields(let fs):
            var parts: [String] = []
            for f in fs {
                guard let part = member(node, f) else { return nil }
                parts.append(part)
            }
            return parts.joined(separator: ",")
        case .endpointAddress:
            guard case .object = node, let sa = node["endpoint"]?["address"]?["socket_address"] else {
                if case .string(let p)? = node["endpoint"]?["address"]?["pipe"]?["path"] { return "address=\(p)" }
                return nil
            }
            var port = ""
            if case .number(let n)? = sa["port_value"] { port = n }
            guard case .string(let ip)? = sa["address"] else { return nil }
            return "address=\(ip):\(port)"
        case .locality:
            guard case .object = node else { return nil }
            var parts: [String] = []
            for f in ["region", "zone", "sub_zone"] {
                if case .string(let s)? = node["locality"]?[f] { parts.append(s) } else { parts.append("") }
            }
            var priority = "0"
            if case .number(let n)? = node["priority"] { priority = n }
            return "locality=\(parts.joined(separator: "/"))/p\(priority)"
        }
    }
}

extension DiffNormalizer {
    /// `field=value` of a scalar member, the identity's text in paths (`[name=default]`).
    static func member(_ node: DiffNode, _ f: String) -> String? {
        switch node[f] {
        case .string(let s)?: return "\(f)=\(s)"
        case .number(let n)?: return "\(f)=\(n)"
        default: return nil
        }
    }
}

/// FNV-1a over the bytes of a secret value: enough to tell "changed" from "same",
/// never printed, and not reversible to the key.
enum DiffDigest {
    static func of(_ bytes: ArraySlice<UInt8>) -> UInt64 { FNV1a.hash(bytes) }
}
