/// An upstream host address as Envoy's `/clusters` reports it.
///
/// The text form prints `Address::asString()` (`10.0.0.1:80`, `[::1]:80`, a pipe path such as
/// `./etc/istio/proxy/SDS` or `@abstract`, `envoy://listener/endpoint`); the JSON form prints a
/// `config.core.v3.Address` (`socket_address`, `pipe`, `envoy_internal_address`). Both map here.
///
/// ```swift
/// UpstreamHostAddress(text: "[::1]:8080")   // .socket(address: "::1", port: 8080)
/// UpstreamHostAddress(text: "[::1]:8080").description   // "[::1]:8080"
/// ```
public enum UpstreamHostAddress: Sendable, Hashable, CustomStringConvertible {
    case socket(address: String, port: PortNumber)
    case pipe(path: String)
    case envoyInternal(serverListenerName: String, endpointID: String)

    /// Parses the text form (`Address::asString()`).
    public init(text: String) {
        if text.hasPrefix("envoy://") {
            let rest = text.dropFirst("envoy://".count)
            if let slash = rest.firstIndex(of: "/") {
                self = .envoyInternal(serverListenerName: String(rest[..<slash]), endpointID: String(rest[rest.index(after: slash)...]))
            } else {
                self = .envoyInternal(serverListenerName: String(rest), endpointID: "")
            }
            return
        }
        if let (address, port) = UpstreamHostAddress.splitHostPort(text) {
            self = .socket(address: address, port: port)
            return
        }
        self = .pipe(path: text)
    }

    /// `[v6]:port` or `v4:port`; anything else (pipe paths, names) is not a socket address.
    /// Digits beyond 65535 still make a socket address, with the port marked invalid.
    static func splitHostPort(_ text: String) -> (String, PortNumber)? {
        let u = text.utf8
        guard let colon = u.lastIndex(of: 0x3A) else { return nil }
        let portBytes = u[u.index(after: colon)...]
        guard !portBytes.isEmpty, portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let port = PortNumber(text: Substring(portBytes))
        let host = u[..<colon]
        if host.first == 0x5B {  // [v6]
            guard host.count >= 2, host.last == 0x5D else { return nil }
            let inner = host.dropFirst().dropLast()
            guard inner.allSatisfy({ isHex($0) || $0 == 0x3A || $0 == 0x2E || $0 == 0x25 || isAlnum($0) }) else { return nil }
            return (String(Substring(inner)), port)
        }
        guard !host.isEmpty, host.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) else { return nil }
        return (String(Substring(host)), port)
    }

    private static func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }
    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }

    /// Envoy's own spelling (`Address::asString()`): IPv6 in brackets, internal addresses as `envoy://`.
    public var description: String {
        switch self {
        case .socket(let address, let port):
            address.utf8.contains(0x3A) ? "[\(address)]:\(port)" : "\(address):\(port)"
        case .pipe(let path): path
        case .envoyInternal(let listener, let id): "envoy://\(listener)/\(id)"
        }
    }

    /// The address part istioctl filters and sorts on: the IP, or `unix://PATH` for anything
    /// that is not a socket (istioctl reads only `socket_address` and `pipe`, so an internal
    /// address comes out as a bare `unix://`).
    public var istioctlAddress: String {
        switch self {
        case .socket(let address, _): address
        case .pipe(let path): "unix://" + path
        case .envoyInternal: "unix://"
        }
    }

    /// The port istioctl shows; 0 for non-socket addresses.
    public var port: PortNumber {
        if case .socket(_, let port) = self { return port }
        return .valid(0)
    }
}
