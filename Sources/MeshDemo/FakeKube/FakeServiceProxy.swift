import Foundation
import MeshClient
import MeshModel

/// The service proxy subresource (`/api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/REST`)
/// as the API server resolves it (`ResourceLocation` of the service REST storage): the port
/// by number is looked up among the Service's ports and becomes that port's name; the port
/// name then picks, among the Service's ready endpoints (its EndpointSlices), an address and
/// the endpoint port of that name; the request goes there. RBAC checks verb `get` (for GET)
/// on `services/proxy`, before any of this.
///
/// ```
/// GET /api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up
/// 503 {"kind":"Status",…,"message":"no endpoints available for service \"prometheus\"","reason":"ServiceUnavailable","code":503}
/// ```
///
/// The endpoints are cluster addresses no test can dial, so ``setEndpointBackend(address:baseURL:)``
/// says which loopback server answers for one (an endpoint without one is refused, like a
/// pod that listens on nothing).
extension FakeAPIServer {
    /// Serve service-proxied requests that resolve to the endpoint `IP:PORT` from `baseURL`.
    public func setEndpointBackend(address: String, baseURL: String) {
        knobs.withLock { $0.endpointBackends[address] = baseURL }
    }

    func serviceProxy(namespace: String, service: String, port: String, id: String, _ req: DemoHTTPRequest) async -> DemoHTTPResponse {
        let services = FakeResources.core.first { $0.kind == "Service" }!
        let slices = FakeResources.discovery.first { $0.kind == "EndpointSlice" }!
        let (svcBytes, sliceBytes): ([UInt8]?, [[UInt8]]) = store.withLock {
            let svc = store.getLocked(services, namespace: namespace, name: service)?.bytes
            let prefix = namespace + "/"
            let all = store.sortedKeysLocked(slices).filter { $0.hasPrefix(prefix) }.compactMap { store.entryLocked(slices, key: $0)?.bytes }
            return (svc, all)
        }
        guard let svcBytes, let svc = try? JSONTree(json: svcBytes) else { return notFound(services, service) }
        var portName = port
        if let number = Int(port) {
            guard let declared = (svc["spec"]?["ports"]?.arrayValue ?? []).first(where: { $0["port"]?.int == number }) else {
                return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "no service port \(number) found for service \"\(service)\""))
            }
            portName = declared["name"]?.string ?? ""
        }
        // The Service's endpoints: slices labelled with its name, ready addresses only.
        var candidates: [String] = []
        var anyAddress = false
        for bytes in sliceBytes {
            guard let slice = try? JSONTree(json: bytes), slice["metadata"]?["labels"]?["kubernetes.io/service-name"]?.string == service else { continue }
            let ready = (slice["endpoints"]?.arrayValue ?? []).filter { $0["conditions"]?["ready"]?.boolValue != false }
            let addresses = ready.flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.string) }
            guard !addresses.isEmpty else { continue }
            anyAddress = true
            guard let p = (slice["ports"]?.arrayValue ?? []).first(where: { ($0["name"]?.string ?? "") == portName }), let number = p["port"]?.int else { continue }
            candidates += addresses.map { "\($0):\(number)" }
        }
        guard anyAddress else {
            return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "no endpoints available for service \"\(service)\""))
        }
        guard let address = candidates.randomElement() else {
            return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "no endpoints available for service \"\(id)\""))
        }
        guard let backend = knobs.withLock({ $0.endpointBackends[address] }) else {
            return status(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "error trying to reach service: dial tcp \(address): connect: connection refused"))
        }
        // The raw path below `NAME:PORT/proxy`, escapes as sent.
        let marker = "/" + id + "/proxy"
        let rawRest = req.rawPath.range(of: marker).map { String(req.rawPath[$0.upperBound...]) } ?? ""
        return await forward(to: backend, rawRest: rawRest, req)
    }
}
