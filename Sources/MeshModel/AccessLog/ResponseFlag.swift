/// Envoy's response flags (`%RESPONSE_FLAGS%`, `%RESPONSE_FLAGS_LONG%`), each explained in
/// words so a flow that failed says why without a trip to Envoy's docs.
///
/// The list is Envoy's `CORE_RESPONSE_FLAGS` (envoy/stream_info/stream_info.h): short code,
/// long name, and what Envoy documents the flag to mean. Access logs carry the short codes
/// joined by `,` (`UH`, `UF,URX`) or, with `%RESPONSE_FLAGS_LONG%`, the long names
/// concatenated (`NoHealthyUpstream`); ``ResponseFlag/parse(_:)`` reads both.
///
/// ```swift
/// ResponseFlag.lookup("UH")?.explanation        // "no healthy upstream host"
/// ResponseFlag.parse("UF,URX").map(\.code)      // ["UF", "URX"]
/// ResponseFlag.parse("NoHealthyUpstream")[0].code // "UH"
/// ```
public struct ResponseFlag: Sendable, Hashable {
    /// The short code Istio's default format prints: `UH`.
    public var code: String
    /// Envoy's long name: `NoHealthyUpstream`.
    public var longName: String
    /// What it means, in words.
    public var explanation: String

    public init(_ code: String, _ longName: String, _ explanation: String) {
        self.code = code
        self.longName = longName
        self.explanation = explanation
    }

    /// `UH: no healthy upstream host`.
    public var described: String { code + ": " + explanation }

    /// Every flag Envoy documents, in Envoy's order.
    public static let all: [ResponseFlag] = [
        ResponseFlag("LH", "FailedLocalHealthCheck", "local service failed its health check (503)"),
        ResponseFlag("UH", "NoHealthyUpstream", "no healthy upstream host (503)"),
        ResponseFlag("UT", "UpstreamRequestTimeout", "upstream request timeout (504)"),
        ResponseFlag("LR", "LocalReset", "connection reset locally (503)"),
        ResponseFlag("UR", "UpstreamRemoteReset", "upstream reset the connection (503)"),
        ResponseFlag("UF", "UpstreamConnectionFailure", "upstream connection failure (503; often an mTLS mismatch)"),
        ResponseFlag("UC", "UpstreamConnectionTermination", "upstream connection terminated (503)"),
        ResponseFlag("UO", "UpstreamOverflow", "upstream overflow: circuit breaker open (503)"),
        ResponseFlag("NR", "NoRouteFound", "no route configured (404), or no filter chain matched the connection"),
        ResponseFlag("DI", "DelayInjected", "delayed by fault injection"),
        ResponseFlag("FI", "FaultInjected", "aborted by fault injection"),
        ResponseFlag("RL", "RateLimited", "rate limited locally (429)"),
        ResponseFlag("UAEX", "UnauthorizedExternalService", "denied by the external authorization service"),
        ResponseFlag("RLSE", "RateLimitServiceError", "rejected: the rate limit service failed"),
        ResponseFlag("DC", "DownstreamConnectionTermination", "downstream connection terminated"),
        ResponseFlag("URX", "UpstreamRetryLimitExceeded", "upstream retry limit (HTTP) or connect attempts (TCP) exceeded"),
        ResponseFlag("SI", "StreamIdleTimeout", "stream idle timeout (408 or 504)"),
        ResponseFlag("IH", "InvalidEnvoyRequestHeaders", "invalid value in a strictly checked request header (400)"),
        ResponseFlag("DPE", "DownstreamProtocolError", "downstream HTTP protocol error (is the port's protocol right?)"),
        ResponseFlag("UMSDR", "UpstreamMaxStreamDurationReached", "upstream request reached its max stream duration"),
        ResponseFlag("RFCF", "ResponseFromCacheFilter", "response served by Envoy's cache filter"),
        ResponseFlag("NFCF", "NoFilterConfigFound", "no filter configuration arrived within the warming deadline"),
        ResponseFlag("DT", "DurationTimeout", "request or connection exceeded its max duration"),
        ResponseFlag("UPE", "UpstreamProtocolError", "upstream HTTP protocol error"),
        ResponseFlag("NC", "NoClusterFound", "upstream cluster not found"),
        ResponseFlag("OM", "OverloadManagerTerminated", "terminated by the overload manager"),
        ResponseFlag("DF", "DnsResolutionFailed", "DNS resolution failed"),
        ResponseFlag("DO", "DropOverload", "dropped by drop_overloads (503)"),
        ResponseFlag("DR", "DownstreamRemoteReset", "downstream reset the stream"),
    ]

    private static let byCode: [String: ResponseFlag] = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    private static let byLongName: [String: ResponseFlag] = Dictionary(all.map { ($0.longName, $0) }, uniquingKeysWith: { a, _ in a })

    /// A flag by its short code or long name; nil for anything else.
    public static func lookup(_ name: String) -> ResponseFlag? { byCode[name] ?? byLongName[name] }

    /// The flags of one `%RESPONSE_FLAGS%` or `%RESPONSE_FLAGS_LONG%` value. `-` and the
    /// empty string are no flags; a code Envoy does not document (a custom flag) is kept with
    /// an explanation saying so, never dropped.
    public static func parse(_ text: String) -> [ResponseFlag] {
        if text.isEmpty || text == "-" { return [] }
        var out: [ResponseFlag] = []
        for part in text.split(separator: ",") {
            let name = String(part)
            if let f = lookup(name) {
                out.append(f)
            } else if let split = splitLongNames(name) {
                out.append(contentsOf: split)
            } else {
                out.append(ResponseFlag(name, name, "not a flag Envoy documents"))
            }
        }
        return out
    }

    /// `%RESPONSE_FLAGS_LONG%` concatenates long names without a separator
    /// (`UpstreamConnectionFailureUpstreamRetryLimitExceeded`): split at each known name.
    private static func splitLongNames(_ text: String) -> [ResponseFlag]? {
        var rest = Substring(text)
        var out: [ResponseFlag] = []
        while !rest.isEmpty {
            guard let f = all.first(where: { rest.hasPrefix($0.longName) }) else { return nil }
            out.append(f)
            rest = rest.dropFirst(f.longName.count)
        }
        return out.isEmpty ? nil : out
    }
}
