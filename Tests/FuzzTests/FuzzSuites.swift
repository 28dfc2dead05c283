import Testing

/// Namespace of the target definitions (Targets/).
enum FuzzTargets {}

/// Seeded mutation fuzzing of every decoder and printer (docs/fuzzing.md). Serialized so
/// per-input time and memory are measured without the other targets running beside them.
/// `swift test --filter Fuzz` runs all of it in under a minute with the CI seed.
@Suite(.serialized) struct Fuzz {
    @Test func configDumpDecode() async { await FuzzRunner.run(FuzzTargets.configDumpDecode()) }
    @Test func proxyConfig() async { await FuzzRunner.run(FuzzTargets.proxyConfig()) }
    @Test func diff() async { await FuzzRunner.run(FuzzTargets.diff()) }
    @Test func layers() async { await FuzzRunner.run(FuzzTargets.layers()) }
    @Test func clustersDecode() async { await FuzzRunner.run(FuzzTargets.clustersDecode()) }
    @Test func endpointClusters() async { await FuzzRunner.run(FuzzTargets.endpointClusters()) }
    @Test func statsDecode() async { await FuzzRunner.run(FuzzTargets.statsDecode()) }
    @Test func stats() async { await FuzzRunner.run(FuzzTargets.stats()) }
    @Test func certs() async { await FuzzRunner.run(FuzzTargets.certs()) }
    @Test func serverInfo() async { await FuzzRunner.run(FuzzTargets.serverInfo()) }
    @Test func ztunnelConfig() async { await FuzzRunner.run(FuzzTargets.ztunnelConfig()) }
    @Test func ztunnelEdges() async { await FuzzRunner.run(FuzzTargets.ztunnelEdges()) }
    @Test func liveDecode() async { await FuzzRunner.run(FuzzTargets.liveDecode()) }
    @Test func proxyStatus() async { await FuzzRunner.run(FuzzTargets.proxyStatus()) }
    @Test func kubeconfig() async { await FuzzRunner.run(FuzzTargets.kubeconfig()) }
    @Test func manifest() async { await FuzzRunner.run(FuzzTargets.manifest()) }
    @Test func snapshot() async { await FuzzRunner.run(FuzzTargets.snapshot()) }
    @Test func keyDecoder() async { await FuzzRunner.run(FuzzTargets.keyDecoder()) }
    @Test func lineEditor() async { await FuzzRunner.run(FuzzTargets.lineEditor()) }
    @Test func accessLog() async { await FuzzRunner.run(FuzzTargets.accessLog()) }
    @Test func configFindings() async { await FuzzRunner.run(FuzzTargets.configFindings()) }
    @Test func prometheusAPI() async { await FuzzRunner.run(FuzzTargets.prometheusAPI()) }
    @Test func userFiles() async { await FuzzRunner.run(FuzzTargets.userFiles()) }
}
