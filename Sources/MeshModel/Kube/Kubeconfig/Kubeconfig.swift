import Foundation

/// One kubeconfig file as read from disk: its path and its parsed content.
public struct KubeconfigFile: Sendable {
    public var path: String
    public var content: JSONTree
    public init(path: String, content: JSONTree) {
        self.path = path
        self.content = content
    }
}

/// The merged view of one or more kubeconfig files, as kubectl builds it.
///
/// Merge rules (client-go's `clientcmd` loading rules): files are taken in `$KUBECONFIG`
/// order; for clusters, users and contexts the first file that defines a name wins;
/// `current-context` comes from the first file that sets it. Relative paths inside a file
/// are resolved against that file's directory. Every entry remembers where it came from,
/// so errors can name the file and the field.
///
/// ```swift
/// let config = try Kubeconfig.merge([KubeconfigFile(path: "/home/me/.kube/config", content: tree)])
/// let conn = try config.resolve(context: nil, namespace: nil)
/// conn.server  // "https://10.0.0.1:6443"
/// ```
public struct Kubeconfig: Sendable {
    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The file that set `current-context`.
    public var currentContextFile: String?
    /// Files merged, in order.
    public var files: [String] = []

    public init() {}

    /// Where a named entry was defined: file and the field path inside it.
    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var field: String
        public var description: String { "\(file): \(field)" }
        public func child(_ name: String) -> Origin { Origin(file: file, field: field + "." + name) }
    }

    public struct Cluster: Sendable {
        public var name: String
        public var origin: Origin
        public var server: String?
        public var certificateAuthority: String?
        /// Base64 text as written in the file; decoded when a connection is resolved.
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool = false
        public var tlsServerName: String?
        public var proxyURL: String?
    }

    public struct User: Sendable {
        public var name: String
        public var origin: Origin
        public var token: Redacted?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: Redacted?
        public var username: String?
        public var password: Redacted?
        public var exec: ExecConfig?
        /// Name of a legacy `auth-provider` (gcp, azure, oidc), which meshscope does not run.
        public var authProvider: String?
    }

    public struct Context: Sendable {
        public var name: String
        public var origin: Origin
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    /// Merges files in order (first definition of a name wins).
    public static func merge(_ files: [KubeconfigFile]) throws(KubeconfigError) -> Kubeconfig {
        var config = Kubeconfig()
        for file in files {
            config.files.append(file.path)
            let parsed = try KubeconfigParser(file: file).parse()
            for c in parsed.clusters where config.clusters[c.name] == nil { config.clusters[c.name] = c }
            for u in parsed.users where config.users[u.name] == nil { config.users[u.name] = u }
            for c in parsed.contexts where config.contexts[c.name] == nil { config.contexts[c.name] = c }
            if config.currentContext == nil, let cc = parsed.currentContext, !cc.isEmpty {
                config.currentContext = cc
                config.currentContextFile = file.path
            }
        }
        return config
    }
}

/// A value that must never be printed or logged (tokens, passwords, private keys).
public struct Redacted: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// An `exec` credential plugin entry (`client.authentication.k8s.io/v1` or `v1beta1`).
public struct ExecConfig: Sendable, Hashable {
    public var apiVersion: String
    public var command: String
    public var args: [String]
    public var env: [EnvVar]
    public var installHint: String?
    public var provideClusterInfo: Bool
    public var interactiveMode: String?

    public struct EnvVar: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
}

/// A kubeconfig problem, always naming the file and field (or the context) involved.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
