/// Reads one kubeconfig file's tree into typed entries, checking types and naming the
/// exact field on error (`/home/me/.kube/config: users["ci"].user.token: expected a string, found number`).
struct KubeconfigParser {
    let file: KubeconfigFile

    struct Parsed {
        var clusters: [Kubeconfig.Cluster] = []
        var users: [Kubeconfig.User] = []
        var contexts: [Kubeconfig.Context] = []
        var currentContext: String?
    }

    private var dir: String {
        guard let slash = file.path.lastIndex(of: "/") else { return "." }
        let d = String(file.path[..<slash])
        return d.isEmpty ? "/" : d
    }

    func parse() throws(KubeconfigError) -> Parsed {
        var out = Parsed()
        let root = file.content
        if root.isNull { return out }  // an empty file is a valid, empty kubeconfig
        guard case .object = root else {
            throw KubeconfigError("\(file.path): expected a kubeconfig mapping at the top level, found \(root.typeName)")
        }
        out.currentContext = try string(root["current-context"], "current-context")
        for (i, entry) in try list(root["clusters"], "clusters").enumerated() {
            let (name, body, field) = try named(entry, list: "clusters", index: i, bodyKey: "cluster")
            let origin = Kubeconfig.Origin(file: file.path, field: field)
            var c = Kubeconfig.Cluster(name: name, origin: origin)
            c.server = try string(body["server"], field + ".server")
            c.certificateAuthority = path(try string(body["certificate-authority"], field + ".certificate-authority"))
            c.certificateAuthorityData = try string(body["certificate-authority-data"], field + ".certificate-authority-data")
            c.insecureSkipTLSVerify = try bool(body["insecure-skip-tls-verify"], field + ".insecure-skip-tls-verify") ?? false
            c.tlsServerName = try string(body["tls-server-name"], field + ".tls-server-name")
            c.proxyURL = try string(body["proxy-url"], field + ".proxy-url")
            out.clusters.append(c)
        }
        for (i, entry) in try list(root["users"], "users").enumerated() {
            let (name, body, field) = try named(entry, list: "users", index: i, bodyKey: "user")
            var u = Kubeconfig.User(name: name, origin: Kubeconfig.Origin(file: file.path, field: field))
            u.token = try string(body["token"], field + ".token").map(Redacted.init)
            u.tokenFile = path(try string(body["tokenFile"] ?? body["token-file"], field + ".tokenFile"))
            u.clientCertificate = path(try string(body["client-certificate"], field + ".client-certificate"))
            u.clientCertificateData = try string(body["client-certificate-data"], field + ".client-certificate-data")
            u.clientKey = path(try string(body["client-key"], field + ".client-key"))
            u.clientKeyData = try string(body["client-key-data"], field + ".client-key-data").map(Redacted.init)
            u.username = try string(body["username"], field + ".username")
            u.password = try string(body["password"], field + ".password").map(Redacted.init)
            if let exec = body["exec"], !exec.isNull {
                u.exec = try execConfig(exec, field + ".exec")
            }
            if let provider = body["auth-provider"], !provider.isNull {
                u.authProvider = try string(provider["name"], field + ".auth-provider.name") ?? "unnamed"
            }
            out.users.append(u)
        }
        for (i, entry) in try list(root["contexts"], "contexts").enumerated() {
            let (name, body, field) = try named(entry, list: "contexts", index: i, bodyKey: "context")
            out.contexts.append(Kubeconfig.Context(
                name: name,
                origin: Kubeconfig.Origin(file: file.path, field: field),
                cluster: try string(body["cluster"], field + ".cluster") ?? "",
                user: try string(body["user"], field + ".user") ?? "",
                namespace: try string(body["namespace"], field + ".namespace")
            ))
        }
        return out
    }

    private func execConfig(_ exec: JSONTree, _ field: String) throws(KubeconfigError) -> ExecConfig {
        guard case .object = exec else { throw fail(field, "expected a mapping, found \(exec.typeName)") }
        guard let command = try string(exec["command"], field + ".command"), !command.isEmpty else {
            throw fail(field + ".command", "missing: an exec plugin needs a command")
        }
        let apiVersion = try string(exec["apiVersion"], field + ".apiVersion") ?? ""
        guard ExecConfig.supportedAPIVersions.contains(apiVersion) else {
            throw fail(field + ".apiVersion", "\"\(apiVersion)\" is not supported; use one of \(ExecConfig.supportedAPIVersions.joined(separator: ", "))")
        }
        var args: [String] = []
        for (i, a) in try list(exec["args"], field + ".args").enumerated() {
            guard let s = a.string else { throw fail("\(field).args[\(i)]", "expected a string, found \(a.typeName)") }
            args.append(s)
        }
        var env: [ExecConfig.EnvVar] = []
        for (i, e) in try list(exec["env"], field + ".env").enumerated() {
            let f = "\(field).env[\(i)]"
            guard let n = try string(e["name"], f + ".name") else { throw fail(f + ".name", "missing") }
            env.append(ExecConfig.EnvVar(name: n, value: try string(e["value"], f + ".value") ?? ""))
        }
        // client-go resolves a relative command against the kubeconfig's directory only when it
        // names a path (./plugin); a bare name is a $PATH lookup. The resolved path must keep a
        // slash: a kubeconfig given as a relative path (`--kubeconfig kc.yaml`) has directory
        // ".", and "./hang.sh" would otherwise clean to "hang.sh" and be looked up on PATH.
        var resolvedCommand = command
        if command.contains("/"), let resolved = path(command) {
            resolvedCommand = resolved.contains("/") ? resolved : "./" + resolved
        }
        return ExecConfig(
            apiVersion: apiVersion, command: resolvedCommand, args: args, env: env,
            installHint: try string(exec["installHint"], field + ".installHint"),
            provideClusterInfo: try bool(exec["provideClusterInfo"], field + ".provideClusterInfo") ?? false,
            interactiveMode: try string(exec["interactiveMode"], field + ".interactiveMode")
        )
    }

    private func named(_ entry: JSONTree, list: String, index: Int, bodyKey: String) throws(KubeconfigError) -> (String, JSONTree, String) {
        let at = "\(list)[\(index)]"
        guard case .object = entry else { throw fail(at, "expected a mapping, found \(entry.typeName)") }
        guard let name = try string(entry["name"], at + ".name"), !name.isEmpty else { throw fail(at + ".name", "missing") }
        let field = "\(list)[\"\(name)\"].\(bodyKey)"
        let body = entry[bodyKey] ?? .object(JSONObject())
        guard case .object = body else { throw fail(field, "expected a mapping, found \(body.typeName)") }
        return (name, body, field)
    }

    private func list(_ v: JSONTree?, _ field: String) throws(KubeconfigError) -> [JSONTree] {
        guard let v, !v.isNull else { return [] }
        guard let a = v.arrayValue else { throw fail(field, "expected a list, found \(v.typeName)") }
        return a
    }

    private func string(_ v: JSONTree?, _ field: String) throws(KubeconfigError) -> String? {
        guard let v, !v.isNull else { return nil }
        guard let s = v.string else { throw fail(field, "expected a string, found \(v.typeName)") }
        return s
    }

    private func bool(_ v: JSONTree?, _ field: String) throws(KubeconfigError) -> Bool? {
        guard let v, !v.isNull else { return nil }
        if let b = v.boolValue { return b }
        if let s = v.string, s == "true" || s == "false" { return s == "true" }
        throw fail(field, "expected true or false, found \(v.typeName)")
    }

    private func path(_ p: String?) -> String? {
        guard let p, !p.isEmpty else { return nil }
        if p.hasPrefix("/") { return p }
        return KubeconfigParser.normalize(dir + "/" + p)
    }

    /// Drops `.` segments and resolves `..` (lexically, like Go's filepath.Clean).
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            out.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + out.joined(separator: "/")
    }

    private func fail(_ field: String, _ message: String) -> KubeconfigError {
        KubeconfigError("\(file.path): \(field): \(message)")
    }
}
