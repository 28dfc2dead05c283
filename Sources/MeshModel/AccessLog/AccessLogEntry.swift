/// One access-log line, parsed: an Envoy request or TCP connection (Istio's default TEXT
/// format or its JSON encoding), or a ztunnel connection. Fields a format does not carry, or
/// that the line left as `-`, are nil.
///
/// ```swift
/// let e = try AccessLogParser.parse(line).get()
/// e.status            // 503
/// e.flags.map(\.code) // ["UH"]
/// e.upstreamCluster   // "outbound|9080||ratings.bookinfo.svc.cluster.local"
/// ```
public struct AccessLogEntry: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        case envoyText = "envoy-text"
        case envoyJSON = "envoy-json"
        case ztunnel
    }

    public var format: Format
    /// The timestamp `kubectl logs --timestamps` (the API server's `timestamps=true`) put in
    /// front of the line, when there was one.
    public var receivedAt: String?
    /// `%START_TIME%` (Envoy) or the line's own timestamp (ztunnel).
    public var startTime: String?
    public var method: String?
    public var path: String?
    public var protocolName: String?
    /// `%RESPONSE_CODE%`; 0 means no response was sent (the client went away). nil for TCP
    /// and ztunnel.
    public var status: Int?
    public var flags: [ResponseFlag] = []
    public var responseCodeDetails: String?
    public var connectionTerminationDetails: String?
    public var upstreamTransportFailureReason: String?
    public var bytesReceived: Int?
    public var bytesSent: Int?
    /// Milliseconds.
    public var durationMs: Int?
    public var upstreamServiceTimeMs: Int?
    public var forwardedFor: String?
    public var userAgent: String?
    public var requestID: String?
    public var authority: String?
    public var upstreamHost: String?
    public var upstreamCluster: String?
    public var upstreamLocalAddress: String?
    public var downstreamLocalAddress: String?
    public var downstreamRemoteAddress: String?
    public var requestedServerName: String?
    public var routeName: String?
    // ztunnel
    /// `connection complete`, `connection opened`, or another ztunnel access message.
    public var message: String?
    public var sourceWorkload: String?
    public var sourceNamespace: String?
    public var sourceIdentity: String?
    public var destinationWorkload: String?
    public var destinationNamespace: String?
    public var destinationIdentity: String?
    public var destinationService: String?
    /// `inbound` or `outbound`.
    public var direction: String?
    public var error: String?

    public init(format: Format) { self.format = format }

    /// Whether the request (or connection) failed: a 5xx, an HTTP request with no response
    /// at all (code 0; TCP lines always log 0), a ztunnel error, or a flag other than the
    /// informational ones (DI, RFCF).
    public var failed: Bool {
        if let status, status >= 500 || (status == 0 && method != nil) { return true }
        if error != nil { return true }
        return flags.contains { $0.code != "DI" && $0.code != "RFCF" }
    }

    /// The direction a sidecar's line describes, from its upstream cluster
    /// (`outbound|9080||reviews…`, `inbound|9080||`), or ztunnel's `direction`.
    public var isInbound: Bool? {
        if let direction { return direction == "inbound" }
        guard let c = upstreamCluster else { return nil }
        if c.hasPrefix("inbound") { return true }
        if c.hasPrefix("outbound") { return false }
        return nil
    }
}

/// Why a line did not parse. The line itself is kept by the caller, raw.
public enum AccessLogRejection: String, Error, Sendable, Equatable, CaseIterable {
    /// It starts like an access-log line but ends early (a stream cut mid-line).
    case truncated
    /// A JSON object that does not parse (partial JSON).
    case badJSON = "bad-json"
    /// Neither Envoy's default format, its JSON encoding, nor ztunnel's.
    case unknownFormat = "unknown-format"
}
