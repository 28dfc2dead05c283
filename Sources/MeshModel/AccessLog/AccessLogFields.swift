/// Which of an entry's descriptive fields the parser fills: a String per field per line is most
/// of what parsing costs, and `top` shows none of these.
///
/// The fields that say who talked to whom and how it went are always filled: the format, method,
/// path, status, flags, byte counts, duration, request ID, authority, upstream host and cluster,
/// the downstream addresses, and every ztunnel field but its time. Those in this set are filled
/// only when asked for; left out, they stay nil whatever the line says. Which lines parse, and
/// how they are rejected, does not depend on the set.
///
/// ```swift
/// let full = try AccessLogParser.parse(line).get()
/// let lean = try AccessLogParser.parse(buffer: b, fields: []).get()
/// lean.userAgent            // nil
/// lean.authority == full.authority   // true: always filled
/// ```
public struct AccessLogFields: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `%START_TIME%` (ztunnel's own time).
    public static let startTime = AccessLogFields(rawValue: 1 << 0)
    /// The `kubectl logs --timestamps` prefix.
    public static let receivedAt = AccessLogFields(rawValue: 1 << 1)
    public static let protocolName = AccessLogFields(rawValue: 1 << 2)
    public static let responseCodeDetails = AccessLogFields(rawValue: 1 << 3)
    public static let connectionTerminationDetails = AccessLogFields(rawValue: 1 << 4)
    public static let upstreamTransportFailureReason = AccessLogFields(rawValue: 1 << 5)
    public static let upstreamServiceTime = AccessLogFields(rawValue: 1 << 6)
    public static let forwardedFor = AccessLogFields(rawValue: 1 << 7)
    public static let userAgent = AccessLogFields(rawValue: 1 << 8)
    public static let upstreamLocalAddress = AccessLogFields(rawValue: 1 << 9)
    public static let requestedServerName = AccessLogFields(rawValue: 1 << 10)
    public static let routeName = AccessLogFields(rawValue: 1 << 11)

    /// What ``Flow/epochSeconds`` reads: a flow's time, for `--since` and a sliding window.
    public static let time: AccessLogFields = [.startTime, .receivedAt]
    /// Every field: what `flows` prints.
    public static let all: AccessLogFields = [
        .startTime, .receivedAt, .protocolName, .responseCodeDetails, .connectionTerminationDetails,
        .upstreamTransportFailureReason, .upstreamServiceTime, .forwardedFor, .userAgent,
        .upstreamLocalAddress, .requestedServerName, .routeName,
    ]

    /// Clears the fields of `entry` outside `self`: what a parse with `self` leaves nil.
    /// Tests compare a masked parse with the full one through it.
    public func masking(_ entry: AccessLogEntry) -> AccessLogEntry {
        var e = entry
        if !contains(.startTime) { e.startTime = nil }
        if !contains(.receivedAt) { e.receivedAt = nil }
        if !contains(.protocolName) { e.protocolName = nil }
        if !contains(.responseCodeDetails) { e.responseCodeDetails = nil }
        if !contains(.connectionTerminationDetails) { e.connectionTerminationDetails = nil }
        if !contains(.upstreamTransportFailureReason) { e.upstreamTransportFailureReason = nil }
        if !contains(.upstreamServiceTime) { e.upstreamServiceTimeMs = nil }
        if !contains(.forwardedFor) { e.forwardedFor = nil }
        if !contains(.userAgent) { e.userAgent = nil }
        if !contains(.upstreamLocalAddress) { e.upstreamLocalAddress = nil }
        if !contains(.requestedServerName) { e.requestedServerName = nil }
        if !contains(.routeName) { e.routeName = nil }
        return e
    }
}
