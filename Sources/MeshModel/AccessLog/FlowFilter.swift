/// The filters of `meshscope flows` and `top`: each one given narrows the flows, all must hold.
///
/// ```swift
/// var f = FlowFilter()
/// f.status = try StatusMatcher("5xx,403")
/// f.flags = ["UH"]
/// f.to = "ratings"
/// f.matches(flow)
/// ```
public struct FlowFilter: Sendable {
    /// Either end, or the reporter, in this namespace.
    public var namespace: String?
    /// The reporting pod, or either end's pod.
    public var pod: String?
    public var from: String?
    public var to: String?
    public var status: StatusMatcher?
    /// Any of these flag codes (long names are mapped to codes by the caller).
    public var flags: Set<String> = []
    /// Epoch seconds: flows that started earlier are left out (when their time is known).
    public var notBefore: Int?

    public init() {}

    /// The descriptive entry fields ``matches(_:)`` reads (``AccessLogFields``): the time,
    /// for ``notBefore``; the rest it reads are always parsed.
    public var fields: AccessLogFields { notBefore == nil ? [] : .time }

    public func matches(_ flow: Flow) -> Bool {
        if let namespace, flow.reporter?.namespace != namespace, flow.source.namespace != namespace, flow.destination.namespace != namespace {
            return false
        }
        if let pod, flow.reporter?.pod != pod, flow.source.pod != pod, flow.destination.pod != pod { return false }
        if let from, !flow.source.matches(from) { return false }
        if let to, !flow.destination.matches(to) { return false }
        if let status, !status.matches(flow.entry.status) { return false }
        if !flags.isEmpty, !flow.entry.flags.contains(where: { flags.contains($0.code) }) { return false }
        if let notBefore, let t = flow.epochSeconds, t < notBefore { return false }
        return true
    }
}

/// `5xx`, `403`, `4xx,503`, `0` (no response): one HTTP status or class, comma-separated.
public struct StatusMatcher: Sendable, Equatable {
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var exact: Set<Int> = []
    /// The hundreds digit of each `Nxx` class.
    public var classes: Set<Int> = []

    public init(_ text: String) throws(Invalid) {
        for part in text.split(separator: ",") {
            let p = part.lowercased()
            if p.count == 3, p.hasSuffix("xx"), let d = Int(p.prefix(1)), (1...5).contains(d) {
                classes.insert(d)
            } else if let n = Int(p), (0...999).contains(n) {
                exact.insert(n)
            } else {
                throw Invalid(description: "--status: \"\(part)\" is neither a status code (403) nor a class (5xx)")
            }
        }
        if exact.isEmpty && classes.isEmpty { throw Invalid(description: "--status: no status given") }
    }

    public func matches(_ status: Int?) -> Bool {
        guard let status else { return false }
        return exact.contains(status) || classes.contains(status / 100)
    }
}

extension Flow {
    /// When the request started (else when the line was logged), in epoch seconds.
    public var epochSeconds: Int? {
        FlowTime.epochSeconds(entry.startTime ?? "") ?? entry.receivedAt.flatMap(FlowTime.epochSeconds)
    }
}

/// RFC 3339 timestamps to epoch seconds without Foundation's date parser (which costs
/// microseconds a line).
public enum FlowTime {
    /// `2025-01-30T10:53:16.283Z`, `…+01:00`, `2025-01-30 10:53:16` → seconds since 1970 (UTC).
    public static func epochSeconds(_ s: String) -> Int? {
        let b = Array(s.utf8)
        guard b.count >= 19 else { return nil }
        func num(_ i: Int, _ n: Int) -> Int? {
            var v = 0
            for k in i..<(i + n) {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 0x2D, let mo = num(5, 2), b[7] == 0x2D, let d = num(8, 2),
              let h = num(11, 2), b[13] == 0x3A, let mi = num(14, 2), b[16] == 0x3A, let sec = num(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var offset = 0
        var i = 19
        if i < b.count, b[i] == 0x2E { i += 1; while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 } }
        if i < b.count, b[i] == 0x2B || b[i] == 0x2D, i + 6 <= b.count, let oh = num(i + 1, 2), let om = num(i + 4, 2) {
            offset = (oh * 3600 + om * 60) * (b[i] == 0x2B ? 1 : -1)
        }
        return days(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
