/// What `proxy-config VIEW -o json|yaml` prints, as istioctl prints it: the value to write
/// and the JSON style of the istioctl code path that prints it.
///
/// ```swift
/// let out = ProxyConfigJSON.clusters(ClusterView.clusters(dump))
/// let text = out.json()            // 4-space JSON, camelCase, `@type` of each cluster dropped
/// ```
public struct ProxyConfigJSON: Sendable {
    public var node: JSONTree
    public var style: JSONWriter.Style

    public init(node: JSONTree, style: JSONWriter.Style) {
        self.node = node
        self.style = style
    }

    public func jsonBytes() -> [UInt8] { JSONWriter.bytes(node, style: style) }
    public func json() -> String { String(decoding: jsonBytes(), as: UTF8.self) }
    /// Streams the JSON text to `sink` in chunks (for large outputs).
    public func writeJSON(to sink: @escaping ([UInt8]) -> Void) { JSONWriter.write(node, style: style, to: sink) }

    /// YAML as istioctl makes it: its JSON converted by `sigs.k8s.io/yaml`, then `Fprintln`
    /// (so a blank line ends it).
    public func yaml() -> String {
        ProxyConfigJSON.yaml(fromJSON: jsonBytes())
    }

    /// Streams the YAML: a list is converted one element at a time (the same text, since
    /// top-level list items are independent), so a large view never sits in memory whole.
    public func writeYAML(to sink: (String) -> Void) {
        guard case .array(let items) = node, items.count > 1 else {
            sink(yaml())
            return
        }
        for item in items {
            guard let doc = try? JSONDocument(bytes: JSONWriter.bytes(.array([item]), style: style)) else { continue }
            sink(YAMLWriter.string(.json(doc.root)))
        }
        sink("\n")
    }

    static func yaml(fromJSON bytes: [UInt8]) -> String {
        // Our own output always parses; a failure here would be a writer bug.
        guard let doc = try? JSONDocument(bytes: bytes) else { return "" }
        return YAMLWriter.string(.json(doc.root)) + "\n"
    }

    public static func clusters(_ clusters: [EnvoyCluster]) -> ProxyConfigJSON {
        ProxyConfigJSON(node: .array(clusters.map { .json($0.json) }), style: .istioctlList)
    }

    public static func listeners(_ listeners: [EnvoyListener]) -> ProxyConfigJSON {
        ProxyConfigJSON(node: .array(listeners.map { .json($0.json) }), style: .istioctlList)
    }

    public static func routes(_ routes: [EnvoyRouteConfig]) -> ProxyConfigJSON {
        ProxyConfigJSON(node: .array(routes.map { .json($0.json) }), style: .istioctlList)
    }

    /// The cluster load assignments, with only the endpoints that passed the filter.
    public static func endpoints(_ assignments: [FilteredAssignment]) -> ProxyConfigJSON {
        let nodes = assignments.map { a -> JSONTree in
            let total = a.config.assignment.localities.reduce(0) { $0 + $1.endpoints.count }
            if total == a.endpointCount { return .json(a.config.json) }
            return filteredAssignment(a)
        }
        return ProxyConfigJSON(node: .array(nodes), style: .istioctlList)
    }

    /// Rebuilds a `ClusterLoadAssignment` with the filtered `lb_endpoints` lists.
    static func filteredAssignment(_ a: FilteredAssignment) -> JSONTree {
        var pairs: [(String, JSONTree)] = []
        for (k, v) in a.config.json.members where k != "@type" {
            let name = KeyStyle.protoJSON.convert(k)
            if EnvoyFoldedKey(k).folded == "endpoints" {
                let localities = a.localities.map { loc, eps -> JSONTree in
                    var lp: [(String, JSONTree)] = []
                    for (lk, lv) in loc.json.members {
                        let lname = KeyStyle.protoJSON.convert(lk)
                        if EnvoyFoldedKey(lk).folded == "lbendpoints" {
                            lp.append((lname, .array(eps.map { .json($0.json) })))
                        } else {
                            lp.append((lname, .json(lv)))
                        }
                    }
                    return .object(lp)
                }
                pairs.append((name, .array(localities)))
            } else {
                pairs.append((name, .json(v)))
            }
        }
        return .object(pairs)
    }

    /// The secrets section (istioctl prints the whole `SecretsConfigDump`).
    public static func secrets(_ section: JSONValue) -> ProxyConfigJSON {
        ProxyConfigJSON(node: .json(section), style: .jsonpb)
    }

    /// The bootstrap section (`BootstrapConfigDump`: `bootstrap` and `lastUpdated`).
    public static func bootstrap(_ section: JSONValue) -> ProxyConfigJSON {
        ProxyConfigJSON(node: .json(section), style: .jsonpb)
    }

    /// The ECDS filters in dump order. Envoy writes one `EcdsConfigDump` per extension
    /// type; istioctl merges them into one, and so do we.
    public static func ecds(_ dump: EnvoyConfigDump) -> ProxyConfigJSON {
        let filters = dump.extensionConfigs.map { JSONTree.json($0.entry) }
        return ProxyConfigJSON(node: filters.isEmpty ? .object([]) : .object([("ecdsFilters", .array(filters))]), style: .protojson)
    }

    /// `proxy-config all -o json`: istioctl echoes the dump it read. We do too, unless the
    /// dump holds key material Envoy did not redact; then it is re-rendered, redacted.
    public static func wholeDump(_ dump: EnvoyConfigDump) -> [UInt8] {
        if !EnvoyRedaction.hasUnredactedKeyMaterial(dump.document.root) { return dump.document.bytes + [0x0A] }
        return JSONWriter.bytes(.json(dump.document.root), style: .redactedDump) + [0x0A]
    }

    /// `proxy-config all -o yaml`: the dump (keys as Envoy spelled them) as YAML.
    public static func wholeDumpYAML(_ dump: EnvoyConfigDump) -> String {
        if !EnvoyRedaction.hasUnredactedKeyMaterial(dump.document.root) {
            return YAMLWriter.string(.json(dump.document.root)) + "\n"
        }
        return yaml(fromJSON: JSONWriter.bytes(.json(dump.document.root), style: .redactedDump))
    }
}
