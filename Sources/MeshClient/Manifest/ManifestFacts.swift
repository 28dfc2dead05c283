import Foundation
import MeshModel

/// Manifests read from files, directories or stdin into the ``KubeFacts`` the findings
/// engine reads, the way `istioctl analyze --use-kube=false FILES` reads them: without a
/// cluster, each object remembering the `file:line` its document starts at.
///
/// A broken document is a problem (file, document index, line:column) and the documents
/// around it are still loaded; kinds meshscope does not analyze are counted, never fatal.
/// Objects without a namespace go to `namespace` (`default`), as `kubectl apply` would put them.
///
/// ```swift
/// let m = ManifestFacts.load(paths: ["k8s/", "-"])
/// m.facts.objects["VirtualService"]   // every VirtualService in k8s/**/*.yaml and stdin
/// m.problems                          // [app.yaml:7:3: document 2: …]
/// let checked = ManifestFacts.merge(m.facts, over: cluster)   // files replace live objects
/// ```
public struct ManifestFacts: Sendable {
    public var facts = KubeFacts()
    public var problems: [ManifestError] = []
    /// Objects of kinds the rules do not read, by kind (Secrets included: never kept).
    public var unknownKinds: [String: Int] = [:]
    /// Objects loaded (after later documents replaced earlier ones of the same name).
    public var objectCount: Int { order.count }

    /// `Kind ns/name` → the object, in first-seen order; a later document replaces.
    private var order: [String] = []
    private var loaded: [String: (kind: String, value: JSONValue)] = [:]
    /// `file:line` by object, kept here and handed to ``facts`` once in ``finish()``: every
    /// write to a ``KubeFacts`` list drops its derived indexes, so the lists are built aside
    /// and assigned whole (per-object writes there made loading quadratic).
    private var locations: [String: String] = [:]
    let namespace: String

    public init(namespace: String = "default") { self.namespace = namespace }

    /// Reads every path: files as given, directories recursively (`.yaml`, `.yml`, `.json`,
    /// in name order), `-` as stdin.
    public static func load(paths: [String], namespace: String = "default",
                            stdin: () -> [UInt8] = { Array(FileHandle.standardInput.readDataToEndOfFile()) }) -> ManifestFacts {
        var m = ManifestFacts(namespace: namespace)
        for path in paths {
            if path == "-" {
                m.add(stdin(), source: "<stdin>")
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                m.problems.append(ManifestError(source: path, document: nil, line: nil, column: nil, message: "no such file or directory"))
                continue
            }
            for file in isDirectory.boolValue ? manifestFiles(in: path) : [path] { m.addFile(file) }
        }
        m.finish()
        return m
    }

    /// Manifests from bytes already read (the clipboard, a test).
    public static func load(_ bytes: [UInt8], source: String, namespace: String = "default") -> ManifestFacts {
        var m = ManifestFacts(namespace: namespace)
        m.add(bytes, source: source)
        m.finish()
        return m
    }

    static func manifestFiles(in directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            let lower = relative.lowercased()
            guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") else { continue }
            let full = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(full) }
        }
        return out.sorted()
    }

    mutating func addFile(_ path: String) {
        let limit = InputLimits.current.maxDocumentBytes
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            problems.append(ManifestError(source: path, document: nil, line: nil, column: nil,
                                          message: "file has \(size) bytes, more than allowed " + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size")))
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(ManifestError(source: path, document: nil, line: nil, column: nil, message: "cannot read the file"))
            return
        }
        add(Array(data), source: path)
    }

    /// Parses one source. JSON is one document (or an array of them); YAML is split at its
    /// `---` lines first so one broken document does not hide the others.
    public mutating func add(_ bytes: [UInt8], source: String) {
        let first = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        guard let first else { return }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            do { try take(ManifestParser.parse(bytes, source: source), lineOffset: 0, document: nil) } catch { problems.append(error) }
            return
        }
        for chunk in ManifestFacts.yamlDocuments(bytes) {
            do {
                try take(ManifestParser.parse(Array(bytes[chunk.range]), source: source), lineOffset: chunk.firstLine - 1, document: chunk.index)
            } catch {
                // A document holding only comments or whitespace is no object and no problem.
                if error.document == nil && error.line == nil && error.message.hasPrefix("no objects found") { continue }
                var e = error
                e.document = chunk.index
                e.line = e.line.map { $0 + chunk.firstLine - 1 }
                e.context?.line += chunk.firstLine - 1
                problems.append(e)
            }
        }
    }

    /// The byte ranges of a YAML stream's documents, split at lines starting with `---`
    /// (a document marker wherever it appears at the start of a line), with their 1-based
    /// index and first line.
    static func yamlDocuments(_ bytes: [UInt8]) -> [(index: Int, range: Range<Int>, firstLine: Int)] {
        var out: [(Int, Range<Int>, Int)] = []
        var start = 0, startLine = 1, line = 1, i = 0
        var index = 1
        func isMarker(_ at: Int) -> Bool {
            guard at + 3 <= bytes.count, bytes[at] == 0x2D, bytes[at + 1] == 0x2D, bytes[at + 2] == 0x2D else { return false }
            return at + 3 == bytes.count || [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at + 3])
        }
        while i <= bytes.count {
            if i == bytes.count || (i > 0 && isMarker(i) && bytes[i - 1] == 0x0A) || (i == 0 && isMarker(0)) {
                if i > start || i == bytes.count {
                    out.append((index, start..<i, startLine))
                    index += 1
                }
                if i == bytes.count { break }
                // The marker line belongs to the next document (`--- # comment` or `--- {…}`).
                start = i
                startLine = line
                if i == 0 { i += 3; continue }
            }
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        return out
    }

    private mutating func take(_ docs: [ManifestDocument], lineOffset: Int, document: Int?) throws(ManifestError) {
        for d in docs {
            var tree = d.object
            guard let kind = tree["kind"]?.string, let name = tree["metadata"]?["name"]?.string else { continue }
            let clusterScoped = ManifestFacts.clusterScoped.contains(kind)
            if !clusterScoped, (tree["metadata"]?["namespace"]?.string ?? "").isEmpty {
                tree.setValue(.string(namespace), at: ["metadata", "namespace"])
            }
            guard ManifestFacts.analyzed.contains(kind) else {
                unknownKinds[kind, default: 0] += 1
                continue
            }
            let value: JSONValue
            do { value = try JSONDocument(bytes: tree.compactJSON()).root } catch {
                throw ManifestError(source: d.source, document: document ?? d.index, line: d.line + lineOffset, column: nil, message: error.message)
            }
            let key = FindingObject(kind: kind, namespace: clusterScoped ? nil : tree["metadata"]?["namespace"]?.string, name: name).description
            if loaded[key] == nil { order.append(key) }
            loaded[key] = (kind, value)
            locations[key] = "\(d.source):\(d.line + lineOffset)"
        }
    }

    /// Builds the typed lists from what was loaded, each assigned to ``facts`` once.
    mutating func finish() {
        var namespaces: [KubeNamespace] = [], pods: [KubePod] = [], services: [KubeService] = []
        var endpointSlices: [KubeEndpointSlice] = []
        var objects: [String: [KubeObject]] = [:]
        for key in order {
            guard let (kind, v) = loaded[key] else { continue }
            switch kind {
            case "Namespace": namespaces.append(KubeNamespace(v))
            case "Pod": pods.append(KubePod(v))
            case "Service": services.append(KubeService(v))
            case "EndpointSlice": endpointSlices.append(KubeEndpointSlice(v))
            default: objects[kind, default: []].append(KubeObject(v))
            }
        }
        var kube = KubeFacts()
        kube.namespaces = namespaces
        kube.pods = pods
        kube.services = services
        kube.endpointSlices = endpointSlices
        kube.objects = objects
        kube.locations = locations
        facts = kube
    }

    /// Kinds without a namespace (a manifest's Namespace gets none, not `default`).
    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterRole",
        "ClusterRoleBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "GatewayClass",
        "IngressClass", "PriorityClass", "APIService",
    ]

    /// Kinds the findings read; everything else is counted in ``unknownKinds``.
    static let analyzed: Set<String> = [
        "Namespace", "Pod", "Service", "EndpointSlice", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ConfigMap",
        "VirtualService", "DestinationRule", "Gateway", "Sidecar", "ServiceEntry", "WorkloadEntry", "WorkloadGroup",
        "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin", "EnvoyFilter",
        "ProxyConfig", "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "ReferenceGrant",
    ]

    /// A cluster's objects with the files' laid over them: an object in the files replaces
    /// the cluster's of the same kind, namespace and name, so `check -f new.yaml` sees the
    /// mesh as it will be once the file is applied. Locations come from the files.
    public static func merge(_ files: KubeFacts, over cluster: KubeFacts) -> KubeFacts {
        func key(_ kind: String, _ m: ObjectMeta, namespaced: Bool = true) -> String {
            FindingObject(kind: kind, namespace: namespaced ? m.namespace : nil, name: m.name).description
        }
        func overlay<T>(_ base: [T], _ top: [T], _ k: (T) -> String) -> [T] {
            let replaced = Set(top.map(k))
            return base.filter { !replaced.contains(k($0)) } + top
        }
        var out = cluster
        out.namespaces = overlay(cluster.namespaces, files.namespaces) { key("Namespace", $0.metadata, namespaced: false) }
        out.pods = overlay(cluster.pods, files.pods) { key("Pod", $0.metadata) }
        out.services = overlay(cluster.services, files.services) { key("Service", $0.metadata) }
        out.endpointSlices = overlay(cluster.endpointSlices, files.endpointSlices) { key("EndpointSlice", $0.metadata) }
        var objects = cluster.objects
        for (kind, list) in files.objects {
            objects[kind] = overlay(cluster.objects[kind] ?? [], list) { key(kind, $0.metadata, namespaced: $0.metadata.namespace != nil) }
        }
        out.objects = objects
        out.locations = cluster.locations.merging(files.locations) { _, file in file }
        return out
    }
}
