extension ByteText {
    /// A plain unsigned decimal (what Envoy prints for counters and gauges), or nil; nil on
    /// overflow, never a trap.
    @inline(__always)
    static func uint64(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard start < end, end - start <= 20 else { return nil }
        return digits(b, start, end)
    }

    /// The value of the decimal digits `b[start..<end]` (none: 0), nil on any other byte or
    /// past `UInt64.max`: the loop under ``uint64(_:_:_:)`` and ``int64(_:_:_:)``.
    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        var v: UInt64 = 0
        var i = start
        while i < end {
            let d = b[i] &- 0x30
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        return v
    }

    /// An optional sign and decimal digits, nothing else, in `Int64`'s range: Go's
    /// `strconv.Atoi` (also what Prometheus timestamps and integer samples are). Nil on
    /// anything else, overflow included. The magnitude is accumulated as a positive number,
    /// so `-9223372036854775808` is nil too.
    ///
    /// ```swift
    /// Array("-42".utf8).withUnsafeBufferPointer { ByteText.int64($0, 0, $0.count) }   // -42
    /// ```
    @inline(__always)
    static func int64(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        var negative = false
        if i < end && (b[i] == 0x2B || b[i] == 0x2D) {
            negative = b[i] == 0x2D
            i += 1
        }
        guard i < end, let magnitude = digits(b, i, end), magnitude <= UInt64(Int64.max) else { return nil }
        let v = Int64(magnitude)
        return negative ? -v : v
    }

    /// A JSON integer (`-?digits`, at most 20 bytes) that fits `Int`, or nil: never wrapped.
    /// Unlike ``int64(_:_:_:)`` no `+`, and `Int.min` parses (the value is accumulated
    /// negatively). What ``JSONValue`` and the access-log JSON reader both read integers with.
    ///
    /// ```swift
    /// Array("-9223372036854775808".utf8).withUnsafeBufferPointer { ByteText.jsonInt($0, 0, $0.count) }   // Int.min
    /// ```
    @inline(__always)
    static func jsonInt(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard end > start, end - start <= 20 else { return nil }
        var i = start
        let negative = b[i] == 0x2D
        if negative {
            i += 1
            if i == end { return nil }
        }
        var v = 0
        while i < end {
            let d = Int(b[i]) &- 0x30
            guard d >= 0 && d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (r, o2) = m.subtractingReportingOverflow(d)
            if o1 || o2 { return nil }
            v = r
            i += 1
        }
        if negative { return v }
        return v == Int.min ? nil : -v
    }

    /// ``int64(_:_:_:)`` over a string's UTF-8.
    static func int64<S: StringProtocol>(_ s: S) -> Int64? {
        var text = String(s)
        return text.withUTF8 { int64($0, 0, $0.count) }
    }

    /// A number as Envoy's fmt prints doubles (`-1`, `99.5`, `1.6e+06`, `nan`).
    static func double(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        guard start < end else { return nil }
        if let u = uint64(b, start, end) { return Double(u) }
        let s = string(b, start, end)
        if s == "nan" || s == "-nan" { return .nan }
        return Double(s)
    }
}
