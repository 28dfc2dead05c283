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
            if sensitive { return .redacted(DiffDigest.of(v.rawBytes)) }
            let s = v.string ?? ""
            if !includeNoise, rules == .envoy, key == "@type" || key == "type_url" { return .string(DiffTypeURL.normalize(s)) }
            return .string(s)
        case .array:
            let items = v.elements.map { convert($0, key: key, parentKey: parentKey, opaque: opaque, sensitive: sensitive, depth: depth + 1) }
            guard !includeNoise, !opaque, let key, let identity = orderFree(key, parentKey: parentKey) else {
                return .array(items, ids: nil)
            }
            return DiffNormalizer.sorted(items, identity: identity)
        case .object:
            var members: [DiffMember] = []
            for (rawKey, child) in v.members {
                let k = (opaque || includeNoise) ? rawKey : respell(rawKey, in: key)
                if !includeNoise && !opaque && isNoise(k, parentKey: key, depth: depth) { continue }
                let childSensitive = sensitive || DiffNormalizer.isSensitive(rawKey)
                    || (depth == 0 && sensitiveTopLevel.contains(rawKey))
                let childOpaque = opaque || isOpaque(k, parentKey: key)
                members.append(DiffMember(k, convert(child, key: k, parentKey: key, opaque: childOpaque, sensitive: childSensitive, depth: depth + 1)))
            }
            members.sort { $0.key < $1.key }
            return .object(members)
        }
    }

    /// Fields holding private keys, passwords and the like (the fields Envoy itself redacts).
    static let sensitiveFields: Set<String> = ["privatekey", "password", "pkcs12", "sessionticketkeys", "genericsecret", "token"]

    /// Folding every key of a 100 MB dump is costly; only keys that start like a sensitive
    /// field (p, s, g, t) and are short enough are folded and looked up.
    static func isSensitive(_ key: String) -> Bool {
        guard let first = key.utf8.first, key.utf8.count <= 20 else { return false }
        switch first | 0x20 {
        case 0x70, 0x73, 0x67, 0x74: return sensitiveFields.contains(EnvoyFoldedKey(key).folded)
        default: return false
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
        /// An Envoy socket address: `ip:port`.
        case endpointAddress
        /// Envoy's locality and priority.
        case locality
        /// By content (strings, numbers, unnamed objects).
        case content
    }

    /// Lists whose order has no meaning, by field name (and parent where the name is ambiguous).
    /// Lists not named here keep their order: routes, http_filters, network filters, listener
    /// filters and transport_socket_matches are all first-match or run in order.
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
            case "clusters": return parentKey == "weighted_clusters" ? .field("name") : nil
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
            guard let v = node[f] else { return nil }
            switch v {
            case .string(let s): return "\(f)=\(s)"
            case .number(let n): return "\(f)=\(n)"
            default: return nil
            }
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

/// FNV-1a over the bytes of a secret value: enough to tell "changed" from "same",
/// never printed, and not reversible to the key.
enum DiffDigest {
    static func of(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
