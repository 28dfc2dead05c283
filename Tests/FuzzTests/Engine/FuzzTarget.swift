/// Every fuzz target, by the name its findings are saved under (`NAME-…fuzz`); a replay
/// file runs in the target its name starts with.
enum FuzzTargetName: String, CaseIterable, Sendable {
    case configDumpDecode = "config-dump-decode"
    case proxyConfig = "proxy-config"
    case clustersDecode = "clusters-decode"
    case endpointClusters = "endpoint-clusters"
    case statsDecode = "stats-decode"
    case stats = "stats"
    case certs = "certs"
    case serverInfo = "server-info"
    case ztunnelConfig = "ztunnel-config"
    case ztunnelEdges = "ztunnel-edges"
    case liveDecode = "live-decode"
    case proxyStatus = "proxy-status"
    case kubeconfig = "kubeconfig"
    case manifest = "manifest"
    case snapshot = "snapshot"
    case diff = "diff"
    case layers = "layers"
    case keyDecoder = "key-decoder"
    case lineEditor = "line-editor"
    case accessLog = "access-log"
    case configFindings = "config-findings"
    case prometheusAPI = "prometheus-api"
    case userFiles = "user-files"
}

/// A decoder or printer under fuzz: its seeds (each a ``FuzzCase``), the format of each
/// part (for structure-aware mutation), how many inputs a default run tries, and the
/// check run on each input.
struct FuzzTarget: Sendable {
    var name: FuzzTargetName
    var seeds: [FuzzCase]
    var formats: [Mutator.Format]
    /// Inputs per default (CI) run, seeds included; chosen so the suite fits in a minute.
    var iterations: Int
    /// Whether the case is dropped before it runs (a ``KnownIssue`` still open).
    var skip: @Sendable (FuzzCase) -> Bool = { _ in false }
    var check: @Sendable (FuzzCase) async -> FuzzOutcome
}
