import Foundation
import MeshModel

/// Finds and reads kubeconfig files the way kubectl does, or falls back to the in-cluster
/// service account.
///
/// Precedence (client-go's loading rules):
/// 1. `--kubeconfig FILE`: only that file; it must exist.
/// 2. `$KUBECONFIG`: a `:`-separated list, merged (first file to define a name wins);
///    missing files are skipped.
/// 3. `~/.kube/config`.
/// 4. In a pod (`KUBERNETES_SERVICE_HOST`/`_PORT` set and no kubeconfig found): the service
///    account token, CA and namespace under `/var/run/secrets/kubernetes.io/serviceaccount`.
///
/// ```swift
/// let conn = try KubeconfigLoader().load(ConnectionFlags(context: "kind-dev"))
/// ```
public struct KubeconfigLoader: Sendable {
    /// What the loader reads from the process: injectable for tests.
    public struct Environment: Sendable {
        public var variables: [String: String]
        public var home: String
        /// Directory holding `token`, `ca.crt` and `namespace` in a pod.
        public var serviceAccountRoot: String

        public init(variables: [String: String], home: String, serviceAccountRoot: String = "/var/run/secrets/kubernetes.io/serviceaccount") {
            self.variables = variables
            self.home = home
            self.serviceAccountRoot = serviceAccountRoot
        }

        public static var process: Environment {
            let env = ProcessInfo.processInfo.environment
            return Environment(variables: env, home: env["HOME"] ?? NSHomeDirectory())
        }
    }

    /// The connection-related command-line flags.
    public struct Flags: Sendable {
        public var kubeconfig: String?
        public var context: String?
        public var namespace: String?
        public init(kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil) {
            self.kubeconfig = kubeconfig
            self.context = context
            self.namespace = namespace
        }
    }

    public var environment: Environment

    public init(environment: Environment = .process) { self.environment = environment }

    /// Resolves the connection for the flags.
    public func load(_ flags: Flags) throws(KubeClientError) -> ClusterConnection {
        let paths = try kubeconfigPaths(flags)
        if paths.isEmpty, let inCluster = try inClusterConnection(namespace: flags.namespace) {
            return inCluster
        }
        if paths.isEmpty {
            throw KubeClientError(.config, "no kubeconfig found: \(flags.kubeconfig == nil && environment.variables["KUBECONFIG"] == nil ? "$KUBECONFIG is not set, " : "")\(defaultPath) does not exist, and this is not a pod (KUBERNETES_SERVICE_HOST is not set); pass --kubeconfig FILE")
        }
        let files = try paths.map { path throws(KubeClientError) in try readFile(path) }
        do {
            return try Kubeconfig.merge(files).resolve(context: flags.context, namespace: flags.namespace)
        } catch {
            throw KubeClientError(.config, error.message)
        }
    }

    /// The merged kubeconfig (for listing contexts).
    public func merged(_ flags: Flags) throws(KubeClientError) -> Kubeconfig {
        let files = try kubeconfigPaths(flags).map { path throws(KubeClientError) in try readFile(path) }
        do { return try Kubeconfig.merge(files) } catch { throw KubeClientError(.config, error.message) }
    }

    var defaultPath: String { environment.home + "/.kube/config" }

    /// The files to merge, in order.
    public func kubeconfigPaths(_ flags: Flags) throws(KubeClientError) -> [String] {
        let fm = FileManager.default
        if let explicit = flags.kubeconfig, !explicit.isEmpty {
            guard fm.fileExists(atPath: explicit) else { throw KubeClientError(.config, "--kubeconfig \(explicit): no such file") }
            return [explicit]
        }
        if let list = environment.variables["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            // Duplicates are read once, at their first position (client-go deduplicates too).
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty && fm.fileExists(atPath: $0) && seen.insert($0).inserted }
        }
        return fm.fileExists(atPath: defaultPath) ? [defaultPath] : []
    }

    func readFile(_ path: String) throws(KubeClientError) -> KubeconfigFile {
        let limit = InputLimits.current.maxDocumentBytes
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            throw KubeClientError(.config, "\(path): kubeconfig file has \(size) bytes, more than allowed " + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeClientError(.config, "\(path): cannot read kubeconfig file")
        }
        do {
            return KubeconfigFile(path: path, content: try YAMLTree.single(String(decoding: data, as: UTF8.self), source: path))
        } catch {
            throw KubeClientError(.config, "invalid kubeconfig: \(error.description)")
        }
    }

    /// The in-cluster connection, or nil when not in a pod.
    public func inClusterConnection(namespace flag: String?) throws(KubeClientError) -> ClusterConnection? {
        guard let host = environment.variables["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment.variables["KUBERNETES_SERVICE_PORT"], !port.isEmpty else { return nil }
        let root = environment.serviceAccountRoot
        let tokenPath = root + "/token"
        guard FileManager.default.fileExists(atPath: tokenPath) else {
            throw KubeClientError(.config, "in-cluster: KUBERNETES_SERVICE_HOST is set but \(tokenPath) does not exist (is a service account token mounted?)")
        }
        var tls = ClusterConnection.TLSSettings()
        if FileManager.default.fileExists(atPath: root + "/ca.crt") { tls.certificateAuthority = .file(root + "/ca.crt") }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var namespace = "default"
        var source = ClusterConnection.NamespaceSource.defaulted
        if let flag, !flag.isEmpty {
            (namespace, source) = (flag, .flag)
        } else if let data = FileManager.default.contents(atPath: root + "/namespace") {
            let ns = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !ns.isEmpty { (namespace, source) = (ns, .serviceAccount) }
        }
        return ClusterConnection(
            server: "https://\(hostPart):\(port)", contextName: "in-cluster", clusterName: "in-cluster", userName: "service account",
            namespace: namespace, namespaceSource: source, tls: tls, auth: .tokenFile(tokenPath),
            origin: "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT"
        )
    }
}
