import Foundation
import MeshClient
import MeshModel

extension LiveDriver {
    /// Clipboard → manifest → plan → dry run; the preview goes back as an event.
    func previewClipboard(post: @escaping @Sendable (AppEvent) -> Void) {
        let (applier, namespace) = lock.withLock { (connection.applier, connection.info.namespace) }
        guard let applier else {
            post(.applyFailed("this source cannot write: apply needs a live cluster"))
            return
        }
        let environment = options.ui.environment
        let (_, post) = current()
        spawn { [self] in
            let contents: MeshClient.Clipboard.Contents
            do {
                contents = try await MeshClient.Clipboard(environment: environment).read()
            } catch {
                post(.applyFailed((error as? MeshClient.Clipboard.Failure)?.message ?? "\(error)"))
                return
            }
            let docs: [ManifestDocument]
            do {
                docs = try ManifestParser.parse(contents.bytes, source: "clipboard")
            } catch {
                post(.applyFailed("the clipboard (\(contents.bytes.count) bytes from \(contents.source)) is not a manifest:\n\(error)"))
                return
            }
            do {
                var entries = try await applier.plan(docs, defaultNamespace: namespace)
                entries = await applier.preview(entries, force: false)
                post(.applyPreviewed(entries, source: contents.source, findings: introducedFindings(entries)))
            } catch {
                post(.applyFailed("dry run failed: \((error as? KubeClientError)?.message ?? "\(error)")"))
            }
        }
    }

    /// The findings the previewed objects would introduce, against what the runtime holds
    /// now (the cluster's objects and the store's last state).
    func introducedFindings(_ entries: [ApplyEntry]) -> [Finding] {
        let facts = lock.withLock { MeshFacts(state: feed.state ?? MeshState(), cluster: feed.cluster, now: Date()) }
        let (objects, locations) = ManifestFindings.objects(entries.filter { if case .failed? = $0.preview { false } else { true } })
        return ManifestFindings.introduced(by: objects, into: facts, locations: locations)
    }

    /// `y` on the preview: applies what the state kept from it (the entries the dry run
    /// planned); the outcome per object goes back as `.applyFinished`.
    func apply(_ entries: [ApplyEntry]?, post _: @escaping @Sendable (AppEvent) -> Void) -> [AppEvent] {
        let applier = lock.withLock { connection.applier }
        guard let entries, let applier else { return [.applyFailed("nothing to apply: the preview is gone")] }
        let (_, post) = current()
        spawn { post(.applyFinished(await applier.apply(entries, force: false))) }
        return []
    }
}
