// MeshBench: reproducible numbers for docs/benchmarks.md ("Kubernetes").
//
//   swift build -c release --product MeshBench
//   .build/release/MeshBench                      # everything, server in a child process
//   .build/release/MeshBench serve 10000 2000     # just the fake API server (prints its URL)
//   .build/release/MeshBench demo 2000 3 [rounds] [max-rps] # the live store over the demo mesh (DemoBench.swift); max-rps 0: no budget
//   .build/release/MeshBench check SNAPSHOT [--dumps=all]     # meshscope check on a snapshot, timed in parts (CheckBench.swift)
//   .build/release/MeshBench manifests DIR [objects]          # generated YAML manifests (10,000 objects) for `time meshscope check -f DIR`
//
// The fake API server runs in a separate process so the client's peak RSS is its own.
import Foundation
import MeshClient
import MeshDemo
import MeshGen
import MeshModel

#if canImport(Glibc)
import Glibc
#endif

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

let args = Array(CommandLine.arguments.dropFirst())

if args.first == "demo-serve" {
    try await DemoBench.serve(services: args.count > 1 ? Int(args[1]) ?? 2_000 : 2_000, replicas: args.count > 2 ? Int(args[2]) ?? 3 : 3)
    exit(0)
}
if args.first == "demo" {
    try await DemoBench.run(services: args.count > 1 ? Int(args[1]) ?? 2_000 : 2_000, replicas: args.count > 2 ? Int(args[2]) ?? 3 : 3,
                            rounds: args.count > 3 ? Int(args[3]) ?? 10 : 10, refresh: 2, concurrency: 16,
                            maxRPS: args.count > 4 ? (Double(args[4]).flatMap { $0 > 0 ? $0 : nil }) : MeshStore.Options().maxRequestsPerSecond)
    exit(0)
}

if args.first == "manifests", args.count > 1 {
    // Generated manifests for timing `meshscope check -f DIR` (ConfigObjectsGenerator).
    let objects = args.count > 2 ? Int(args[2]) ?? 10_000 : 10_000
    try FileManager.default.createDirectory(atPath: args[1], withIntermediateDirectories: true)
    let files = ConfigObjectsGenerator.yamlFiles(objects: objects)
    for f in files { try Data(f.bytes).write(to: URL(fileURLWithPath: (args[1] as NSString).appendingPathComponent(f.name))) }
    log("wrote about \(objects) objects in \(files.count) files to \(args[1])")
    exit(0)
}

if args.first == "check", args.count > 1 {
    try await CheckBench.run(path: args[1], dumps: args.contains("--dumps=all") ? .all : .auto(limit: 200))
    exit(0)
}

if args.first == "serve" {
    let pods = args.count > 1 ? Int(args[1]) ?? 10_000 : 10_000
    let services = args.count > 2 ? Int(args[2]) ?? 2_000 : 2_000
    let namespaces = (0..<20).map { "bench-\($0)" }
    let server = try await FakeAPIServer.start()
    for ns in namespaces + ["bench-apply"] { try server.write(FakeObjects.namespace(ns), manager: "bench") }
    try server.seed(FakeObjects.generatedPods(count: pods, namespaces: namespaces))
    try server.seed(FakeObjects.generatedServices(count: services, namespaces: namespaces))
    FileHandle.standardOutput.write(Data((server.url + "\n").utf8))
    // Serve until stdin closes (the parent exits) .
    _ = FileHandle.standardInput.readDataToEndOfFile()
    await server.shutdown()
    exit(0)
}

// Start the server as a child process.
let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
let child = Process()
child.executableURL = me
child.arguments = ["serve", "10000", "2000"]
let childOut = Pipe(), childIn = Pipe()
child.standardOutput = childOut
child.standardInput = childIn
try child.run()
var urlLine = ""
while !urlLine.hasSuffix("\n") {
    let d = childOut.fileHandleForReading.availableData
    if d.isEmpty { break }
    urlLine += String(decoding: d, as: UTF8.self)
}
let url = urlLine.trimmingCharacters(in: .whitespacesAndNewlines)
log("fake API server at \(url)")

let dir = NSTemporaryDirectory() + "meshscope-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
let kubeconfig = dir + "/config"
try """
apiVersion: v1
kind: Config
current-context: bench
clusters: [{name: bench, cluster: {server: "\(url)"}}]
users: [{name: bench, user: {}}]
contexts: [{name: bench, context: {cluster: bench, user: bench, namespace: bench-apply}}]
""".write(toFile: kubeconfig, atomically: true, encoding: .utf8)

let conn = try KubeconfigLoader().load(.init(kubeconfig: kubeconfig))
let clock = ContinuousClock()
var report: [String] = []

try await KubeClient.with(conn) { client in
    let catalog = try await client.discover()
    let pods = catalog.lookup("pods")!
    let services = catalog.lookup("services")!

    // 1. List and cache 10,000 pods and 2,000 services (paginated, 500 per page), then type them.
    let rssBefore = peakRSSMiB()
    let start = clock.now
    let podInformer = Informer(client: client, resource: pods, namespace: nil)
    let svcInformer = Informer(client: client, resource: services, namespace: nil)
    await podInformer.start()
    await svcInformer.start()
    try await podInformer.waitForSync(timeout: 120)
    try await svcInformer.waitForSync(timeout: 120)
    let synced = clock.now - start
    let typedPods = await podInformer.items.map { KubePod($0.raw) }
    let typedServices = await svcInformer.items.map { KubeService($0.raw) }
    let modes = Dictionary(grouping: typedPods, by: \.meshMode).mapValues(\.count)
    let table = KubeTables.pods(typedPods, now: Date(), allNamespaces: true).render()
    let total = clock.now - start
    report.append("list+cache: \(typedPods.count) pods, \(typedServices.count) services: synced in \(String(format: "%.2f", seconds(synced))) s, typed + pod table (\(table.count / 1024) KiB) in \(String(format: "%.2f", seconds(total))) s; peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB (before: \(String(format: "%.0f", rssBefore)) MiB); modes \(modes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))")
    await podInformer.stop()
    await svcInformer.stop()

    // 2. Apply 200 objects (100 ConfigMaps, 100 Services): plan, dry-run preview, apply.
    var manifest = ""
    for i in 0..<100 {
        manifest += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\(i)\ndata:\n  index: \"\(i)\"\n  payload: \(String(repeating: "x", count: 200))\n"
        manifest += "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-\(i)\n  labels: {app: a\(i)}\nspec:\n  selector: {app: a\(i)}\n  ports:\n  - {name: http, port: 80}\n"
    }
    let applyStart = clock.now
    let docs = try ManifestParser.parse(Array(manifest.utf8), source: "bench")
    let applier = Applier(client: client)
    var entries = try await applier.plan(docs, defaultNamespace: "bench-apply")
    entries = await applier.preview(entries, force: false)
    let previewed = clock.now - applyStart
    entries = await applier.apply(entries, force: false)
    let applied = clock.now - applyStart
    let created = entries.filter { $0.outcome == .created }.count
    report.append("apply: \(docs.count) objects: preview \(String(format: "%.2f", seconds(previewed))) s, total \(String(format: "%.2f", seconds(applied))) s, \(created) created; peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")

    // Re-apply: everything unchanged.
    let again = clock.now
    var entries2 = try await applier.plan(docs, defaultNamespace: "bench-apply")
    entries2 = await applier.preview(entries2, force: false)
    let unchanged = entries2.filter { $0.preview == .unchanged }.count
    report.append("re-apply preview: \(unchanged)/\(docs.count) unchanged in \(String(format: "%.2f", seconds(clock.now - again))) s")
}

// 3. kubectl against the same server, if installed.
func run(_ tool: String, _ arguments: [String]) -> (Double, Int32)? {
    guard let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    var env = ProcessInfo.processInfo.environment
    env["KUBECACHEDIR"] = dir + "/kubecache"
    p.environment = env
    let t0 = clock.now
    guard (try? p.run()) != nil else { return nil }
    p.waitUntilExit()
    return (seconds(clock.now - t0), p.terminationStatus)
}
if let (t, code) = run("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/api/v1/pods"]) {
    report.append("kubectl get --raw /api/v1/pods (one 10,000-item response): \(String(format: "%.2f", t)) s (exit \(code))")
    if let (t2, c2) = run("kubectl", ["--kubeconfig", kubeconfig, "get", "pods", "-A", "--chunk-size=500", "-o", "name"]) {
        report.append("kubectl get pods -A --chunk-size=500 -o name (paginated, decoded): \(String(format: "%.2f", t2)) s (exit \(c2))")
    }
    if let (t3, c3) = run("kubectl", ["--kubeconfig", kubeconfig, "get", "services", "-A", "--chunk-size=500", "-o", "name"]) {
        report.append("kubectl get services -A --chunk-size=500 -o name: \(String(format: "%.2f", t3)) s (exit \(c3))")
    }
} else {
    report.append("kubectl: not installed")
}

try? childIn.fileHandleForWriting.close()
child.waitUntilExit()
try? FileManager.default.removeItem(atPath: dir)
for line in report { print(line) }
