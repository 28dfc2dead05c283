import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// Where traffic edges come from on a live source: the proxies' own stats (scraped through
/// the API server) or a Prometheus that already scrapes them (docs/prometheus.md).
///
/// ```
/// meshscope connections --edges --prometheus svc/istio-system/prometheus:9090
/// meshscope --prometheus https://thanos.example --prometheus-token-file ~/.thanos-token
/// meshscope --metrics-source scrape
/// ```
public struct PrometheusOptions: ParsableArguments, Sendable {
    public enum MetricsSource: String, ExpressibleByArgument, Sendable, CaseIterable {
        case auto, prometheus, scrape
    }

    @Option(name: .customLong("metrics-source"), help: ArgumentHelp("Where edges come from: auto (Prometheus if --prometheus is given or a prometheus Service is found in istio-system, monitoring or prometheus; else scraping), prometheus, or scrape.", valueName: "auto|prometheus|scrape"))
    public var metricsSource: MetricsSource = .auto

    @Option(name: .customLong("prometheus"), help: ArgumentHelp("Prometheus's HTTP API (also Thanos, Mimir, VictoriaMetrics): a URL, or svc/NAMESPACE/NAME:PORT through the API server's service proxy.", valueName: "url|svc/ns/name:port"))
    public var url: String?

    @Option(name: .customLong("prometheus-token-file"), help: ArgumentHelp("A file holding a bearer token for --prometheus URL.", valueName: "file"))
    public var tokenFile: String?

    @Option(name: .customLong("prometheus-basic-auth-file"), help: ArgumentHelp("A file holding USER:PASSWORD for basic auth to --prometheus URL.", valueName: "file"))
    public var basicAuthFile: String?

    @Option(name: .customLong("prometheus-client-cert"), help: ArgumentHelp("PEM client certificate for --prometheus https URL (with --prometheus-client-key).", valueName: "file"))
    public var clientCert: String?

    @Option(name: .customLong("prometheus-client-key"), help: ArgumentHelp("PEM private key of --prometheus-client-cert.", valueName: "file"))
    public var clientKey: String?

    @Option(name: .customLong("prometheus-ca"), help: ArgumentHelp("PEM CA bundle that signed --prometheus's certificate.", valueName: "file"))
    public var ca: String?

    @Flag(name: .customLong("prometheus-insecure-skip-tls-verify"), help: "Do not verify --prometheus's certificate.")
    public var insecure = false

    @Option(name: .customLong("prometheus-scrape-interval"), help: ArgumentHelp("How often Prometheus scrapes the proxies (rates look back four intervals).", valueName: "duration"))
    public var scrapeInterval = "15s"

    public init() {}

    public mutating func validate() throws {
        if let url { do { _ = try PrometheusTarget.parse(url) } catch { throw ValidationError(error.message) } }
        if url != nil && metricsSource == .scrape { throw ValidationError("--prometheus and --metrics-source scrape contradict each other") }
        if (clientCert == nil) != (clientKey == nil) { throw ValidationError("--prometheus-client-cert and --prometheus-client-key go together") }
        if tokenFile != nil && basicAuthFile != nil { throw ValidationError("choose one of --prometheus-token-file and --prometheus-basic-auth-file") }
        guard let s = ConnectionOptions.DurationText.seconds(scrapeInterval), s >= 0.1 else {
            throw ValidationError("--prometheus-scrape-interval \"\(scrapeInterval)\": expected a duration such as 15s")
        }
    }

    /// The credentials for a URL target, read from their files (never from the command line,
    /// where `ps` would show them).
    func auth() throws(CLIError) -> PrometheusAuth {
        func read(_ path: String, _ what: String) throws(CLIError) -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(.unavailable, "cannot read \(what) file \(path)") }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var auth = PrometheusAuth(clientCertificate: clientCert, clientKey: clientKey, certificateAuthority: ca, insecureSkipVerify: insecure)
        if let tokenFile { auth.bearerToken = Redacted(try read(tokenFile, "--prometheus-token-file")) }
        if let basicAuthFile {
            let text = try read(basicAuthFile, "--prometheus-basic-auth-file")
            guard let colon = text.firstIndex(of: ":") else { throw CLIError(.badInput, "\(basicAuthFile): expected USER:PASSWORD") }
            auth.basicUser = String(text[..<colon])
            auth.basicPassword = Redacted(String(text[text.index(after: colon)...]))
        }
        return auth
    }

    /// Seconds a counters query may take when `--request-timeout` is not given: half a scrape
    /// interval (the counters are asked no more often than that, so waiting longer than a
    /// refresh costs no freshness), at least two refreshes and 2 s. A busy Prometheus at
    /// 6,000 proxies answers them in 1–2 s, sometimes 4; a tighter bound would drop it for
    /// scraping every proxy, the very load it is there to spare.
    ///
    /// ```swift
    /// PrometheusOptions.queryTimeout(refresh: 2, scrapeInterval: 15)   // 7.5
    /// PrometheusOptions.queryTimeout(refresh: 2, scrapeInterval: 1)    // 4
    /// ```
    static func queryTimeout(refresh: Double, scrapeInterval: Double) -> Double {
        min(60, max(2, refresh * 2, scrapeInterval / 2))
    }

    /// The Prometheus edges come from, as these flags ask, and the refusal of one found but
    /// not readable: `metrics` is nil for `scrape`, or for `auto` when none is given or found,
    /// or when the one found is behind a service proxy the user may not use (`refused` says
    /// so; the proxies are scraped instead). `--metrics-source prometheus` without one found,
    /// and a `--prometheus svc/…` (or `--metrics-source prometheus`) the user may not reach,
    /// are errors, said before any query.
    func metrics(client: KubeClient, refresh: Double, timeout: Double?) async throws(CLIError) -> (metrics: PrometheusMetrics?, refused: ForbiddenAccess?) {
        if metricsSource == .scrape { return (nil, nil) }
        let target: PrometheusTarget
        if let url {
            do { target = try PrometheusTarget.parse(url) } catch { throw CLIError(.usage, error.message) }
        } else if let found = await PrometheusDiscovery.find(client) {
            target = found
        } else if metricsSource == .prometheus {
            throw CLIError(.unavailable, "no Prometheus found (no \"prometheus\" Service in \(PrometheusDiscovery.namespaces.joined(separator: ", "))): give --prometheus URL or svc/NAMESPACE/NAME:PORT")
        } else {
            return (nil, nil)
        }
        // One access review before the first query (cached per context), so a refusal is said
        // up front instead of as every query's 403.
        if let refused = await target.refusal(client) {
            if url != nil || metricsSource == .prometheus { throw CLIError(.unavailable, "prometheus \(target): \(refused.message)") }
            return (nil, refused)
        }
        let scrape = ConnectionOptions.DurationText.seconds(scrapeInterval) ?? 15
        let prom: PrometheusClient
        do {
            prom = try PrometheusClient(target, auth: try auth(), kube: client, timeout: timeout ?? Self.queryTimeout(refresh: refresh, scrapeInterval: scrape))
        } catch let e as PrometheusError {
            throw CLIError(.unavailable, e.message)
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError(.unavailable, "\(error)")
        }
        return (PrometheusMetrics(client: prom, queries: PromQL(scrapeInterval: scrape, refresh: refresh)), nil)
    }
}
