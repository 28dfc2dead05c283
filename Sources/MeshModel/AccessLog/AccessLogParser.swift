/// Reads one access-log line in any of the formats meshscope knows, byte by byte:
///
/// - Envoy in Istio's default TEXT format (`meshConfig.accessLogFile`, 22 fields:
///   `[START] "METHOD PATH PROTO" CODE FLAGS DETAILS TERMINATION "FAILURE" RX TX DURATION
///   UPSTREAM_TIME "XFF" "UA" "REQ_ID" "AUTHORITY" "UPSTREAM_HOST" CLUSTER UPSTREAM_LOCAL
///   DOWNSTREAM_LOCAL DOWNSTREAM_REMOTE SNI ROUTE`);
/// - Envoy in Istio's JSON encoding (`accessLogEncoding: JSON`, the same fields by name);
/// - ztunnel's access lines (`TIME\tinfo\taccess\tconnection complete\tsrc.addr=… dst.workload=…`),
///   as text or as JSON (`scope":"access"`);
///
/// each optionally behind the timestamp `kubectl logs --timestamps` (the API server's
/// `timestamps=true`) adds. A line in none of these formats is rejected with a reason; the
/// caller keeps it raw and counts it.
///
/// No regular expressions and no intermediate arrays of strings: fields are located as byte
/// ranges and only the ones present become strings, so a core reads a few hundred thousand
/// lines a second.
///
/// ```swift
/// let line = #"[2025-01-30T10:53:16.283Z] "GET /ratings/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl" "1" "ratings:9080" "-" outbound|9080||ratings.bookinfo.svc.cluster.local - 10.96.0.9:9080 10.244.0.7:40000 - default"#
/// let entry = try AccessLogParser.parse(line).get()
/// entry.status   // 503
/// ```
public enum AccessLogParser {
    public static func parse(_ line: String) -> Result<AccessLogEntry, AccessLogRejection> {
        var s = line
        return s.withUTF8 { parse(buffer: $0) }
    }

    public static func parse(_ line: [UInt8]) -> Result<AccessLogEntry, AccessLogRejection> {
        line.withUnsafeBufferPointer { parse(buffer: $0) }
    }

    public static func parse(_ line: ArraySlice<UInt8>) -> Result<AccessLogEntry, AccessLogRejection> {
        line.withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// The line's entry, with only the descriptive `fields` asked for (``AccessLogFields``).
    public static func parse(buffer b: UnsafeBufferPointer<UInt8>, fields: AccessLogFields = .all) -> Result<AccessLogEntry, AccessLogRejection> {
        var entry = AccessLogEntry(format: .envoyText)
        if let rejection = read(b, fields: fields, into: &entry) { return .failure(rejection) }
        return .success(entry)
    }

    /// Parses the line into `entry` (a fresh one) or says why not: ``FlowIngest`` moves the
    /// entry into its flow from here, where a `Result` would cost a copy of two dozen fields.
    static func read(_ b: UnsafeBufferPointer<UInt8>, fields: AccessLogFields, into entry: inout AccessLogEntry) -> AccessLogRejection? {
        var end = b.count
        while end > 0, b[end - 1] == 0x0A || b[end - 1] == 0x0D || b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        var start = 0
        while start < end, b[start] == 0x20 { start += 1 }
        guard start < end else { return .unknownFormat }
        var receivedAt: Range<Int>?
        if let (ts, next) = timestampPrefix(b, start, end) {
            receivedAt = ts
            start = next
            guard start < end else { return .truncated }
        }
        let rejection: AccessLogRejection?
        switch b[start] {
        case UInt8(ascii: "["): rejection = envoyText(b, start, end, fields, &entry)
        case UInt8(ascii: "{"): rejection = AccessLogJSON.read(b, start, end, fields, &entry)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): rejection = ztunnelText(b, start, end, fields, &entry)
        default: return .unknownFormat
        }
        if rejection == nil, let receivedAt, fields.contains(.receivedAt) { entry.receivedAt = string(b, receivedAt.lowerBound, receivedAt.upperBound) }
        return rejection
    }

    // MARK: Timestamps

    /// `2025-01-30T12:10:13.682034460Z ` (RFC 3339, then one space) at `i`: where the
    /// timestamp lies and where the line goes on. A timestamp followed by a tab is ztunnel's
    /// own, not a prefix.
    static func timestampPrefix(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> (Range<Int>, Int)? {
        guard looksLikeTimestamp(b, i, end) else { return nil }
        var j = i
        while j < end, j - i < 40, b[j] != 0x20, b[j] != 0x09 { j += 1 }
        guard j < end, b[j] == 0x20 else { return nil }
        return (i..<j, j + 1)
    }

    static func looksLikeTimestamp(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        guard end - i >= 20 else { return false }
        for k in 0..<4 where !isDigit(b[i + k]) { return false }
        return b[i + 4] == UInt8(ascii: "-") && b[i + 7] == UInt8(ascii: "-") && (b[i + 10] == UInt8(ascii: "T") || b[i + 10] == 0x20)
            && b[i + 13] == UInt8(ascii: ":")
    }

    // MARK: Envoy TEXT

    static let textFields = 22

    static func envoyText(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fields: AccessLogFields,
                          _ entry: inout AccessLogEntry) -> AccessLogRejection? {
        // Field boundaries (start, end) of each field's content, quotes and brackets removed,
        // in a stack buffer: fs = bounds[0..<22], fe = bounds[22..<44].
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * textFields) { bounds -> AccessLogRejection? in
                let fs = UnsafeMutableBufferPointer(rebasing: bounds[0..<textFields])
                let fe = UnsafeMutableBufferPointer(rebasing: bounds[textFields...])
                var n = 0
                var i = start
                while i < end, n < textFields {
                    while i < end, b[i] == 0x20 { i += 1 }
                    if i >= end { break }
                    let c = b[i]
                    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "[") {
                        let close: UInt8 = c == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : UInt8(ascii: "]")
                        var j = i + 1
                        while j < end, b[j] != close { j += 1 }
                        if j >= end { return .truncated }
                        fs[n] = i + 1
                        fe[n] = j
                        i = j + 1
                    } else {
                        var j = i
                        while j < end, b[j] != 0x20 { j += 1 }
                        fs[n] = i
                        fe[n] = j
                        i = j
                    }
                    n += 1
                }
                // `[START] "…`: an Envoy debug line (`[time][thread][level][logger] …`) or any
                // other bracketed log is another format, not a truncated access line.
                if n >= 2, fs[1] == 0 || b[fs[1] - 1] != UInt8(ascii: "\"") { return .unknownFormat }
                if n == 1, fe[0] + 1 < end, b[fe[0] + 1] != 0x20 { return .unknownFormat }
                guard n == textFields else { return .truncated }
                func field(_ k: Int) -> String? { value(b, fs[k], fe[k]) }
                /// The field, when `fields` asks for it.
                func field(_ k: Int, _ f: AccessLogFields) -> String? { fields.contains(f) ? value(b, fs[k], fe[k]) : nil }
                func number(_ k: Int) -> Int? { integer(b, fs[k], fe[k]) }
                // The response code is a number or `-`; anything else is another format.
                guard fe[2] > fs[2], number(2) != nil || (fe[2] - fs[2] == 1 && b[fs[2]] == UInt8(ascii: "-")) else { return .unknownFormat }
                entry.format = .envoyText
                entry.startTime = field(0, .startTime)
                // "METHOD PATH PROTOCOL": the path is everything between the first and last space.
                let rs = fs[1], re = fe[1]
                var sp1 = rs
                while sp1 < re, b[sp1] != 0x20 { sp1 += 1 }
                var sp2 = re
                while sp2 > sp1, b[sp2 - 1] != 0x20 { sp2 -= 1 }
                if sp1 < re, sp2 > sp1 + 1 {
                    entry.method = value(b, rs, sp1)
                    entry.path = value(b, sp1 + 1, sp2 - 1)
                    if fields.contains(.protocolName) { entry.protocolName = value(b, sp2, re) }
                } else {
                    entry.method = value(b, rs, re)
                }
                entry.status = number(2)
                if let flags = field(3) { entry.flags = ResponseFlag.parse(flags) }
                entry.responseCodeDetails = field(4, .responseCodeDetails)
                entry.connectionTerminationDetails = field(5, .connectionTerminationDetails)
                entry.upstreamTransportFailureReason = field(6, .upstreamTransportFailureReason)
                entry.bytesReceived = number(7)
                entry.bytesSent = number(8)
                entry.durationMs = number(9)
                if fields.contains(.upstreamServiceTime) { entry.upstreamServiceTimeMs = number(10) }
                entry.forwardedFor = field(11, .forwardedFor)
                entry.userAgent = field(12, .userAgent)
                entry.requestID = field(13)
                entry.authority = field(14)
                entry.upstreamHost = field(15)
                entry.upstreamCluster = field(16)
                entry.upstreamLocalAddress = field(17, .upstreamLocalAddress)
                entry.downstreamLocalAddress = field(18)
                entry.downstreamRemoteAddress = field(19)
                entry.requestedServerName = field(20, .requestedServerName)
                entry.routeName = field(21, .routeName)
                return nil
        }
    }

    // MARK: ztunnel TEXT

    /// `TIME LEVEL SCOPE MESSAGE key=value key="quoted value" …`, separated by tabs (or,
    /// in some versions, spaces). Only scope `access` is an access line.
    static func ztunnelText(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fields: AccessLogFields,
                            _ entry: inout AccessLogEntry) -> AccessLogRejection? {
        guard looksLikeTimestamp(b, start, end) else { return .unknownFormat }
        func token(_ i: inout Int) -> (Int, Int) {
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            let s = i
            while i < end, b[i] != 0x20, b[i] != 0x09 { i += 1 }
            return (s, i)
        }
        var i = start
        let time = token(&i)
        _ = token(&i) // level
        let scope = token(&i)
        guard scope.1 - scope.0 == 6, equals(b, scope.0, "access") else {
            return i >= end ? .truncated : .unknownFormat
        }
        // The message runs to the first `key=` token (or the next tab).
        while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        let msgStart = i
        var msgEnd = i
        var j = i
        while j < end {
            let t0 = j
            while j < end, b[j] != 0x20, b[j] != 0x09, b[j] != UInt8(ascii: "=") { j += 1 }
            if j < end, b[j] == UInt8(ascii: "=") { j = t0; break }
            msgEnd = j
            if j < end, b[j] == 0x09 { j += 1; break }
            while j < end, b[j] == 0x20 { j += 1 }
        }
        let message = value(b, msgStart, msgEnd)
        var pairs: [(Int, Int, Int, Int, Bool)] = []
        pairs.reserveCapacity(16)
        i = j
        while i < end {
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            if i >= end { break }
            let ks = i
            while i < end, b[i] != UInt8(ascii: "="), b[i] != 0x20, b[i] != 0x09 { i += 1 }
            guard i < end, b[i] == UInt8(ascii: "=") else {
                // A word without `=` after the pairs: not ztunnel's shape.
                if i >= end { return .truncated }
                continue
            }
            let ke = i
            i += 1
            if i < end, b[i] == UInt8(ascii: "\"") {
                let vs = i + 1
                var k = vs
                var escaped = false
                while k < end, b[k] != UInt8(ascii: "\"") {
                    if b[k] == UInt8(ascii: "\\") { escaped = true; k += 1 }
                    k += 1
                }
                if k >= end { return .truncated }
                pairs.append((ks, ke, vs, k, escaped))
                i = k + 1
            } else {
                let vs = i
                while i < end, b[i] != 0x20, b[i] != 0x09 { i += 1 }
                pairs.append((ks, ke, vs, i, false))
            }
        }
        guard !pairs.isEmpty || message != nil else { return .truncated }
        entry.format = .ztunnel
        if fields.contains(.startTime) { entry.startTime = string(b, time.0, time.1) }
        entry.message = message
        var values: [String: String] = [:]
        for (ks, ke, vs, ve, escaped) in pairs {
            var v = string(b, vs, ve)
            if escaped { v = unescape(v) }
            values[string(b, ks, ke)] = v
        }
        fillZtunnel(&entry) { key in values[key].flatMap { $0.isEmpty || $0 == "-" ? nil : $0 } }
        return nil
    }

    static func fillZtunnel(_ entry: inout AccessLogEntry, _ get: (String) -> String?) {
        entry.downstreamRemoteAddress = get("src.addr")
        entry.sourceWorkload = get("src.workload")
        entry.sourceNamespace = get("src.namespace")
        entry.sourceIdentity = get("src.identity")
        entry.upstreamHost = get("dst.hbone_addr") ?? get("dst.addr")
        entry.downstreamLocalAddress = get("dst.addr")
        entry.destinationService = get("dst.service")
        entry.destinationWorkload = get("dst.workload")
        entry.destinationNamespace = get("dst.namespace")
        entry.destinationIdentity = get("dst.identity")
        entry.direction = get("direction")
        entry.bytesSent = get("bytes_sent").flatMap { Int($0) }
        entry.bytesReceived = get("bytes_recv").flatMap { Int($0) }
        entry.durationMs = get("duration").flatMap(milliseconds)
        entry.error = get("error")
    }

    /// `2ms`, `1.5s`, `350µs`, `12us`, `3m`, a bare number of milliseconds → whole milliseconds.
    public static func milliseconds(_ text: String) -> Int? {
        var number = Substring(text)
        var scale = 1.0
        for (unit, s) in [("ms", 1.0), ("µs", 0.001), ("us", 0.001), ("ns", 0.000_001), ("s", 1000.0), ("m", 60_000.0)] where number.hasSuffix(unit) {
            number = number.dropLast(unit.count)
            scale = s
            break
        }
        guard let v = Double(number), v.isFinite, v >= 0 else { return nil }
        let ms = v * scale
        return ms < 1e15 ? Int(ms) : nil
    }

    // MARK: Bytes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    @inline(__always) static func string(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
    }

    /// The field's text, nil for `-` or nothing.
    @inline(__always) static func value(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String? {
        if e <= s || (e - s == 1 && b[s] == UInt8(ascii: "-")) { return nil }
        return string(b, s, e)
    }

    /// A non-negative decimal of at most 18 digits (no overflow possible); nil otherwise.
    @inline(__always) static func integer(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        guard e > s, e - s <= 18 else { return nil }
        var v = 0
        for k in s..<e {
            let c = b[k]
            guard isDigit(c) else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard s + n <= b.count else { return false }
        let p = text.utf8Start
        for k in 0..<n where b[s + k] != p[k] { return false }
        return true
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            if c == "\\", let n = it.next() { out.append(n == "n" ? "\n" : n == "t" ? "\t" : n) } else { out.append(c) }
        }
        return out
    }
}
