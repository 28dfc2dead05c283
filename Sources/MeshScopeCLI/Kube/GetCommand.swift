import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope get pods|services|namespaces|<any kind> [NAME...]`: kubectl's tables, with
/// the mesh mode of each pod.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "List Kubernetes objects (pods show their mesh mode).",
        discussion: """
        TYPE is anything kubectl accepts: pods, po, services, svc, namespaces, ns, virtualservices, vs,
        httproutes.gateway.networking.k8s.io, ... Pods get a MODE column: sidecar, ambient, waypoint,
        gateway or none.
        """
    )

    @Argument(help: "The resource type (pods, services, namespaces, vs, ...).")
    var type: String

    @Argument(help: "Names of objects to get (default: all).")
    var names: [String] = []

    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector, e.g. app=web,tier!=db.")
    var selector: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    var connection: ConnectionOptions { source.connection }

    func validate() throws {
        if let selector {
            do { _ = try LabelSelector.parse(selector) } catch { throw ValidationError(error.message) }
        }
    }

    func run() async throws {
        try await source.withSource { src in
            if let live = src as? ClusterMeshSource {
                try await runLive(live.client)
            } else {
                try await runOffline(src)
            }
        }
    }

    /// A cluster: list (or get) through the API, so any kind and server-side selectors work.
    func runLive(_ client: KubeClient) async throws {
        let console = Console.current
        do {
            let resource = try await client.resource(type)
            let namespace: String? = connection.allNamespaces || !resource.namespaced ? nil : client.connection.namespace
            if output.output != .json && output.output != .yaml && !GetCommand.hasOwnView(resource) {
                return try await runServerTable(client, resource: resource, namespace: namespace)
            }
            var items: [JSONValue] = []
            if names.isEmpty {
                items = try await client.listAll(resource, namespace: namespace, labelSelector: selector).items
            } else {
                var missing: [String] = []
                for name in names {
                    if let doc = try await client.get(resource, name: name, namespace: namespace ?? client.connection.namespace) {
                        items.append(doc.root)
                    } else {
                        missing.append(name)
                    }
                }
                for name in missing {
                    console.error("meshscope: \(resource.qualifiedName) \"\(name)\" not found\(resource.namespaced ? " in namespace \"\(namespace ?? client.connection.namespace)\"" : "")")
                }
                if items.isEmpty { throw ExitCode(1) }
            }
            try printItems(items, resource: resource, namespace: namespace, now: Date())
        } catch let e as KubeClientError {
            throw CLIError(.unavailable, e.message)
        }
    }

    /// Kinds with a printer of our own: kubectl's columns plus ours (MODE, MESH). Every other
    /// kind prints the columns the server renders for it, as kubectl does.
    static func hasOwnView(_ r: APIResource) -> Bool {
        r.group.isEmpty && (r.name == "pods" || r.name == "services" || r.name == "namespaces")
    }

    /// Table output of any other kind: the server's `Table` (kubectl's columns for built-in
    /// kinds, CRDs' printer columns, aggregated APIs'); plain objects from a server that
    /// cannot render tables go through our own printers.
    func runServerTable(_ client: KubeClient, resource: APIResource, namespace: String?) async throws {
        let console = Console.current
        var table: ServerTable?
        var objects: [JSONValue] = []
        func take(_ answer: TableAnswer) {
            switch answer {
            case .table(let t): if table == nil { table = t } else { table?.append(t) }
            case .objects(let o): objects += o
            }
        }
        if names.isEmpty {
            take(try await client.listTable(resource, namespace: namespace, labelSelector: selector))
        } else {
            for name in names {
                let ns = namespace ?? client.connection.namespace
                if let answer = try await client.getTable(resource, name: name, namespace: ns) {
                    take(answer)
                } else {
                    console.error("meshscope: \(resource.qualifiedName) \"\(name)\" not found\(resource.namespaced ? " in namespace \"\(ns)\"" : "")")
                }
            }
        }
        guard let table else { return try printItems(objects, resource: resource, namespace: namespace, now: Date()) }
        let found = table.rows.count + objects.count
        if found == 0 && names.isEmpty {
            console.error(namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
            return
        }
        if found == 0 { throw ExitCode(1) }
        console.write(KubeTables.server(table, allNamespaces: namespace == nil && resource.namespaced).render(wide: output.isWide))
        if found < names.count { throw ExitCode(1) }
    }

    /// A snapshot (or any source without an API server): the objects it holds, filtered here
    /// as the API server would; ages are as of when the snapshot was taken.
    func runOffline(_ src: any MeshSource) async throws {
        let console = Console.current
        let cluster = try await src.cluster()
        let catalog = ResourceCatalog(cluster.resources)
        guard let resource = catalog.lookup(type) else {
            throw CLIError(.unavailable, "\(src.info.name) has no resource type \"\(type)\"; it holds: \(catalog.offeredKinds())")
        }
        let defaultNamespace = connection.namespace ?? src.info.namespace
        let namespace: String? = connection.allNamespaces || !resource.namespaced ? nil : defaultNamespace
        var selector: LabelSelector?
        if let text = self.selector {
            do { selector = try LabelSelector.parse(text) } catch { throw CLIError(.usage, error.message) }
        }
        var objects = (cluster.rawObjects[resource.qualifiedName] ?? []).filter { o in
            (namespace == nil || o.metadata.namespace == namespace) && (selector?.matches(o.metadata.labels) ?? true)
        }
        objects.sort { GoCompat.less($0.key, $1.key) }  // the API server's (etcd key) order
        var items = objects.map(\.raw)
        if !names.isEmpty {
            items = []
            for name in names {
                if let o = objects.first(where: { $0.metadata.name == name }) {
                    items.append(o.raw)
                } else {
                    console.error("meshscope: \(resource.qualifiedName) \"\(name)\" not found\(resource.namespaced ? " in namespace \"\(namespace ?? defaultNamespace)\"" : "")")
                }
            }
            if items.isEmpty { throw ExitCode(1) }
        }
        try printItems(items, resource: resource, namespace: namespace, now: src.info.takenAt ?? Date())
    }

    func printItems(_ items: [JSONValue], resource: APIResource, namespace: String?, now: Date) throws {
        let output = self.output
        if items.isEmpty && names.isEmpty && (output.output == .table || output.output == .wide || output.output == .short) {
            Console.current.error(namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
            return
        }
        let all = namespace == nil && resource.namespaced
        let table: () -> Table = {
            switch (resource.group, resource.name) {
            case ("", "pods"): KubeTables.pods(items.map(KubePod.init), now: now, allNamespaces: all)
            case ("", "services"): KubeTables.services(items.map(KubeService.init), now: now, allNamespaces: all, wide: output.isWide)
            case ("", "namespaces"): KubeTables.namespaces(items.map(KubeNamespace.init), now: now)
            default: KubeTables.objects(items.map { KubeObject($0, defaultKind: resource.kind, defaultAPIVersion: resource.apiVersion) }, resource: resource, now: now, allNamespaces: all)
            }
        }
        output.emit(table: table(), data: GetCommand.data(items, resource: resource, single: names.count == 1), jsonIndent: 4)
        if items.count < names.count { throw ExitCode(1) }
    }

    /// kubectl's -o json/yaml shape: the object itself for one name, else a `List`; items
    /// get `apiVersion` and `kind` when the server left them out (as it does in lists). Each
    /// is shown as the TUI shows it (``KubeObject/displayed(_:kind:)``): no credentials, no
    /// Secret data, no managedFields (kubectl hides those too).
    static func data(_ items: [JSONValue], resource: APIResource, single: Bool) -> JSONTree {
        let nodes = items.map { raw -> JSONTree in
            let item = KubeObject.displayed(raw, kind: resource.kind)
            if item["kind"] != nil && item["apiVersion"] != nil { return .json(item) }
            var pairs: [(String, JSONTree)] = [("apiVersion", .string(resource.apiVersion)), ("kind", .string(resource.kind))]
            for (k, v) in item.members where k != "apiVersion" && k != "kind" { pairs.append((k, .json(v))) }
            return .object(pairs)
        }
        if single, let one = nodes.first { return one }
        return .object([("apiVersion", .string("v1")), ("items", .array(nodes)), ("kind", .string("List")), ("metadata", .object([("resourceVersion", .string(""))]))])
    }
}
