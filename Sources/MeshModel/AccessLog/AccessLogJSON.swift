/// Envoy's and ztunnel's JSON access lines, read in one pass over the bytes.
///
/// A JSON access line is one flat object of strings and numbers. The fast path walks it
/// once, noting where the value of each key meshscope reads lies (the first occurrence
/// wins, as with ``JSONValue/member(exactly:)``), and only those values become strings.
/// Anything it does not handle itself (a string with escapes or control characters, a
/// nested object or array, trailing bytes, anything malformed) sends the line to the
/// generic decoder (``JSONDocument``), so both paths agree on every line: the fast one
/// accepts only lines the generic one reads the same way.
///
/// ```swift
/// let line = Array(#"{"response_code":503,"response_flags":"UH","authority":"ratings:9080"}"#.utf8)
/// line.withUnsafeBufferPointer { AccessLogJSON.parse($0, 0, $0.count) }   // .success(entry), entry.status == 503
/// ```
enum AccessLogJSON {
    /// The keys the entry is filled from, in one table: a key's position is its slot.
    enum Key: Int, CaseIterable {
        case scope, srcAddr, time, timestamp, message, msg, srcWorkload, srcNamespace, srcIdentity
        case dstHboneAddr, dstAddr, dstService, dstWorkload, dstNamespace, dstIdentity, direction
        case bytesSent, bytesRecv, duration, error
        case responseCode, upstreamCluster, startTime, method, path, protocolName, responseFlags
        case responseCodeDetails, connectionTerminationDetails, upstreamTransportFailureReason
        case bytesReceived, upstreamServiceTime, forwardedFor, userAgent, requestID, authority
        case upstreamHost, upstreamLocalAddress, downstreamLocalAddress, downstreamRemoteAddress
        case requestedServerName, routeName

        /// The key as the line spells it.
        var name: String {
            switch self {
            case .scope: "scope"
            case .srcAddr: "src.addr"
            case .time: "time"
            case .timestamp: "timestamp"
            case .message: "message"
            case .msg: "msg"
            case .srcWorkload: "src.workload"
            case .srcNamespace: "src.namespace"
            case .srcIdentity: "src.identity"
            case .dstHboneAddr: "dst.hbone_addr"
            case .dstAddr: "dst.addr"
            case .dstService: "dst.service"
            case .dstWorkload: "dst.workload"
            case .dstNamespace: "dst.namespace"
            case .dstIdentity: "dst.identity"
            case .direction: "direction"
            case .bytesSent: "bytes_sent"
            case .bytesRecv: "bytes_recv"
            case .duration: "duration"
            case .error: "error"
            case .responseCode: "response_code"
            case .upstreamCluster: "upstream_cluster"
            case .startTime: "start_time"
            case .method: "method"
            case .path: "path"
            case .protocolName: "protocol"
            case .responseFlags: "response_flags"
            case .responseCodeDetails: "response_code_details"
            case .connectionTerminationDetails: "connection_termination_details"
            case .upstreamTransportFailureReason: "upstream_transport_failure_reason"
            case .bytesReceived: "bytes_received"
            case .upstreamServiceTime: "upstream_service_time"
            case .forwardedFor: "x_forwarded_for"
            case .userAgent: "user_agent"
            case .requestID: "request_id"
            case .authority: "authority"
            case .upstreamHost: "upstream_host"
            case .upstreamLocalAddress: "upstream_local_address"
            case .downstreamLocalAddress: "downstream_local_address"
            case .downstreamRemoteAddress: "downstream_remote_address"
            case .requestedServerName: "requested_server_name"
            case .routeName: "route_name"
            }
        }

        static let byName: [String: Key] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
        /// Key names grouped by length (a line's key is compared only with keys of its length),
        /// each with its first eight bytes as one word: most keys differ there, so a line's key
        /// is told from the others by a load and a compare.
        static let byLength: [[(key: Key, head: UInt64, name: [UInt8])]] = {
            var t = [[(key: Key, head: UInt64, name: [UInt8])]](repeating: [], count: 40)
            for k in allCases {
                let name = Array(k.name.utf8)
                t[name.count].append((k, name.withUnsafeBufferPointer { head($0, 0, $0.count) }, name))
            }
            return t
        }()

        /// `b[s..<e]`'s first eight bytes (fewer, zero-padded, when shorter), little-endian.
        @inline(__always) static func head(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
            if e - s >= 8, let base = b.baseAddress { return word(base + s) }
            var w: UInt64 = 0
            for k in 0..<max(0, e - s) { w |= UInt64(b[s + k]) << (8 * k) }
            return w
        }

        @inline(__always) static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
            UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        }

        /// The key spelled by `b[s..<e]`, if meshscope reads it. `names` is ``byLength``, read
        /// once per line by the caller (a global's every read checks it was initialized).
        static func find(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, in names: [[(key: Key, head: UInt64, name: [UInt8])]]) -> Key? {
            let n = e - s
            guard n > 0, n < names.count else { return nil }
            let h = head(b, s, e)
            for c in names[n] where c.head == h {
                if n <= 8 || c.name.withUnsafeBufferPointer({ restEqual($0, b, s, n) }) { return c.key }
            }
            return nil
        }

        /// Whether `name` and `b[s..<s + n]` (more than eight bytes each) agree after their
        /// first eight, compared a word at a time (the last word may overlap the one before).
        @inline(__always) static func restEqual(_ name: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ n: Int) -> Bool {
            guard let p = name.baseAddress, let q = b.baseAddress else { return false }
            var k = 8
            while k < n {
                let at = min(k, n - 8)
                if word(p + at) != word(q + s + at) { return false }
                k += 8
            }
            return true
        }
    }

    /// What a key's value is, as the generic decoder would see it.
    enum Kind: Int { case absent = 0, string, number, literal, null }

    /// One value per ``Key``: its kind and its bytes (a string's without the quotes).
    struct Slots {
        var kind: UnsafeMutableBufferPointer<Int>
        var start: UnsafeMutableBufferPointer<Int>
        var end: UnsafeMutableBufferPointer<Int>
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, fields: AccessLogFields = .all) -> Result<AccessLogEntry, AccessLogRejection> {
        var entry = AccessLogEntry(format: .envoyJSON)
        if let rejection = read(b, start, end, fields, &entry) { return .failure(rejection) }
        return .success(entry)
    }

    /// The line into `entry` (a fresh one), with the descriptive `fields` asked for, or why not.
    static func read(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fields: AccessLogFields, _ entry: inout AccessLogEntry) -> AccessLogRejection? {
        let n = Key.allCases.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * n) { mem in
            mem.initialize(repeating: 0)
            let slots = Slots(kind: UnsafeMutableBufferPointer(rebasing: mem[0..<n]), start: UnsafeMutableBufferPointer(rebasing: mem[n..<(2 * n)]),
                              end: UnsafeMutableBufferPointer(rebasing: mem[(2 * n)...]))
            guard scan(b, start, end, slots) else { return generic(b, start, end, fields, &entry) }
            return fill(FastValues(b: b, slots: slots), fields, &entry)
        }
    }

    // MARK: The one pass

    /// Walks a flat object `{"key": scalar, …}` at `b[start..<end]`, recording the slots of
    /// known keys. false when the line needs the generic decoder (or is not valid JSON).
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ slots: Slots) -> Bool {
        @inline(__always) func isWS(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        var i = start
        guard i < end, b[i] == UInt8(ascii: "{") else { return false }
        i += 1
        let names = Key.byLength
        // A plain string (no escapes, no control characters) at the quote `i`: its content's
        // end, or nil for the generic decoder.
        @inline(__always) func plainString(_ i: Int) -> Int? {
            var j = i + 1
            // Eight bytes at a time up to the first quote, backslash or control character
            // (``WordBytes``), then the bytes from that one, one by one.
            if let base = b.baseAddress {
                while j + 8 <= end {
                    let w = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: j, as: UInt64.self))
                    let hits = WordBytes.equal(w, 0x22) | WordBytes.equal(w, 0x5C) | WordBytes.below(w, 0x20)
                    if hits != 0 {
                        j += hits.trailingZeroBitCount >> 3
                        break
                    }
                    j += 8
                }
            }
            while j < end {
                let c = b[j]
                if c == UInt8(ascii: "\"") { return j }
                if c == UInt8(ascii: "\\") || c < 0x20 { return nil }
                j += 1
            }
            return nil
        }
        while i < end, isWS(b[i]) { i += 1 }
        if i < end, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < end, b[i] == UInt8(ascii: "\"") else { return false }
                guard let ke = plainString(i) else { return false }
                let key = Key.find(b, i + 1, ke, in: names)
                i = ke + 1
                while i < end, isWS(b[i]) { i += 1 }
                guard i < end, b[i] == UInt8(ascii: ":") else { return false }
                i += 1
                while i < end, isWS(b[i]) { i += 1 }
                guard i < end else { return false }
                let vs: Int, ve: Int, kind: Kind
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let e = plainString(i) else { return false }
                    vs = i + 1
                    ve = e
                    kind = .string
                    i = e + 1
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // JSON's number grammar, as the generic decoder reads it.
                    vs = i
                    if b[i] == UInt8(ascii: "-") { i += 1 }
                    guard i < end, isDigit(b[i]) else { return false }
                    if b[i] == UInt8(ascii: "0") { i += 1 } else { while i < end, isDigit(b[i]) { i += 1 } }
                    if i < end, b[i] == UInt8(ascii: ".") {
                        i += 1
                        guard i < end, isDigit(b[i]) else { return false }
                        while i < end, isDigit(b[i]) { i += 1 }
                    }
                    if i < end, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                        i += 1
                        if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                        guard i < end, isDigit(b[i]) else { return false }
                        while i < end, isDigit(b[i]) { i += 1 }
                    }
                    ve = i
                    kind = .number
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let word: StaticString = b[i] == UInt8(ascii: "t") ? "true" : b[i] == UInt8(ascii: "f") ? "false" : "null"
                    let len = word.utf8CodeUnitCount
                    guard end - i >= len else { return false }
                    for k in 0..<len where b[i + k] != word.utf8Start[k] { return false }
                    vs = i
                    ve = i + len
                    kind = b[i] == UInt8(ascii: "n") ? .null : .literal
                    i += len
                default:
                    return false   // a nested object or array, or not JSON
                }
                if let key, slots.kind[key.rawValue] == 0 {
                    slots.kind[key.rawValue] = kind.rawValue
                    slots.start[key.rawValue] = vs
                    slots.end[key.rawValue] = ve
                }
                while i < end, isWS(b[i]) { i += 1 }
                guard i < end else { return false }
                if b[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                guard b[i] == UInt8(ascii: ",") else { return false }
                i += 1
                while i < end, isWS(b[i]) { i += 1 }
            }
        }
        while i < end, isWS(b[i]) { i += 1 }
        return i == end
    }

    // MARK: Values, from either path

    /// How the entry reads a key's value: as the old member lookups did (`str`: a string,
    /// nil for empty or `-`; a number or literal as its text; null as nil. `int`: an integer
    /// number or string).
    protocol Values {
        func has(_ k: Key) -> Bool
        func str(_ k: Key) -> String?
        func int(_ k: Key) -> Int?
        func isAccessScope() -> Bool
    }

    struct FastValues: Values {
        let b: UnsafeBufferPointer<UInt8>
        let slots: Slots

        @inline(__always) func kind(_ k: Key) -> Kind { Kind(rawValue: slots.kind[k.rawValue]) ?? .absent }
        func has(_ k: Key) -> Bool { kind(k) != .absent }

        func str(_ k: Key) -> String? {
            let s = slots.start[k.rawValue], e = slots.end[k.rawValue]
            switch kind(k) {
            case .absent, .null: return nil
            case .string: return AccessLogParser.value(b, s, e)
            case .number, .literal: return AccessLogParser.string(b, s, e)
            }
        }

        func int(_ k: Key) -> Int? {
            let s = slots.start[k.rawValue], e = slots.end[k.rawValue]
            switch kind(k) {
            case .absent, .null, .literal: return nil
            case .string: return ByteText.jsonInt(b, s, e) ?? Int(AccessLogParser.string(b, s, e))
            case .number:
                if let v = ByteText.jsonInt(b, s, e) { return v }
                // As ``JSONValue/int``: a whole Double below 2^53.
                return Double(AccessLogParser.string(b, s, e)).flatMap { $0.rounded() == $0 && abs($0) < 9_007_199_254_740_992 ? Int(exactly: $0) : nil }
            }
        }

        func isAccessScope() -> Bool {
            let s = slots.start[Key.scope.rawValue], e = slots.end[Key.scope.rawValue]
            return kind(.scope) == .string && e - s == 6 && AccessLogParser.equals(b, s, "access")
        }
    }

    /// The generic path: the line as a ``JSONDocument``.
    struct TreeValues: Values {
        let root: JSONValue

        func has(_ k: Key) -> Bool { root.member(exactly: k.name) != nil }

        func str(_ k: Key) -> String? {
            guard let v = root.member(exactly: k.name) else { return nil }
            if let s = v.string { return s.isEmpty || s == "-" ? nil : s }
            if v.isNull { return nil }
            return v.rawText
        }

        func int(_ k: Key) -> Int? {
            guard let v = root.member(exactly: k.name) else { return nil }
            if let i = v.int { return i }
            if let s = v.string { return Int(s) }
            return nil
        }

        func isAccessScope() -> Bool { root.member(exactly: "scope")?.string == "access" }
    }

    /// The line through the generic decoder: the reference the fast path agrees with.
    static func generic(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, fields: AccessLogFields = .all) -> Result<AccessLogEntry, AccessLogRejection> {
        var entry = AccessLogEntry(format: .envoyJSON)
        if let rejection = generic(b, start, end, fields, &entry) { return .failure(rejection) }
        return .success(entry)
    }

    static func generic(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ fields: AccessLogFields, _ entry: inout AccessLogEntry) -> AccessLogRejection? {
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: Array(b[start..<end])) } catch { return .badJSON }
        guard doc.root.isObject else { return .unknownFormat }
        return fill(TreeValues(root: doc.root), fields, &entry)
    }

    /// The entry a JSON line's values make: ztunnel's (scope `access`, or `src.addr`) or
    /// Envoy's, with the descriptive `fields` asked for.
    static func fill(_ v: some Values, _ fields: AccessLogFields, _ entry: inout AccessLogEntry) -> AccessLogRejection? {
        /// The value, when `fields` asks for it.
        func str(_ k: Key, _ f: AccessLogFields) -> String? { fields.contains(f) ? v.str(k) : nil }
        if v.isAccessScope() || v.has(.srcAddr) {
            entry.format = .ztunnel
            if fields.contains(.startTime) { entry.startTime = v.str(.time) ?? v.str(.timestamp) }
            entry.message = v.str(.message) ?? v.str(.msg)
            AccessLogParser.fillZtunnel(&entry) { name in Key.byName[name].flatMap { v.str($0) } }
            return nil
        }
        guard v.has(.responseCode) || v.has(.upstreamCluster) || v.has(.startTime) else { return .unknownFormat }
        entry.format = .envoyJSON
        entry.startTime = str(.startTime, .startTime)
        entry.method = v.str(.method)
        entry.path = v.str(.path)
        entry.protocolName = str(.protocolName, .protocolName)
        entry.status = v.int(.responseCode)
        if let f = v.str(.responseFlags) { entry.flags = ResponseFlag.parse(f) }
        entry.responseCodeDetails = str(.responseCodeDetails, .responseCodeDetails)
        entry.connectionTerminationDetails = str(.connectionTerminationDetails, .connectionTerminationDetails)
        entry.upstreamTransportFailureReason = str(.upstreamTransportFailureReason, .upstreamTransportFailureReason)
        entry.bytesReceived = v.int(.bytesReceived)
        entry.bytesSent = v.int(.bytesSent)
        entry.durationMs = v.int(.duration)
        if fields.contains(.upstreamServiceTime) { entry.upstreamServiceTimeMs = v.int(.upstreamServiceTime) }
        entry.forwardedFor = str(.forwardedFor, .forwardedFor)
        entry.userAgent = str(.userAgent, .userAgent)
        entry.requestID = v.str(.requestID)
        entry.authority = v.str(.authority)
        entry.upstreamHost = v.str(.upstreamHost)
        entry.upstreamCluster = v.str(.upstreamCluster)
        entry.upstreamLocalAddress = str(.upstreamLocalAddress, .upstreamLocalAddress)
        entry.downstreamLocalAddress = v.str(.downstreamLocalAddress)
        entry.downstreamRemoteAddress = v.str(.downstreamRemoteAddress)
        entry.requestedServerName = str(.requestedServerName, .requestedServerName)
        entry.routeName = str(.routeName, .routeName)
        return nil
    }
}
