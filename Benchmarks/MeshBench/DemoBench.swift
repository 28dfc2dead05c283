// MeshBench demo: the live store against the demo mesh, client and demo servers in
// separate processes so each side's CPU and RSS are its own.
//
//   .build/release/MeshBench demo 2000 3 [rounds]   # ~6,000 proxies; prints one report line per measure
//   .build/release/MeshBench demo-serve 2000 3      # just the demo (prints its kubeconfig path)
import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel

#if canImport(Glibc)
import Glibc
#endif

/// User + system CPU seconds of this process.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

enum DemoBench {
    /// Serves the demo until stdin closes; prints the kubeconfig path, then (at the end) its CPU and RSS.
    static func serve(services: Int, replicas: Int) async throws {
        let t0 = ContinuousClock.now
        let demo = try await DemoCluster.start(.init(services: services, replicas: replicas))
        let path = try demo.writeKubeconfig()
        let started = seconds(ContinuousClock.now - t0)
        say("\(path) \(demo.mesh.pods.count) \(demo.mesh.proxyPods.count) \(String(format: "%.2f", started))")
        let cpu0 = cpuSeconds()
        _ = await Task.detached { FileHandle.standardInput.readDataToEndOfFile() }.value
        say("server: \(String(format: "%.1f", cpuSeconds() - cpu0)) s CPU while serving, peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")
        await demo.shutdown()
        try? FileManager.default.removeItem(atPath: path)
    }

    static func run(services: Int, replicas: Int, rounds: Int, refresh: Double, concurrency: Int, maxRPS: Double?) async throws {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let child = Process()
        child.executableURL = me
        child.arguments = ["demo-serve", String(services), String(replicas)]
        let childOut = Pipe(), childIn = Pipe()
        child.standardOutput = childOut
        child.standardInput = childIn
        try child.run()
        let reader = LineReader(childOut.fileHandleForReading)
        let first = reader.line().split(separator: " ").map(String.init)
        guard first.count == 4 else { throw BenchError(message: "demo-serve did not start: \(first)") }
        let kubeconfig = first[0]
        log("demo: \(first[1]) pods, \(first[2]) proxies, started in \(first[3]) s (server process)")

        let clock = ContinuousClock()
        let rss0 = peakRSSMiB()
        let t0 = clock.now
        let cpuStart = cpuSeconds()
        let conn = try KubeconfigLoader().load(.init(kubeconfig: kubeconfig))
        var lines: [String] = []
        try await KubeClient.with(conn) { client in
            let admin = AdminClient(.apiServerProxy(client), timeout: 10, maxConcurrent: concurrency)
            let source = ClusterMeshSource(client: client, admin: admin, namespace: nil)
            _ = try await source.cluster()
            let synced = seconds(clock.now - t0)
            let options = MeshStore.Options(refresh: refresh, maxConcurrent: concurrency, maxRequestsPerSecond: maxRPS)
            let store = MeshStore.over(source, options: options)
            let poller = Task { await store.run() }
            var complete: (Double, MeshState)?
            var withRates: (Double, MeshState)?
            var dumps: Double?
            var upstreams: Double?
            var steadyStart: (ContinuousClock.Instant, Double, Int)?
            var steady: (Double, Double, Int)?
            var startup: (Double, Double)?
            var statsEvery = 1
            for await state in await store.states() {
                let t = seconds(clock.now - t0)
                if complete == nil, state.complete { complete = (t, state) }
                if withRates == nil, state.complete, state.interval != nil, state.edges.contains(where: { $0.rates != nil }) {
                    withRates = (t, state)
                }
                if dumps == nil, state.configDumpsComplete { dumps = t }
                statsEvery = state.statsEvery
                if upstreams == nil, state.upstreamsComplete { upstreams = t }
                // Steady state is what every refresh costs once startup is over: every config dump
                // (fetched once, then only on change) and every proxy's /clusters (slow lane) read
                // once. Before that the rounds share the machine with ~6,000 one-off dump fetches.
                if withRates != nil, dumps != nil, upstreams != nil, steadyStart == nil {
                    steadyStart = (clock.now, cpuSeconds(), state.generation)
                    startup = (seconds(clock.now - t0), cpuSeconds() - cpuStart)
                }
                if let (at, cpu, generation) = steadyStart, state.generation >= generation + rounds {
                    steady = (seconds(clock.now - at), cpuSeconds() - cpu, state.generation - generation)
                    break
                }
            }
            poller.cancel()
            await poller.value
            let failing = await store.current?.failing.count ?? -1
            await source.close()
            await admin.shutdown()
            func f(_ x: Double) -> String { String(format: "%.2f", x) }
            lines.append("client: cache synced (\(first[1]) pods) in \(f(synced)) s")
            if let (t, s) = complete {
                lines.append("client: first complete MeshState (every stats/ztunnel/istiod source and focused /clusters answered once) at \(f(t)) s: \(s.proxies.count) proxies, \(s.edges.count) edges")
            }
            if let (t, s) = withRates { lines.append("client: first complete MeshState with rates at \(f(t)) s (generation \(s.generation))") }
            lines.append("client: every /clusters fetched once (unfocused: every \(options.unfocusedClustersEvery) refreshes): \(upstreams.map { "at \(f($0)) s" } ?? "not within the run")")
            lines.append("client: every focused proxy's config dump fetched once: \(dumps.map { "at \(f($0)) s" } ?? "not within the run")")
            lines.append("client: request budget \(maxRPS.map { "\(Int($0))/s" } ?? "none"): unfocused Envoys' stats every \(statsEvery) refresh\(statsEvery == 1 ? "" : "es") (\(f(refresh * Double(statsEvery))) s)")
            if let (wall, cpu) = startup {
                lines.append("client: startup (first complete state, then every config dump and /clusters once) \(f(wall)) s, \(f(cpu)) s CPU = \(String(format: "%.0f", 100 * cpu / wall))% of one core")
            }
            if let (wall, cpu, n) = steady {
                lines.append("client: steady state \(n) snapshots in \(f(wall)) s (refresh \(refresh) s): \(f(cpu)) s CPU = \(String(format: "%.0f", 100 * cpu / wall))% of one core; \(failing) failing sources")
            }
            lines.append("client: total CPU \(f(cpuSeconds() - cpuStart)) s; peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB (before: \(String(format: "%.0f", rss0)) MiB)")
        }
        try? childIn.fileHandleForWriting.close()
        lines.append(reader.line())
        child.waitUntilExit()
        for l in lines { print(l) }
    }
}

struct BenchError: Error { var message: String }

/// One line on stdout, unbuffered (the parent reads it through a pipe).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// Lines from a pipe, blocking.
final class LineReader {
    let handle: FileHandle
    var buffer = ""
    init(_ h: FileHandle) { handle = h }

    func line() -> String {
        while !buffer.contains("\n") {
            let d = handle.availableData
            if d.isEmpty { break }
            buffer += String(decoding: d, as: UTF8.self)
        }
        guard let nl = buffer.firstIndex(of: "\n") else {
            defer { buffer = "" }
            return buffer
        }
        let l = String(buffer[..<nl])
        buffer = String(buffer[buffer.index(after: nl)...])
        return l
    }
}
