import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope admin POD[.NS] PATH [--port N]`: one admin endpoint's raw response, read
/// through the API server's pod proxy (or from --admin-url).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Print one admin endpoint of a pod's proxy (Envoy, ztunnel or istiod).",
        discussion: """
        Reads GET /api/v1/namespaces/NS/pods/POD:PORT/proxy/PATH through the API server, like istioctl.
        With --snapshot FILE, PATH must be one a snapshot keeps (/config_dump?include_eds, /clusters?format=json,
        /stats?format=json, /stats/prometheus, /server_info, /certs; ztunnel /config_dump and :15020/metrics;
        istiod :15014/debug/syncz and /debug/connections) and is answered from the file.
        Ports: 15000 Envoy or ztunnel admin (default), 15020 ztunnel metrics, 15014 istiod debug.
        With --admin-url, PATH is read from that URL instead and POD may be left out.
        Examples:
          meshscope admin productpage-v1-7d4b9.bookinfo /config_dump?include_eds
          meshscope admin istiod-5c8f.istio-system /debug/syncz --port 15014 --request-timeout 60s
          meshscope admin /server_info --admin-url http://127.0.0.1:15000
        """
    )

    @Argument(help: ArgumentHelp("POD[.NAMESPACE], then the admin PATH (with query).", valueName: "pod-and-path"))
    var arguments: [String] = []

    @Option(help: "Admin port on the pod.")
    var port: Int = AdminClient.Port.envoyAdmin

    @OptionGroup var source: SourceOptions

    var connection: ConnectionOptions { source.connection }

    func validate() throws {
        switch arguments.count {
        case 2: break
        case 1 where connection.adminURL != nil: break
        case 1: throw ValidationError("give POD[.NAMESPACE] and PATH (or --admin-url URL and PATH)")
        default: throw ValidationError("expected POD[.NAMESPACE] PATH")
        }
        if !(1...65535).contains(port) { throw ValidationError("--port \(port) is not a port number") }
    }

    func run() async throws {
        let path = arguments.last!
        let timeout = connection.timeoutSeconds ?? 30
        if let url = connection.adminURL {
            let admin = AdminClient(.direct(url), timeout: timeout)
            do {
                let body = try await admin.fetch(pod: "", namespace: "", port: port, path: path)
                await admin.shutdown()
                Console.current.write(body)
            } catch {
                await admin.shutdown()
                throw CLIError(.unavailable, error.message)
            }
            return
        }
        let target = arguments[0]
        try await source.withSource { src in
            let ref = PodReference(target, defaultNamespace: source.defaultNamespace(src))
            let body = try await src.admin(pod: ref.name, namespace: ref.namespace, request: .path(port: port, path: path))
            Console.current.write(body)
        }
    }
}
