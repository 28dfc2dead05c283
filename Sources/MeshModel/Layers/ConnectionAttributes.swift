/// What Envoy knows about a connection when it picks a filter chain. `nil` means "not
/// given": the selection then reports every chain the connection could reach, each with the
/// condition on that attribute, instead of guessing a value.
///
/// ```swift
/// var a = ConnectionAttributes(destinationPort: 8080)
/// a.transportProtocol = "tls"
/// a.applicationProtocols = ["istio-peer-exchange", "istio"]
/// ```
public struct ConnectionAttributes: Sendable, Equatable {
    public var destinationIP: String?
    public var destinationPort: Int?
    /// SNI (set by tls_inspector).
    public var serverName: String?
    /// `tls` or `raw_buffer` (tls_inspector).
    public var transportProtocol: String?
    /// ALPN (tls_inspector) or `http/1.1` / `h2c` (http_inspector).
    public var applicationProtocols: [String]?
    public var sourceIP: String?
    public var sourcePort: Int?

    public init(destinationIP: String? = nil, destinationPort: Int? = nil, serverName: String? = nil,
                transportProtocol: String? = nil, applicationProtocols: [String]? = nil,
                sourceIP: String? = nil, sourcePort: Int? = nil) {
        self.destinationIP = destinationIP
        self.destinationPort = destinationPort
        self.serverName = serverName
        self.transportProtocol = transportProtocol
        self.applicationProtocols = applicationProtocols
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
    }
}

/// IPv4/IPv6 addresses as bytes, for prefix matching.
public enum IPAddress {
    static func bytes(_ s: String) -> [UInt8]? {
        if s.contains(":") { return v6(s) }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    private static func v6(_ s: String) -> [UInt8]? {
        var halves: [String] = []
        var rest = Substring(s)
        while let i = rest.indices.first(where: { rest[$0] == ":" && rest.index(after: $0) < rest.endIndex && rest[rest.index(after: $0)] == ":" }) {
            halves.append(String(rest[..<i]))
            rest = rest[rest.index(i, offsetBy: 2)...]
        }
        halves.append(String(rest))
        guard halves.count <= 2 else { return nil }
        func groups(_ t: String) -> [UInt16]? {
            if t.isEmpty { return [] }
            var out: [UInt16] = []
            for g in t.split(separator: ":", omittingEmptySubsequences: false) {
                guard let n = UInt16(g, radix: 16) else { return nil }
                out.append(n)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Whether `ip` is inside `prefix/len`.
    static func contains(prefix: String, length: Int, ip: String) -> Bool {
        guard let p = bytes(prefix), let a = bytes(ip), p.count == a.count else { return false }
        var bits = max(0, min(length, p.count * 8))
        var i = 0
        while bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if p[i] & mask != a[i] & mask { return false }
            bits -= 8
            i += 1
        }
        return true
    }

    public static func isLiteral(_ s: String) -> Bool { bytes(s) != nil }

    static func isLoopback(_ s: String) -> Bool { s.hasPrefix("127.") || s == "::1" }
}
