import MeshModel
import NIOHTTP1

/// One API request, plus what it is for (so errors can say "list pods in namespace shop").
public struct KubeRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute path on the API server, e.g. `/api/v1/namespaces/shop/pods`.
    public var path: String
    public var query: [(String, String)]
    /// A query sent exactly as given (admin paths such as `config_dump?include_eds`,
    /// which Envoy reads as written); used instead of `query` when set.
    public var rawQuery: String?
    public var body: [UInt8]?
    public var contentType: String?
    public var accept: String
    /// The Kubernetes verb, for messages: get, list, watch, create, patch, delete.
    public var verb: String
    /// What the verb applies to, for messages: `pods in namespace "shop"`.
    public var target: String
    /// Overrides the transport's request timeout (seconds); watches use their own.
    public var timeout: Double?

    public init(method: HTTPMethod = .GET, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil,
                accept: String = "application/json", verb: String, target: String, timeout: Double? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.verb = verb
        self.target = target
        self.timeout = timeout
    }

    /// Path plus percent-encoded query.
    public var pathAndQuery: String {
        if let rawQuery, !rawQuery.isEmpty { return path + "?" + rawQuery }
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(KubeRequest.encode($0.0))=\(KubeRequest.encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 0xF)]))
            }
        }
        return out
    }
}

/// A complete response.
public struct KubeResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
}
