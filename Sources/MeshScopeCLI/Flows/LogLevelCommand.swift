import ArgumentParser
import Foundation
import MeshClient
import MeshModel
import NIOHTTP1

/// `meshscope log-level POD[.NS] [--level [LOGGER:]LEVEL,…] [--reset]`: reads or sets a
/// proxy's log levels through its admin `/logging` endpoint, like `istioctl proxy-config log`.
struct LogLevelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level",
        abstract: "Show or set the log levels of a pod's Envoy or ztunnel (admin /logging).",
        discussion: """
        POSTs to the proxy's /logging through the API server's pod proxy (or --admin-url). Without \
        --level or --reset it lists the levels. --level debug sets every Envoy logger, \
        --level rbac:debug,http:info one each; for a ztunnel the value is passed as its level \
        (info, access:debug,info). --reset goes back to the defaults (Envoy warning, ztunnel info). \
        Changing levels changes a live proxy: --readonly refuses it.
        Examples:
          meshscope log-level productpage-v1-7d4b9.bookinfo
          meshscope log-level productpage-v1-7d4b9.bookinfo --level rbac:debug
          meshscope log-level ztunnel-x7k2p.istio-system --level access:debug,info
        """
    )

    @Argument(help: ArgumentHelp("The pod (POD or POD.NAMESPACE); may be left out with --admin-url.", valueName: "pod"))
    var pod: String?

    @Option(help: ArgumentHelp("Levels to set: LEVEL for every logger, LOGGER:LEVEL for one, comma-separated.", valueName: "[logger:]level,…"))
    var level: String?

    @Flag(help: "Reset every logger to the default level (Envoy warning, ztunnel info).")
    var reset = false

    @Flag(help: "Refuse to change anything (reading the levels still works).")
    var readonly = false

    @Option(help: "Admin port on the pod.")
    var port: Int = AdminClient.Port.envoyAdmin

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if pod == nil, connection.adminURL == nil { throw ValidationError("give POD[.NAMESPACE] (or --admin-url URL)") }
        if let level { do { _ = try ProxyLogLevels.envoyQueries(level) } catch { throw ValidationError(error.description) } }
        if output.output == .yaml { throw ValidationError("log-level prints table, wide or json") }
        if !(1...65535).contains(port) { throw ValidationError("--port \(port) is not a port number") }
    }

    func run() async throws {
        if readonly, level != nil || reset {
            throw CLIError(.unavailable, "log-level: --level and --reset change a live proxy; refused (--readonly)")
        }
        let timeout = connection.timeoutSeconds ?? 30
        if let url = connection.adminURL {
            let admin = AdminClient(.direct(url), timeout: timeout)
            do {
                try await apply(admin, pod: "", namespace: "")
                await admin.shutdown()
            } catch {
                await admin.shutdown()
                throw error
            }
            return
        }
        try await connection.withClient { client in
            let ref = PodReference(pod!, defaultNamespace: connection.namespace ?? client.connection.namespace)
            let admin = AdminClient(.apiServerProxy(client), timeout: timeout)
            try await apply(admin, pod: ref.name, namespace: ref.namespace)
        }
    }

    private func apply(_ admin: AdminClient, pod: String, namespace: String) async throws {
        func post(_ query: String?) async throws -> ProxyLogLevels {
            do {
                let body = try await admin.fetch(pod: pod, namespace: namespace, port: port, path: "/logging" + (query.map { "?" + $0 } ?? ""), method: .POST)
                return ProxyLogLevels.parse(String(decoding: body, as: UTF8.self))
            } catch {
                throw CLIError(.unavailable, error.message)
            }
        }
        var levels = try await post(nil)
        if levels.loggers.isEmpty, levels.ztunnelLevel == nil {
            throw CLIError(.unavailable, "\(pod.isEmpty ? "the admin URL" : pod + "." + namespace): /logging did not answer with log levels")
        }
        if reset { levels = try await post(levels.isZtunnel ? "level=info" : "level=warning") }
        if let level {
            if levels.isZtunnel {
                levels = try await post("level=" + (level.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? level))
            } else {
                for q in try ProxyLogLevels.envoyQueries(level) { levels = try await post(q) }
            }
        }
        output.emit(table: levels.table, data: levels.outputNode)
    }
}
