extension GoCompat {
    /// `net.SplitHostPort`: `host:port` or `[v6]:port`; nil when Go would return an error.
    static func splitHostPort(_ s: String) -> (host: String, port: String)? {
        let u = Array(s.utf8)
        guard let lastColon = u.lastIndex(of: 0x3A) else { return nil }
        var host: ArraySlice<UInt8>
        if u.first == 0x5B {
            guard let close = u.firstIndex(of: 0x5D), close + 1 == lastColon else { return nil }
            host = u[1..<close]
        } else {
            host = u[0..<lastColon]
            if host.contains(0x3A) { return nil }  // "too many colons"
        }
        if host.contains(0x5B) || host.contains(0x5D) { return nil }
        return (String(decoding: host, as: UTF8.self), String(decoding: u[(lastColon + 1)...], as: UTF8.self))
    }

    /// `net.JoinHostPort`: brackets hosts that contain a colon.
    static func joinHostPort(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
