import Foundation

/// Everything needed to talk to one API server: the outcome of resolving a kubeconfig
/// context (or the in-cluster service account) plus command-line overrides.
///
/// Holds file paths and in-memory secrets; the I/O layer reads the files. Printing a
/// `ClusterConnection` never shows a token or key (see ``Redacted``).
public struct ClusterConnection: Sendable {
    /// The API server URL, e.g. `https://10.0.0.1:6443`.
    public var server: String
    public var contextName: String
    public var clusterName: String
    public var userName: String
    public var namespace: String
    public var namespaceSource: NamespaceSource
    public var tls: TLSSettings
    public var auth: AuthMethod
    public var proxyURL: String?
    /// Where the server URL came from, for "unreachable" errors.
    public var origin: String

    public enum NamespaceSource: Sendable, Equatable {
        /// `-n/--namespace` on the command line.
        case flag
        /// The kubeconfig context's `namespace`.
        case context
        /// The pod's own namespace (in-cluster).
        case serviceAccount
        /// Nothing set: `default`.
        case defaulted
    }

    /// Bytes from a file or inline base64 data, remembering which (for error messages).
    public enum Material: Sendable, Hashable {
        case file(String)
        case data([UInt8], field: String)

        public var label: String {
            switch self {
            case .file(let p): p
            case .data(_, let field): field
            }
        }
    }

    public struct TLSSettings: Sendable, Equatable {
        public var certificateAuthority: Material?
        public var insecureSkipVerify: Bool = false
        public var serverName: String?
        public var clientCertificate: Material?
        public var clientKey: Material?
        public init() {}
    }

    public enum AuthMethod: Sendable, Hashable {
        case none
        case token(Redacted)
        /// Re-read periodically, like client-go (tokens there are rotated by kubelet).
        case tokenFile(String)
        case basic(username: String, password: Redacted)
        case exec(ExecConfig)
        case clientCertificate

        public var label: String {
            switch self {
            case .none: "anonymous"
            case .token: "bearer token"
            case .tokenFile(let p): "token file \(p)"
            case .basic: "basic auth"
            case .exec(let e): "exec plugin \(e.command)"
            case .clientCertificate: "client certificate"
            }
        }
    }

    public init(server: String, contextName: String, clusterName: String, userName: String, namespace: String,
                namespaceSource: NamespaceSource, tls: TLSSettings, auth: AuthMethod, proxyURL: String? = nil, origin: String) {
        self.server = server
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        self.namespace = namespace
        self.namespaceSource = namespaceSource
        self.tls = tls
        self.auth = auth
        self.proxyURL = proxyURL
        self.origin = origin
    }
}

extension Kubeconfig {
    /// Picks a context (the flag, else `current-context`) and turns it into a connection.
    ///
    /// Errors name the kubeconfig file and field: a context that points at an undefined
    /// cluster, a cluster without `server`, inline data that is not base64.
    public func resolve(context override: String?, namespace namespaceFlag: String?) throws(KubeconfigError) -> ClusterConnection {
        let filesText = files.isEmpty ? "no kubeconfig files" : files.joined(separator: ", ")
        guard let contextName = (override?.isEmpty == false ? override : nil) ?? currentContext else {
            throw KubeconfigError("no context selected: \(filesText) set no current-context; pass --context (contexts defined: \(contexts.keys.sorted().joined(separator: ", ").ifEmpty("none")))")
        }
        guard let context = contexts[contextName] else {
            let source = override != nil ? "--context" : "current-context in \(currentContextFile ?? filesText)"
            throw KubeconfigError("context \"\(contextName)\" (from \(source)) is not defined in \(filesText) (contexts defined: \(contexts.keys.sorted().joined(separator: ", ").ifEmpty("none")))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw KubeconfigError("\(context.origin.child("cluster")): cluster \"\(context.cluster)\" is not defined in \(filesText)")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeconfigError("\(cluster.origin.child("server")): missing: cluster \"\(cluster.name)\" has no server URL")
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeconfigError("\(cluster.origin.child("server")): \"\(server)\" is not an http(s) URL")
        }

        var tls = ClusterConnection.TLSSettings()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify
        tls.serverName = cluster.tlsServerName
        if let data = cluster.certificateAuthorityData {
            tls.certificateAuthority = .data(try Kubeconfig.base64(data, cluster.origin.child("certificate-authority-data")), field: cluster.origin.child("certificate-authority-data").description)
        } else if let file = cluster.certificateAuthority {
            tls.certificateAuthority = .file(file)
        }

        var auth = ClusterConnection.AuthMethod.none
        if !context.user.isEmpty {
            guard let user = users[context.user] else {
                throw KubeconfigError("\(context.origin.child("user")): user \"\(context.user)\" is not defined in \(filesText)")
            }
            if let data = user.clientCertificateData {
                tls.clientCertificate = .data(try Kubeconfig.base64(data, user.origin.child("client-certificate-data")), field: user.origin.child("client-certificate-data").description)
            } else if let file = user.clientCertificate {
                tls.clientCertificate = .file(file)
            }
            if let data = user.clientKeyData {
                tls.clientKey = .data(try Kubeconfig.base64(data.value, user.origin.child("client-key-data")), field: user.origin.child("client-key-data").description)
            } else if let file = user.clientKey {
                tls.clientKey = .file(file)
            }
            if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
                let missing = tls.clientKey == nil ? "client-key or client-key-data" : "client-certificate or client-certificate-data"
                throw KubeconfigError("\(user.origin): \(missing) is missing: a client certificate needs both certificate and key")
            }
            if let provider = user.authProvider {
                throw KubeconfigError("\(user.origin.child("auth-provider")): auth-provider \"\(provider)\" was removed from kubectl; configure an exec plugin (e.g. kubelogin or gke-gcloud-auth-plugin) instead")
            }
            // client-go's precedence: token, then token file, then basic auth, then exec.
            if let token = user.token, !token.value.isEmpty {
                auth = .token(token)
            } else if let file = user.tokenFile {
                auth = .tokenFile(file)
            } else if let name = user.username, let password = user.password {
                auth = .basic(username: name, password: password)
            } else if let exec = user.exec {
                auth = .exec(exec)
            } else if tls.clientCertificate != nil {
                auth = .clientCertificate
            }
        }

        let namespace: String
        let source: ClusterConnection.NamespaceSource
        if let flag = namespaceFlag, !flag.isEmpty {
            (namespace, source) = (flag, .flag)
        } else if let ns = context.namespace, !ns.isEmpty {
            (namespace, source) = (ns, .context)
        } else {
            (namespace, source) = ("default", .defaulted)
        }
        return ClusterConnection(
            server: server, contextName: context.name, clusterName: cluster.name, userName: context.user.isEmpty ? "(none)" : context.user,
            namespace: namespace, namespaceSource: source, tls: tls, auth: auth, proxyURL: cluster.proxyURL,
            origin: cluster.origin.child("server").description
        )
    }

    static func base64(_ text: String, _ origin: Origin) throws(KubeconfigError) -> [UInt8] {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw KubeconfigError("\(origin): not valid base64")
        }
        return [UInt8](data)
    }
}

fileprivate extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
