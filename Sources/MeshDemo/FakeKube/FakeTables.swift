import Foundation
import MeshModel

/// The API server's `Table` rendering (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
/// which `kubectl get` and `meshscope get` print for kinds they have no printer of their own for.
///
/// Columns and cells follow the real server: its built-in printers for the core and apps
/// kinds the fake holds (rendered as the server renders them, with every priority-1 column;
/// the client drops those unless `-o wide`), a CRD's `additionalPrinterColumns` (Name, then
/// the CRD's columns, then Age; Name and Age alone for a CRD without any), and for anything
/// else the generic convertor's Name and Created At.
enum FakeTables {
    /// What the Accept header asks for.
    enum Negotiated: Equatable {
        case json
        /// `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`.
        case table(apiVersion: String)
        case notAcceptable
    }

    /// The first media range the fake can serve, as the server picks one: a `Table` of a
    /// version it knows, else plain JSON; `as=` forms it does not serve are skipped.
    static func negotiate(_ accept: String?) -> Negotiated {
        guard let accept, !accept.isEmpty else { return .json }
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let type = parts.first ?? ""
            guard type == "application/json" || type == "*/*" || type == "application/*" else { continue }
            var params: [String: String] = [:]
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { params[kv[0]] = kv[1] }
            }
            guard let kind = params["as"] else { return .json }
            if kind == "Table", params["g"] == "meta.k8s.io", let v = params["v"], v == "v1" || v == "v1beta1" {
                return .table(apiVersion: "meta.k8s.io/" + v)
            }
        }
        return .notAcceptable
    }

    struct Column {
        var name: String
        var type = "string"
        var format = ""
        var priority = 0
        var description = ""

        var tree: JSONTree {
            .object([("name", .string(name)), ("type", .string(type)), ("format", .string(format)),
                     ("description", .string(description)), ("priority", .number(String(priority)))])
        }
    }

    static let name = Column(name: "Name", format: "name", description: "Name must be unique within a namespace.")
    static let age = Column(name: "Age", description: "CreationTimestamp is a timestamp representing the server time when this object was created.")
    static let containers = Column(name: "Containers", priority: 1, description: "Names of each container in the template.")
    static let images = Column(name: "Images", priority: 1, description: "Images referenced by each container in the template.")
    static let selector = Column(name: "Selector", priority: 1, description: "Label selector for pods.")

    static func columns(_ r: APIResource) -> [Column] {
        switch (r.group, r.kind) {
        case ("", "Namespace"): return [name, Column(name: "Status", description: "The status of the namespace"), age]
        case ("", "Pod"):
            return [name, Column(name: "Ready"), Column(name: "Status"), Column(name: "Restarts"), age, Column(name: "IP", priority: 1),
                    Column(name: "Node", priority: 1), Column(name: "Nominated Node", priority: 1), Column(name: "Readiness Gates", priority: 1)]
        case ("", "Service"):
            return [name, Column(name: "Type"), Column(name: "Cluster-IP"), Column(name: "External-IP"), Column(name: "Port(s)"), age, selector]
        case ("", "ConfigMap"): return [name, Column(name: "Data"), age]
        case ("", "ServiceAccount"): return [name, Column(name: "Secrets"), age]
        case ("", "Node"):
            return [name, Column(name: "Status"), Column(name: "Roles"), age, Column(name: "Version"), Column(name: "Internal-IP", priority: 1),
                    Column(name: "External-IP", priority: 1), Column(name: "OS-Image", priority: 1), Column(name: "Kernel-Version", priority: 1),
                    Column(name: "Container-Runtime", priority: 1)]
        case ("apps", "Deployment"):
            return [name, Column(name: "Ready"), Column(name: "Up-to-date", type: "integer"), Column(name: "Available", type: "integer"), age,
                    containers, images, selector]
        case ("apps", "DaemonSet"):
            return [name] + ["Desired", "Current", "Ready", "Up-to-date", "Available"].map { Column(name: $0, type: "integer") }
                + [Column(name: "Node Selector"), age, containers, images, selector]
        case ("discovery.k8s.io", "EndpointSlice"):
            return [name, Column(name: "AddressType"), Column(name: "Ports"), Column(name: "Endpoints"), age]
        default:
            if isCustomResource(r) {
                return [name] + PrinterColumns.forResource(r).map { Column(name: displayName($0.name)) } + [Column(name: "Age", type: "date", description: age.description)]
            }
            return [name, Column(name: "Created At", type: "date", description: age.description)]
        }
    }

    /// The Istio and Gateway API kinds are CRDs on a real cluster.
    static func isCustomResource(_ r: APIResource) -> Bool { r.group.hasSuffix("istio.io") || r.group == "gateway.networking.k8s.io" }

    /// CRDs name their columns in title case (`Hosts`); kubectl upper-cases them.
    static func displayName(_ upper: String) -> String { upper.prefix(1) + upper.dropFirst().lowercased() }

    static func cells(_ r: APIResource, _ v: JSONValue, now: Date) -> [JSONTree] {
        let meta = ObjectMeta(v["metadata"])
        let ageText = HumanDuration.since(meta.creationTimestamp, now: now)
        func int(_ path: [String]) -> JSONTree {
            var cur: JSONValue? = v
            for p in path { cur = cur?.member(exactly: p) }
            return .number(String(cur?.int ?? 0))
        }
        func template() -> [JSONTree] {
            let cs = v["spec"]?["template"]?["spec"]?["containers"]?.array ?? []
            return [.string(cs.compactMap { $0["name"]?.string }.joined(separator: ",")), .string(cs.compactMap { $0["image"]?.string }.joined(separator: ",")),
                    .string(selectorText(v["spec"]?["selector"]))]
        }
        switch (r.group, r.kind) {
        case ("", "Namespace"), ("", "Pod"), ("", "Service"):
            // The same printers kubectl's client-side code has (what `meshscope get` prints), without MODE.
            let table: Table
            switch r.kind {
            case "Namespace": table = KubeTables.namespaces([KubeNamespace(v)], now: now)
            case "Pod": table = KubeTables.pods([KubePod(v)], now: now, allNamespaces: false)
            default: table = KubeTables.services([KubeService(v)], now: now, allNamespaces: false, wide: true)
            }
            let names = Set(columns(r).map { $0.name.uppercased() })
            return zip(table.columns, table.rows.first ?? []).filter { names.contains($0.0.name) }.map { .string($0.1) }
        case ("", "ConfigMap"):
            return [.string(meta.name), .number(String((v["data"]?.count ?? 0) + (v["binaryData"]?.count ?? 0))), .string(ageText)]
        case ("", "ServiceAccount"):
            return [.string(meta.name), .number(String(v["secrets"]?.count ?? 0)), .string(ageText)]
        case ("", "Node"):
            return nodeCells(v, meta: meta, age: ageText)
        case ("apps", "Deployment"):
            let desired = v["spec"]?["replicas"]?.int ?? 1
            let ready = v["status"]?["readyReplicas"]?.int ?? 0
            return [.string(meta.name), .string("\(ready)/\(desired)"), int(["status", "updatedReplicas"]), int(["status", "availableReplicas"]), .string(ageText)] + template()
        case ("apps", "DaemonSet"):
            let counts = ["desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable"].map { int(["status", $0]) }
            let nodeSelector = stringMap(v["spec"]?["template"]?["spec"]?["nodeSelector"])
            return [.string(meta.name)] + counts + [.string(KubeTables.formatLabels(nodeSelector)), .string(ageText)] + template()
        case ("discovery.k8s.io", "EndpointSlice"):
            let ports = (v["ports"]?.array ?? []).map { p in p["port"]?.int.map(String.init) ?? p["name"]?.string ?? "<unset>" }
            let addresses = (v["endpoints"]?.array ?? []).flatMap { ($0["addresses"]?.array ?? []).compactMap(\.string) }
            return [.string(meta.name), .string(v["addressType"]?.string ?? ""), .string(firstThree(ports)), .string(firstThree(addresses)), .string(ageText)]
        default:
            if isCustomResource(r) {
                // A CRD column with no value is null (the client prints an empty cell).
                let extra: [JSONTree] = PrinterColumns.forResource(r).map { c in
                    let text = c.value(v)
                    return text.isEmpty ? .null : .string(text)
                }
                return [.string(meta.name)] + extra + [.string(ageText)]
            }
            return [.string(meta.name), .string(meta.creationTimestamp.map { Timestamp.rfc3339($0) } ?? "")]
        }
    }

    /// The printers' `listWithMoreString`: three items, then `+ N more...`; `<unset>` when empty.
    static func firstThree(_ items: [String]) -> String {
        if items.isEmpty { return "<unset>" }
        let shown = items.prefix(3).joined(separator: ",")
        return items.count > 3 ? "\(shown) + \(items.count - 3) more..." : shown
    }

    static func stringMap(_ v: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        guard let v, v.isObject else { return out }
        for (k, value) in v.members { out[k] = value.string ?? value.rawText }
        return out
    }

    /// `metav1.LabelSelectorAsSelector(...).String()` for the common `matchLabels` form.
    static func selectorText(_ v: JSONValue?) -> String {
        let labels = stringMap(v?["matchLabels"])
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    static func nodeCells(_ v: JSONValue, meta: ObjectMeta, age: String) -> [JSONTree] {
        var status = "Unknown"
        for c in v["status"]?["conditions"]?.array ?? [] where c["type"]?.string == "Ready" {
            status = c["status"]?.string == "True" ? "Ready" : "NotReady"
        }
        if v["spec"]?["unschedulable"]?.bool == true { status += ",SchedulingDisabled" }
        var roles: Set<String> = []
        for (k, value) in meta.labels {
            if k.hasPrefix("node-role.kubernetes.io/") { roles.insert(String(k.dropFirst("node-role.kubernetes.io/".count))) }
            if k == "kubernetes.io/role", !value.isEmpty { roles.insert(value) }
        }
        let info = v["status"]?["nodeInfo"]
        func address(_ type: String) -> String {
            (v["status"]?["addresses"]?.array ?? []).first { $0["type"]?.string == type }?["address"]?.string ?? "<none>"
        }
        func infoField(_ key: String) -> String { info?.member(exactly: key)?.string ?? "<unknown>" }
        return [.string(meta.name), .string(status), .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")), .string(age),
                .string(info?.member(exactly: "kubeletVersion")?.string ?? ""), .string(address("InternalIP")), .string(address("ExternalIP")),
                .string(infoField("osImage")), .string(infoField("kernelVersion")), .string(infoField("containerRuntimeVersion"))]
    }

    /// The whole `Table` document for objects (stored JSON bytes) of one resource.
    /// `includeObject`: `None`, `Metadata` (the default: a `PartialObjectMetadata`) or `Object`.
    static func render(_ r: APIResource, objects: [[UInt8]], apiVersion: String, includeObject: String?, metadata: JSONTree, now: Date = Date()) -> [UInt8] {
        let rows: [JSONTree] = objects.compactMap { bytes in
            guard let doc = try? JSONDocument(bytes: bytes) else { return nil }
            let object: JSONTree
            switch includeObject {
            case "None": object = .null
            case "Object": object = JSONTree(doc.root)
            default:
                object = .object([("kind", "PartialObjectMetadata"), ("apiVersion", .string(apiVersion)),
                                  ("metadata", doc.root["metadata"].map(JSONTree.init) ?? .object(JSONObject([])))])
            }
            return .object([("cells", .array(cells(r, doc.root, now: now))), ("object", object)])
        }
        return JSONTree.object([
            ("kind", "Table"), ("apiVersion", .string(apiVersion)), ("metadata", metadata),
            ("columnDefinitions", .array(columns(r).map(\.tree))), ("rows", .array(rows)),
        ]).compactJSON()
    }
}
