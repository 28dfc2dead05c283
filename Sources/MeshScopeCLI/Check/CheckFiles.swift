import Foundation
import MeshModel

/// `meshscope check --file PATH…`: facts from saved admin outputs instead of a live source.
/// Each file is recognised by its shape: an Envoy config dump (`configs`), Envoy
/// `/clusters?format=json` (`cluster_statuses`), a ztunnel dump (`workloads`, `services` or
/// `certificates`), istiod's `/debug/syncz` (a list of `proxy` entries). The proxy a dump or
/// `/clusters` belongs to is named `POD.NAMESPACE=PATH`, else by the file name. Without
/// Kubernetes objects (manifests given with `-f` too), edges or two stats reads, the rules
/// that need them are not evaluated.
///
/// ```
/// meshscope check --file productpage-v1-7d4b9.bookinfo=dump.json --file syncz.json
/// ```
enum CheckFiles {
    static func facts(_ specs: [String], now: Date, kube: KubeFacts? = nil) throws -> MeshFacts {
        var facts = MeshFacts(now: now, kube: kube)
        var ztunnels: [String: ZtunnelIndex] = [:]
        for spec in specs {
            let (name, path) = ProxyStatusCommand.split(spec)
            let display = InputFile.displayName(path)
            let id = name ?? ProxyStatusCommand.defaultName(path)
            let bytes = try InputFile.read(path)
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: bytes) } catch { throw CLIError.badInput(display, error.description) }
            let root = doc.root
            // `name.namespace`; a name without a dot is in namespace `file`.
            let dot = id.lastIndex(of: ".")
            let pod = dot.map { String(id[..<$0]) } ?? id
            let ns = dot.map { String(id[id.index(after: $0)...]) } ?? "file"
            func proxy() -> ProxyFacts { facts.proxies[ns + "/" + pod] ?? ProxyFacts(name: pod, namespace: ns, kind: .sidecar) }
            if root.isObject, root["configs"] != nil {
                var p = proxy()
                do { p.dump = try EnvoyConfigDump(document: doc) } catch { throw CLIError.badInput(display, "\(error)") }
                facts.proxies[p.key] = p
            } else if root.isObject, root["cluster_statuses"] != nil {
                var p = proxy()
                do { p.clusters = try EnvoyClusters.decode(bytes) } catch { throw CLIError.badInput(display, error.description) }
                facts.proxies[p.key] = p
            } else if root.isObject, root["workloads"] != nil || root["services"] != nil || root["certificates"] != nil {
                ztunnels[ns + "/" + pod] = ZtunnelIndex(ZtunnelDump.decode(doc))
            } else if root.isArray || (root.isObject && root["resources"] != nil) {
                facts.sync = (facts.sync ?? []) + IstiodSyncz.decode(doc, istiod: id).proxies
            } else {
                throw CLIError.badInput(display, "not a config dump, /clusters?format=json, ztunnel dump or istiod /debug/syncz")
            }
        }
        if !ztunnels.isEmpty { facts.ztunnels = ztunnels }
        let none = "--file gave none"
        for input in FindingInput.allCases where !facts.has(input) { facts.unavailable[input] = "\(input.rawValue): \(none)" }
        return facts
    }
}
