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
                try await apply(LogLevelWriter(admin: admin, port: port), pod: "", namespace: "")
                await admin.shutdown()
            } catch {
                await admin.shutdown()
                throw error
            }
            return
        }
        try await connection.withClient { client in
            let ref = PodReference(pod!, defaultNamespace: connection.namespace ?? client.connection.namespace)
            // A write is asked of the API server first: say "forbidden" rather than try.
            if level != nil || reset, let refusal = await LogLevelWriter.refusal(client: client, namespace: ref.namespace) {
                throw CLIError(.unavailable, "log-level \(ref.name).\(ref.namespace): \(refusal)")
            }
            let admin = AdminClient(.apiServerProxy(client), timeout: timeout)
            try await apply(LogLevelWriter(admin: admin, port: port), pod: ref.name, namespace: ref.namespace)
        }
    }

    private func apply(_ writer: LogLevelWriter, pod: String, namespace: String) async throws {
        do {
            let levels = try await writer.apply(pod: pod, namespace: namespace, level: level, reset: reset)
            output.emit(table: levels.table, data: levels.outputNode)
        } catch {
            throw CLIError(.unavailable, String(describing: error))
        }
    }
}
