/// A Kubernetes `Status` object: what the API server sends back with every error.
///
/// ```swift
/// let s = KubeStatus(bytes: body, httpCode: 409)
/// s.reason           // "Conflict"
/// s.causes.first?.field  // ".spec.replicas"
/// ```
public struct KubeStatus: Sendable, Equatable, Error {
    public var code: Int
    public var reason: String
    public var message: String
    public var kind: String?
    public var name: String?
    public var group: String?
    public var causes: [Cause]
    /// `details.retryAfterSeconds` (429 and some 5xx).
    public var retryAfterSeconds: Int?

    public struct Cause: Sendable, Equatable {
        public var type: String
        public var message: String
        public var field: String
        public init(type: String, message: String, field: String) {
            self.type = type
            self.message = message
            self.field = field
        }
    }

    public init(code: Int, reason: String, message: String, causes: [Cause] = []) {
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
    }

    /// Decodes a Status body; a body that is not a Status (a proxy's HTML error page, plain
    /// text) becomes a Status with the HTTP code and the first line of the text.
    public init(bytes: [UInt8], httpCode: Int) {
        if let doc = try? JSONDocument(bytes: bytes), doc.root["kind"]?.string == "Status" {
            self.init(doc.root, httpCode: httpCode)
            return
        }
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        self.init(code: httpCode, reason: KubeStatus.reasonForCode(httpCode), message: firstLine.isEmpty ? "HTTP \(httpCode)" : firstLine)
    }

    public init(_ v: JSONValue, httpCode: Int) {
        self.init(code: v["code"]?.int ?? httpCode, reason: v["reason"]?.string ?? KubeStatus.reasonForCode(httpCode), message: v["message"]?.string ?? "")
        let details = v["details"]
        kind = details?["kind"]?.string
        name = details?["name"]?.string
        group = details?["group"]?.string
        retryAfterSeconds = details?["retryAfterSeconds"]?.int
        // StatusCause's Go field `Type` is serialised as "reason".
        causes = details?["causes"]?.elements.map {
            Cause(type: $0.member(exactly: "reason")?.string ?? $0.member(exactly: "type")?.string ?? "", message: $0["message"]?.string ?? "", field: $0["field"]?.string ?? "")
        } ?? []
    }

    /// The reason the API server uses for an HTTP code (`metav1.StatusReason`).
    public static func reasonForCode(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }

    /// The Status as the API server would send it (for the fake server and tests).
    public var tree: JSONTree {
        var details = JSONObject()
        if let name { details["name"] = .string(name) }
        if let group { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { .object([("reason", .string($0.type)), ("message", .string($0.message)), ("field", .string($0.field))]) })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .number(String(retryAfterSeconds)) }
        var o = JSONObject([
            ("kind", "Status"), ("apiVersion", "v1"), ("metadata", .object(JSONObject())),
            ("status", "Failure"), ("message", .string(message)), ("reason", .string(reason)),
        ])
        if !details.isEmpty { o["details"] = .object(details) }
        o["code"] = .number(String(code))
        return .object(o)
    }
}
