/// Istio's host names as its analyzers read them.
///
/// A short name (no dot, no leading `*`) means a Service in the namespace of the object
/// that wrote it: `reviews` in a VirtualService in `bookinfo` is
/// `reviews.bookinfo.svc.cluster.local`. A leading `*` is a wildcard over the labels to its
/// left (`*.example.com`), and `*` alone matches every host.
///
/// ```swift
/// ConfigHosts.fqdn("reviews", namespace: "bookinfo")          // reviews.bookinfo.svc.cluster.local
/// ConfigHosts.overlaps("*.example.com", "api.example.com")    // true
/// ```
enum ConfigHosts {
    static let serviceDomain = "svc.cluster.local"

    static func fqdn(_ host: String, namespace: String) -> String {
        if host.hasPrefix("*") || host.contains(".") { return host }
        return "\(host).\(namespace).\(serviceDomain)"
    }

    /// `name.namespace.svc.cluster.local` → (name, namespace); nil for any other host.
    static func service(_ fqdn: String) -> (name: String, namespace: String)? {
        let suffix = "." + serviceDomain
        guard fqdn.hasSuffix(suffix) else { return nil }
        let parts = fqdn.dropLast(suffix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// Whether two hosts can name the same thing (Istio's `host.Name.Matches`): equal, or a
    /// wildcard whose suffix the other ends with.
    static func overlaps(_ a: String, _ b: String) -> Bool {
        let aw = a.hasPrefix("*"), bw = b.hasPrefix("*")
        switch (aw, bw) {
        case (true, true):
            let at = a.dropFirst(), bt = b.dropFirst()
            return at.count < bt.count ? bt.hasSuffix(at) : at.hasSuffix(bt)
        case (true, false): return b.hasSuffix(a.dropFirst())
        case (false, true): return a.hasSuffix(b.dropFirst())
        case (false, false): return a == b
        }
    }

    /// DNS names stop at 253 bytes; a longer "host" in hostile input is matched only by
    /// `*` and by its exact spelling, so indexing it costs its length, not its length squared.
    static let maxHostLength = 1_024

    /// The dot-bounded suffixes of `tail` that a wildcard could be written with, longest
    /// first, ending with "" (the bare `*`): `a.b.com` → `.b.com`, `.com`, "".
    static func suffixes(_ tail: Substring) -> [Substring] {
        if tail.utf8.count > maxHostLength { return [tail[tail.endIndex...]] }
        var out: [Substring] = []
        var i = tail.startIndex
        while i < tail.endIndex {
            if tail[i] == "." { out.append(tail[i...]) }
            i = tail.index(after: i)
        }
        out.append(tail[tail.endIndex...])
        return out
    }
}

/// Values indexed by host so that "which entries cover this host" and "which overlap it"
/// cost a dictionary look-up per label of the host, not a scan of every entry.
struct HostIndex<Value: Sendable>: Sendable {
    private var exact: [String: [Value]] = [:]
    /// Wildcard entries by the part after `*` (`.example.com`; "" for `*`).
    private var wild: [Substring: [Value]] = [:]
    /// Every entry under each shorter dot-bounded suffix it ends with, for wildcard queries.
    private var under: [Substring: [Value]] = [:]

    mutating func insert(_ host: String, _ value: Value) {
        if host.hasPrefix("*") {
            let tail = host.dropFirst()
            wild[tail, default: []].append(value)
            for s in ConfigHosts.suffixes(tail) where s.count < tail.count { under[s, default: []].append(value) }
        } else {
            exact[host, default: []].append(value)
            for s in ConfigHosts.suffixes(host[...]) { under[s, default: []].append(value) }
        }
    }

    /// Entries whose host is `host` or a wildcard covering it (Istio's registry look-up).
    func covering(_ host: String) -> [Value] {
        var out: [Value] = []
        let tail: Substring
        if host.hasPrefix("*") { tail = host.dropFirst() } else { out += exact[host] ?? []; tail = host[...] }
        for s in ConfigHosts.suffixes(tail) { out += wild[s] ?? [] }
        return out
    }

    /// Entries whose host overlaps `host` in either direction (``ConfigHosts/overlaps(_:_:)``).
    func overlapping(_ host: String) -> [Value] {
        guard host.hasPrefix("*") else { return covering(host) }
        return covering(host) + (under[host.dropFirst()] ?? [])
    }

    /// The same entries as ``overlapping(_:)``, as the stored lists they are read from, each
    /// with a key naming the list (`=api.example.com`, `*.com`, `<.example.com`), so a caller
    /// can work out something per list once, however many hosts read the same list (every
    /// server with host `*` reads the one list of all entries).
    func overlappingLists(_ host: String) -> [(key: String, values: [Value])] {
        var out: [(key: String, values: [Value])] = []
        let tail: Substring
        if host.hasPrefix("*") {
            tail = host.dropFirst()
        } else {
            if let e = exact[host] { out.append(("=" + host, e)) }
            tail = host[...]
        }
        for s in ConfigHosts.suffixes(tail) { if let w = wild[s] { out.append(("*" + s, w)) } }
        if host.hasPrefix("*"), let u = under[tail] { out.append(("<" + tail, u)) }
        return out
    }
}
