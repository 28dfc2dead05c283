import Foundation
import MeshGen

/// `--demo-user NAMESPACE`: the demo as a developer in a multi-tenant cluster sees it, through
/// a service account token bound to one namespace (read everything there, reach its proxies,
/// apply there) and nothing cluster-wide: meshscope starts in that namespace and says what
/// it may not read (istiod's namespace, other teams').
///
/// ```swift
/// let path = try demo.writeRestrictedKubeconfig(namespace: "bookinfo")
/// ```
extension DemoCluster {
    /// The user name the token authenticates as.
    public static func restrictedUser(namespace: String) -> String { "system:serviceaccount:\(namespace):meshscope-demo" }

    /// Adds a token limited to `namespace` and writes a kubeconfig that uses it (context
    /// `meshscope-demo`, namespace `namespace`); returns the path.
    public func writeRestrictedKubeconfig(namespace: String, path: String? = nil) throws -> String {
        let user = DemoCluster.restrictedUser(namespace: namespace)
        let token = "demo-" + UUID().uuidString.lowercased()
        api.addToken(token, user: user)
        api.grantNamespaceReader(user: user, namespace: namespace)
        api.grant(user: user, namespace: namespace, verbs: ["create", "patch", "update"], apiGroups: ["*"], resources: ["*"])
        let file = path ?? NSTemporaryDirectory() + "meshscope-demo-\(api.port)-\(namespace).kubeconfig"
        let text = kubeconfigText(user: user, token: token, namespace: namespace)
        _ = FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600])
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }
}
