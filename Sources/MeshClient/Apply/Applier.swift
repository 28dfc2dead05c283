import Foundation
import MeshModel

/// Server-side apply of a manifest, object by object, in three honest steps:
/// ``plan(_:defaultNamespace:)`` resolves kinds through discovery and fills in namespaces,
/// ``preview(_:force:)`` asks the server for a dry run (`dryRun=All`) and diffs live
/// against the result, ``apply(_:force:)`` sends the real requests in document order.
/// Per-object problems never abort the others; they end up in the entry.
///
/// ```swift
/// let applier = Applier(client: client)
/// var entries = try await applier.plan(docs, defaultNamespace: "shop")
/// entries = await applier.preview(entries, force: false)
/// entries = await applier.apply(entries, force: false)
/// print(ApplyTables.results(entries).render())
/// ```
public struct Applier: Sendable {
    public let client: KubeClient
    public var fieldManager: String
    public var previewConcurrency: Int

    public init(client: KubeClient, fieldManager: String = "meshscope", previewConcurrency: Int = 8) {
        self.client = client
        self.fieldManager = fieldManager
        self.previewConcurrency = previewConcurrency
    }

    /// Maps each document to a resource and namespace. Unknown kinds become failed previews.
    public func plan(_ docs: [ManifestDocument], defaultNamespace: String) async throws(KubeClientError) -> [ApplyEntry] {
        let catalog = try await client.discover()
        return docs.map { doc in
            var doc = doc
            let apiVersion = doc.object["apiVersion"]?.string ?? ""
            let kind = doc.object["kind"]?.string ?? ""
            let name = doc.object["metadata"]?["name"]?.string ?? ""
            let manifestNamespace = doc.object["metadata"]?["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            guard let resource = catalog.forKind(kind, apiVersion: apiVersion) else {
                var entry = ApplyEntry(document: doc, ref: ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: manifestNamespace))
                entry.preview = .failed(ApplyFailure(Applier.unknownKind(kind, apiVersion: apiVersion, catalog: catalog)))
                return entry
            }
            guard resource.namespaced else {
                // A namespace on a cluster-scoped object means nothing; the API server ignores it too.
                doc.object.setValue(nil, at: ["metadata", "namespace"])
                return ApplyEntry(document: doc, ref: ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: nil), resource: resource)
            }
            if let ns = manifestNamespace {
                return ApplyEntry(document: doc, ref: ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: ns), resource: resource)
            }
            doc.object.setValue(.string(defaultNamespace), at: ["metadata", "namespace"])
            return ApplyEntry(document: doc, ref: ObjectRef(apiVersion: apiVersion, kind: kind, name: name, namespace: defaultNamespace), resource: resource, defaultedNamespace: defaultNamespace)
        }
    }

    /// `unknown kind "VirtualServce" in networking.istio.io/v1; networking.istio.io/v1 offers: DestinationRule, Gateway, …`.
    static func unknownKind(_ kind: String, apiVersion: String, catalog: ResourceCatalog) -> String {
        let (group, version) = ResourceCatalog.split(apiVersion: apiVersion)
        let sameKind = catalog.resources(kind: kind)
        if !sameKind.isEmpty {
            return "kind \(kind) is not served in \(apiVersion); the server has it in \(sameKind.map(\.apiVersion).joined(separator: ", "))"
        }
        let inGroupVersion = catalog.resources.filter { $0.group == group && $0.version == version }.map(\.kind)
        if !inGroupVersion.isEmpty {
            return "unknown kind \(kind) in \(apiVersion); \(apiVersion) offers: \(Array(Set(inGroupVersion)).sorted().joined(separator: ", "))"
        }
        let versions = Set(catalog.resources.filter { $0.group == group }.map(\.version))
        if !group.isEmpty, !versions.isEmpty {
            return "unknown kind \(kind): \(apiVersion) is not served; group \(group) has versions \(versions.sorted().joined(separator: ", "))"
        }
        return "unknown kind \(kind) (\(apiVersion)): no such API on this server; it offers: \(catalog.offeredKinds())"
    }

    /// Dry-runs every planned object (concurrently; nothing is stored) and records the preview.
    public func preview(_ entries: [ApplyEntry], force: Bool) async -> [ApplyEntry] {
        var out = entries
        // Namespaces the manifest itself creates: objects in them cannot be dry-run yet.
        let createdNamespaces = Set(entries.filter { $0.ref.kind == "Namespace" && $0.resource?.group == "" }.map(\.ref.name))
        await withTaskGroup(of: (Int, ApplyPreview, String?).self) { group in
            var next = 0
            func addNext() {
                while next < out.count {
                    let i = next
                    next += 1
                    let entry = out[i]
                    guard entry.preview == nil, let resource = entry.resource else { continue }
                    group.addTask {
                        let (preview, rv) = await previewOne(entry, resource: resource, force: force, createdNamespaces: createdNamespaces)
                        return (i, preview, rv)
                    }
                    return
                }
            }
            for _ in 0..<max(1, previewConcurrency) { addNext() }
            for await (i, preview, rv) in group {
                out[i].preview = preview
                out[i].liveResourceVersion = rv
                addNext()
            }
        }
        return out
    }

    private func previewOne(_ entry: ApplyEntry, resource: APIResource, force: Bool, createdNamespaces: Set<String>) async -> (ApplyPreview, String?) {
        if let refused = await refusal(entry, resource: resource) { return (.failed(ApplyFailure(refused.message)), nil) }
        let live: JSONDocument?
        do {
            live = try await client.get(resource, name: entry.ref.name, namespace: entry.ref.namespace)
        } catch {
            return (.failed(Applier.failure(error)), nil)
        }
        do {
            let (_, result) = try await client.apply(entry.document.object, resource: resource, namespace: entry.ref.namespace, fieldManager: fieldManager, dryRun: true, force: force)
            return (ApplyComparison.preview(live: live.map { JSONTree($0.root) }, result: result, ref: entry.ref), live?.root["metadata"]?["resourceVersion"]?.string)
        } catch {
            // Objects in a namespace the manifest creates: the namespace does not exist yet,
            // so the dry run fails with NotFound; they will be created after it.
            if live == nil, error.kind == .notFound, let ns = entry.ref.namespace, createdNamespaces.contains(ns),
               error.status?.kind == "namespaces" || error.status?.message.contains("namespaces \"\(ns)\" not found") == true {
                return (.create, nil)
            }
            return (.failed(Applier.failure(error)), nil)
        }
    }

    /// Applies in document order (a Namespace before the objects in it, as written).
    /// Objects whose preview failed are skipped and say so; a failure does not stop the rest.
    public func apply(_ entries: [ApplyEntry], force: Bool) async -> [ApplyEntry] {
        var out = entries
        for i in out.indices {
            let entry = out[i]
            guard let resource = entry.resource else {
                out[i].outcome = .skipped(entry.preview.flatMap { if case .failed(let f) = $0 { f.summary } else { nil } } ?? "kind not served")
                continue
            }
            if case .failed(let f)? = entry.preview {
                out[i].outcome = .skipped("dry run failed: \(f.summary)")
                continue
            }
            do {
                let (code, result) = try await client.apply(entry.document.object, resource: resource, namespace: entry.ref.namespace, fieldManager: fieldManager, dryRun: false, force: force)
                let rv = result["metadata"]?["resourceVersion"]?.string
                if code == 201 {
                    out[i].outcome = .created
                } else if let live = entry.liveResourceVersion, live == rv {
                    out[i].outcome = .unchanged
                } else {
                    out[i].outcome = entry.liveResourceVersion == nil && entry.preview == .create ? .created : .configured
                }
            } catch {
                out[i].outcome = .failed(Applier.failure(error))
            }
        }
        return out
    }

    /// Asks the authorizer first (a SelfSubjectAccessReview for `patch`, the verb of
    /// server-side apply), so an object the user may not write is refused in the preview,
    /// in words that say what to grant, before anything is sent. Unknown (no review API):
    /// the dry run decides.
    func refusal(_ entry: ApplyEntry, resource: APIResource) async -> ForbiddenAccess? {
        let check = AccessCheck(verb: "patch", group: resource.group, resource: resource.name, namespace: resource.namespaced ? entry.ref.namespace : nil)
        let answers = await AccessReviewer(client: client).answers(checks: [check], namespaces: [])
        return answers.allows(check) == false ? ForbiddenAccess(check) : nil
    }

    static func failure(_ error: KubeClientError) -> ApplyFailure {
        if let status = error.status, error.kind == .conflict || error.kind == .invalid {
            return ApplyFailure(status: status)
        }
        return ApplyFailure(error.message)
    }
}
