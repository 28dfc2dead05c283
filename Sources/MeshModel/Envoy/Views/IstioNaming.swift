/// Istio's naming conventions as istioctl reads them.
public enum IstioNaming {
    /// A cluster name split as `direction|port|subset|hostname` (Istio's subset key).
    public struct SubsetKey: Sendable, Equatable {
        public var direction: String
        public var port: Int
        public var subset: String
        public var hostname: String
    }

    /// istioctl's `model.ParseSubsetKey`: `outbound|9080|v1|reviews.default.svc.cluster.local`
    /// → (outbound, 9080, v1, reviews...). Also the SRV form `outbound_.9080_.v1_.reviews...`.
    /// A part that is missing leaves the later ones empty; a port that is not a number reads 0;
    /// a fifth part empties the hostname, exactly as Istio's parser does.
    ///
    /// ```swift
    /// IstioNaming.parseSubsetKey("inbound|8080||").port   // 8080
    /// ```
    public static func parseSubsetKey(_ s: String) -> SubsetKey {
        var key = SubsetKey(direction: "", port: 0, subset: "", hostname: "")
        let b = Array(s.utf8)
        let srv = s.hasPrefix("outbound_") || s.hasPrefix("inbound_")
        let sep: [UInt8] = srv ? [0x5F, 0x2E] : [0x7C]
        var start = 0
        func find(from: Int) -> Int? { b.withUnsafeBufferPointer { ByteText.firstIndex(of: sep, in: $0, from: from, to: $0.count) } }
        func next() -> Range<Int>? {
            guard let at = find(from: start) else { return nil }
            defer { start = at + sep.count }
            return start..<at
        }
        guard let d = next() else { return key }
        key.direction = String(decoding: b[d], as: UTF8.self)
        guard let p = next() else { return key }
        key.port = GoCompat.atoi(String(decoding: b[p], as: UTF8.self)) ?? 0
        guard let ss = next() else { return key }
        key.subset = String(decoding: b[ss], as: UTF8.self)
        if find(from: start) != nil { return key }
        key.hostname = String(decoding: b[start...], as: UTF8.self)
        return key
    }

    /// The `(name, subset, port, direction)` sort key istioctl uses for clusters and
    /// endpoints (`safelyParseSubsetKey`): names with fewer than four `|` parts sort by the
    /// whole name.
    public static func sortKey(_ name: String) -> SubsetKey {
        if partCount(name) > 3 { return parseSubsetKey(name) }
        return SubsetKey(direction: "", port: 0, subset: "", hostname: name)
    }

    /// Number of `|`-separated parts (Go's `len(strings.Split(s, "|"))`).
    public static func partCount(_ s: String) -> Int {
        var n = 1
        for c in s.utf8 where c == 0x7C { n += 1 }
        return n
    }

    /// istioctl's cluster/endpoint order: hostname, then subset, then port, then direction.
    public static func subsetKeyLess(_ a: SubsetKey, _ b: SubsetKey) -> Bool {
        if a.hostname == b.hostname {
            if a.subset == b.subset {
                if a.port == b.port { return GoCompat.less(a.direction, b.direction) }
                return a.port < b.port
            }
            return GoCompat.less(a.subset, b.subset)
        }
        return GoCompat.less(a.hostname, b.hostname)
    }

    /// istioctl's `describeManagement` + `renderConfig`: the Istio config named in
    /// `filter_metadata.istio.config`, as `name.namespace`; `<unknown>` for other paths.
    ///
    /// ```swift
    /// IstioNaming.renderConfig("/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin")   // "httpbin.default"
    /// ```
    public static func renderConfig(_ path: String?) -> String {
        guard let path else { return "" }
        if path.hasPrefix("/apis/networking.istio.io/") {
            let pieces = path.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count == 8 else { return "" }
            return "\(pieces[7]).\(pieces[5])"
        }
        return "<unknown>"
    }
}
