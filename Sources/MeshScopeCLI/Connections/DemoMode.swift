#if canImport(MeshDemo) && canImport(MeshClient)
import Foundation
import MeshDemo
import MeshGen

/// `meshscope --demo [--demo-services N] [--demo-replicas M] [--demo-user NS] [--demo-log-rate L] [COMMAND …]`: starts the demo
/// mesh on loopback (fake API server + admin servers) and runs COMMAND against it through a
/// temporary kubeconfig, the same code path as a real cluster. Without a command it opens
/// the terminal UI on the demo; `--demo serve` serves the demo until interrupted and prints
/// how to point kubectl or meshscope at it. `--demo-user NS` connects with a token limited
/// to namespace NS (docs/kubernetes.md), to see what a namespace-scoped user sees.
/// `--demo-log-rate L` makes every proxy write L access-log lines a second (a load benchmark:
/// Benchmarks/flows/follow.sh).
enum DemoMode {
    struct Arguments: Equatable {
        var options = DemoMesh.Options()
        var rest: [String] = []
        /// `--demo-user NS`: a token bound to this namespace only.
        var user: String?
        /// `serve --prometheus-config FILE`: where to write a scrape configuration for the demo.
        var prometheusConfig: String?
    }

    /// Takes the demo flags out of the arguments; nil when `--demo` is not there.
    static func extract(_ arguments: [String]) throws(CLIError) -> Arguments? {
        guard arguments.contains("--demo") else { return nil }
        var out = Arguments()
        var i = 0
        func number(_ flag: String) throws(CLIError) -> Int {
            guard i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 0 else {
                throw CLIError(.usage, "\(flag) needs a non-negative number")
            }
            i += 1
            return n
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--demo": break
            case "--demo-services": out.options.services = try number("--demo-services")
            case "--demo-replicas": out.options.replicas = max(1, try number("--demo-replicas"))
            case "--demo-log-rate":
                let n = try number("--demo-log-rate")
                guard n <= DemoMesh.maxLogLinesPerSecond else { throw CLIError(.usage, "--demo-log-rate: at most \(DemoMesh.maxLogLinesPerSecond) lines a second") }
                out.options.logLinesPerSecond = n
            case "--demo-user":
                guard i + 1 < arguments.count, !arguments[i + 1].isEmpty, !arguments[i + 1].hasPrefix("-") else {
                    throw CLIError(.usage, "--demo-user needs a namespace (e.g. --demo-user bookinfo)")
                }
                i += 1
                out.user = arguments[i]
            case "--prometheus-config" where arguments.contains("serve"):
                guard i + 1 < arguments.count else { throw CLIError(.usage, "--prometheus-config needs a file path") }
                i += 1
                out.prometheusConfig = arguments[i]
            default: out.rest.append(arguments[i])
            }
            i += 1
        }
        return out
    }

    static func run(_ args: Arguments, run: ([String]) async -> Int32) async -> Int32 {
        let console = Console.current
        let cluster: DemoCluster
        do {
            cluster = try await DemoCluster.start(args.options)
        } catch {
            console.error("meshscope: cannot start the demo mesh: \(error)")
            return 1
        }
        let kubeconfig: String
        do {
            kubeconfig = try args.user.map { try cluster.writeRestrictedKubeconfig(namespace: $0) } ?? cluster.writeKubeconfig()
        } catch {
            await cluster.shutdown()
            console.error("meshscope: cannot write the demo kubeconfig: \(error)")
            return 1
        }
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        if args.rest == ["serve"] {
            var scrape = ""
            if let path = args.prometheusConfig {
                do {
                    try DemoPrometheusConfig.yaml(cluster).write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    await cluster.shutdown()
                    console.error("meshscope: cannot write \(path): \(error)")
                    return 1
                }
                scrape = "  prometheus --config.file \(path) --storage.tsdb.path DIR --web.listen-address 127.0.0.1:9090\n" +
                    "  meshscope connections --edges --prometheus http://127.0.0.1:9090\n"
            }
            console.write("""
            meshscope demo mesh: \(cluster.mesh.pods.count) pods, \(cluster.mesh.xdsClients.count) proxies, API server \(cluster.api.url)
              export KUBECONFIG=\(kubeconfig)
              meshscope connections --edges --watch      (or kubectl get pods -A)
            \(scrape)Serving until interrupted (Ctrl-C).

            """)
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
            await cluster.shutdown()
            return 0
        }
        // No subcommand (or only TUI flags): the terminal UI, labelled as the demo.
        // Decided on the arguments as they will be parsed (source options may precede the command).
        let rest = ArgumentOrder.normalize(args.rest)
        let tui = rest.first.map { $0 == "tui" || $0.hasPrefix("-") } ?? true
        // The demo's context names no namespace (an administrator's): the TUI and the
        // mesh-wide commands open on every namespace; `--demo-user NS`'s names NS and starts there.
        let code = await run(rest + ["--kubeconfig", kubeconfig] + (tui ? ["--source-label", "demo"] : []))
        await cluster.shutdown()
        return code
    }
}
#endif
