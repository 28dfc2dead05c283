import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// The flags every command that talks to a cluster shares, with kubectl's names.
///
/// ```
/// meshscope get pods --context prod -n shop --request-timeout 45s
/// ```
public struct ConnectionOptions: ParsableArguments, Sendable {
    @Option(help: "Path to a kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).")
    public var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: current-context).")
    public var context: String?

    @Option(name: [.short, .long], help: "Namespace (default: the context's namespace, else \"default\").")
    public var namespace: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Across all namespaces.")
    public var allNamespaces = false

    @Option(help: ArgumentHelp("Total time for each request, connect to last byte, e.g. 500ms, 30s, 2m (default: 60s for API requests, 30s for admin reads; 0: no total limit). Connecting alone is bounded by --connect-timeout.", valueName: "duration"))
    public var requestTimeout: String?

    @Option(name: .customLong("admin-url"), help: ArgumentHelp("Read admin endpoints from this URL (a port-forward or local proxy) instead of through the API server.", valueName: "url"))
    public var adminURL: String?

    @OptionGroup public var prometheus: PrometheusOptions

    public init() {}

    public mutating func validate() throws {
        if allNamespaces && namespace != nil {
            throw ValidationError("-A/--all-namespaces and -n/--namespace cannot be used together")
        }
        if let t = requestTimeout, DurationText.seconds(t) == nil {
            throw ValidationError("--request-timeout \"\(t)\": expected a duration such as 500ms, 30s or 2m")
        }
    }

    /// `--request-timeout` in seconds; nil when unset or 0.
    public var timeoutSeconds: Double? {
        guard let t = requestTimeout, let s = DurationText.seconds(t), s > 0 else { return nil }
        return s
    }

    /// The transport settings these flags ask for: `--request-timeout` as the total bound for
    /// each API request (unset: ``TransportOptions/defaultRequestTimeout``; `0`: none).
    public var transportOptions: TransportOptions {
        guard let t = requestTimeout, let s = DurationText.seconds(t) else { return TransportOptions() }
        return TransportOptions(requestTimeout: s > 0 ? s : nil)
    }

    /// The namespace a view starts on: `-n`, else (without `-A`) the kubeconfig context's
    /// (or an in-cluster pod's own) namespace when it names one; nil for all namespaces.
    public func startNamespace(environment: KubeconfigLoader.Environment = .process) -> String? {
        if allNamespaces { return nil }
        if let namespace { return namespace }
        guard let conn = try? connection(environment: environment) else { return nil }
        switch conn.namespaceSource {
        case .context, .serviceAccount, .flag: return conn.namespace
        case .defaulted: return nil
        }
    }

    /// These flags as a command on a cluster reads them: with neither `-n` nor `-A`, `-n` is
    /// the context's namespace when the context names one (in a pod: the service account's),
    /// as kubectl and `istioctl analyze` do; otherwise (`-n`, `-A`, a context without a
    /// namespace, a kubeconfig that cannot be read) they are unchanged, so a context that
    /// names no namespace stays mesh-wide.
    ///
    /// ```swift
    /// // context `dev` names namespace shop:
    /// try ConnectionOptions.parse(["--context", "dev"]).inContextNamespace().namespace   // "shop"
    /// try ConnectionOptions.parse(["--context", "dev", "-A"]).inContextNamespace().namespace   // nil
    /// ```
    public func inContextNamespace(environment: KubeconfigLoader.Environment = .process) -> ConnectionOptions {
        guard !allNamespaces, namespace == nil, let named = startNamespace(environment: environment) else { return self }
        var scoped = self
        scoped.namespace = named
        return scoped
    }

    /// Resolves the kubeconfig (or in-cluster) connection.
    public func connection(environment: KubeconfigLoader.Environment = .process) throws(CLIError) -> ClusterConnection {
        do {
            return try KubeconfigLoader(environment: environment).load(KubeconfigLoader.Flags(kubeconfig: kubeconfig, context: context, namespace: namespace))
        } catch {
            throw CLIError(.unavailable, error.message)
        }
    }

    /// Runs `body` with a connected client, always shutting it down; client errors become one-line CLI errors.
    public func withClient<T: Sendable>(_ body: (KubeClient) async throws -> T) async throws -> T {
        let conn = try connection()
        do {
            return try await KubeClient.with(conn, options: transportOptions) { client in try await body(client) }
        } catch let e as KubeClientError {
            throw CLIError(.unavailable, e.message)
        }
    }

    /// kubectl-style durations: `45s`, `2m`, `1m30s`, `500ms`, `1h`, or plain seconds.
    public enum DurationText {
        public static func seconds(_ text: String) -> Double? {
            if let plain = Double(text) { return plain >= 0 ? plain : nil }
            var total = 0.0
            var number = ""
            var chars = Array(text)[...]
            guard !chars.isEmpty else { return nil }
            while let c = chars.first {
                if c.isNumber || c == "." {
                    number.append(c)
                    chars = chars.dropFirst()
                    continue
                }
                guard let value = Double(number) else { return nil }
                number = ""
                if chars.starts(with: ["m", "s"]) {
                    total += value / 1000
                    chars = chars.dropFirst(2)
                } else if c == "h" {
                    total += value * 3600
                    chars = chars.dropFirst()
                } else if c == "m" {
                    total += value * 60
                    chars = chars.dropFirst()
                } else if c == "s" {
                    total += value
                    chars = chars.dropFirst()
                } else {
                    return nil
                }
            }
            return number.isEmpty ? total : nil
        }
    }
}
