import MeshModel

/// Everything that can go wrong talking to a cluster, as one line a user can act on:
/// which URL, which context, which user and verb.
///
/// ```
/// cannot reach https://10.0.0.1:6443 (context "prod", from ~/.kube/config: clusters["prod"].cluster.server): connection refused
/// Forbidden: user "ci" (context "prod") may not list pods in namespace "shop": pods is forbidden: ...
/// ```
public struct KubeClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case config, credentials, unreachable, tls, timeout
        case unauthorized, forbidden, notFound, conflict, expired, tooManyRequests, invalid, status
        case badResponse
    }

    public var kind: Kind
    public var message: String
    /// The API server's Status, for errors that came with one.
    public var status: KubeStatus?

    public init(_ kind: Kind, _ message: String, status: KubeStatus? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// Kind for an HTTP error status.
    public static func kind(forCode code: Int) -> Kind {
        switch code {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 410: .expired
        case 422: .invalid
        case 429: .tooManyRequests
        default: .status
        }
    }
}
