/// One request or connection as meshscope shows it: the parsed line, who wrote it, and both
/// ends named as workloads where the directory knows their addresses.
///
/// Which end is which depends on who logged the line: a sidecar's outbound line
/// (`outbound|…` cluster) has the sidecar's own workload as source and the upstream host (or,
/// with none, the cluster's service) as destination; an inbound line has the downstream
/// address as source and the sidecar as destination; a waypoint's line (`inbound-vip|…`)
/// goes from the downstream address to the upstream host or service; ztunnel names both.
///
/// ```swift
/// let flow = Flow(entry, reporter: .init(pod: "reviews-v2-abc", namespace: "bookinfo", workload: "reviews-v2", serviceAccount: nil), directory: dir)
/// flow.destination.name   // "ratings.bookinfo" (the service: no healthy host was picked)
/// ```
public struct Flow: Sendable, Equatable {
    /// One end of a flow.
    public struct End: Sendable, Equatable {
        /// `reviews-v2.bookinfo` (workload), `ratings.bookinfo` (service), or the address.
        public var name: String
        public var workload: String?
        public var namespace: String?
        public var pod: String?
        public var address: String?

        public init(name: String, workload: String? = nil, namespace: String? = nil, pod: String? = nil, address: String? = nil) {
            self.name = name
            self.workload = workload
            self.namespace = namespace
            self.pod = pod
            self.address = address
        }

        static let unknown = End(name: "-")

        static func of(_ e: WorkloadDirectory.Endpoint, address: String?) -> End {
            End(name: e.name, workload: e.workload, namespace: e.namespace, pod: e.pod, address: address)
        }

        /// Whether `query` names this end: its workload, pod, `workload.namespace`, an app
        /// whose versions the workload is (`ratings` matches `ratings-v1`), or its address.
        public func matches(_ query: String) -> Bool {
            if name == query || pod == query || workload == query || address == query { return true }
            if let address, WorkloadDirectory.host(of: address) == query { return true }
            for candidate in [workload, pod, name].compactMap({ $0 }) where candidate.hasPrefix(query) {
                let rest = candidate.dropFirst(query.count)
                if rest.first == "-" || rest.first == "." { return true }
            }
            return false
        }
    }

    // Constants, not variables (nothing changes a flow once built): with `var`s the
    // initializer's `self` was copied whole on its way out (a retain and a release of every
    // String per line), a copy Swift 6.3 leaves in even when the initializer is inlined.
    public let entry: AccessLogEntry
    /// The pod whose proxy wrote the line (nil for a file read without one).
    public let reporter: WorkloadDirectory.Endpoint?
    public let source: End
    public let destination: End

    public init(_ entry: consuming AccessLogEntry, reporter: WorkloadDirectory.Endpoint? = nil, directory: WorkloadDirectory = WorkloadDirectory()) {
        let (source, destination) = Flow.ends(entry, reporter: reporter, directory: directory)
        // Every stored property set once, at the end, the entry consumed.
        self.entry = entry
        self.reporter = reporter
        self.source = source
        self.destination = destination
    }

    /// Who the line's two ends are (see the type's comment).
    private static func ends(_ entry: AccessLogEntry, reporter: WorkloadDirectory.Endpoint?, directory: WorkloadDirectory) -> (End, End) {
        func resolve(_ address: String?) -> End? {
            // The address taken apart once, for the lookup and the name.
            guard let address, let host = WorkloadDirectory.host(of: address) else { return nil }
            if let e = directory.endpoint(host: host) { return .of(e, address: address) }
            // Envoy's internal addresses (`envoy://internal_client_address/`) name no one.
            if Flow.starts(address, with: "envoy://"), host.isEmpty || !host.contains(where: \.isNumber) { return nil }
            return End(name: host, address: address)
        }
        func identity(_ id: String?) -> End? {
            guard let id, let e = directory.endpoint(identity: id) else { return nil }
            return .of(e, address: nil)
        }
        func me() -> End? { reporter.map { .of($0, address: nil) } }
        func service() -> End? {
            guard let c = entry.upstreamCluster, let fqdn = Flow.serviceHost(cluster: c) else { return nil }
            return Flow.serviceEnd(fqdn)
        }
        let source: End, destination: End
        switch entry.format {
        case .ztunnel:
            // ztunnel's `workload` is the pod's name: the directory knows the workload.
            func named(_ pod: String?, _ ns: String?, _ address: String?) -> End? {
                guard let pod else { return nil }
                return End(name: pod + (ns.map { "." + $0 } ?? ""), workload: pod, namespace: ns, pod: pod, address: address)
            }
            source = directory.endpoint(address: entry.downstreamRemoteAddress ?? "").map { .of($0, address: entry.downstreamRemoteAddress) }
                ?? named(entry.sourceWorkload, entry.sourceNamespace, entry.downstreamRemoteAddress)
                ?? identity(entry.sourceIdentity) ?? resolve(entry.downstreamRemoteAddress) ?? .unknown
            destination = directory.endpoint(address: entry.upstreamHost ?? "").map { .of($0, address: entry.upstreamHost) }
                ?? named(entry.destinationWorkload, entry.destinationNamespace, entry.upstreamHost)
                ?? entry.destinationService.map(Flow.serviceEnd)
                ?? identity(entry.destinationIdentity) ?? resolve(entry.upstreamHost) ?? .unknown
        case .envoyText, .envoyJSON:
            let cluster = entry.upstreamCluster ?? ""
            if Flow.starts(cluster, with: "inbound|") {
                source = resolve(entry.downstreamRemoteAddress) ?? .unknown
                destination = me() ?? resolve(entry.downstreamLocalAddress) ?? .unknown
            } else if Flow.starts(cluster, with: "inbound-vip|") || Flow.starts(cluster, with: "inbound-pod|") {
                // A waypoint: between the downstream client and the chosen backend.
                source = resolve(entry.downstreamRemoteAddress) ?? .unknown
                destination = resolve(entry.upstreamHost) ?? service() ?? .unknown
            } else {
                source = me() ?? resolve(entry.downstreamRemoteAddress) ?? .unknown
                destination = resolve(entry.upstreamHost) ?? service() ?? entry.authority.map { End(name: $0) } ?? .unknown
            }
        }
        return (source, destination)
    }

    /// `text.hasPrefix(prefix)` for one of ``ends``' ASCII prefixes (none holds a character
    /// another is canonically equivalent to, like `K` and the Kelvin sign), compared as bytes:
    /// `hasPrefix` compares Characters, and is asked up to five times per line. Only a
    /// non-ASCII byte right after the prefix (a combining mark joining its last Character)
    /// needs `hasPrefix` itself.
    static func starts(_ text: String, with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        let answer = text.utf8.withContiguousStorageIfAvailable { u -> Bool? in
            guard u.count >= n else { return false }
            for k in 0..<n where u[k] != prefix.utf8Start[k] { return false }
            return u.count == n || u[n] < 0x80 ? true : nil
        }
        return (answer ?? nil) ?? text.hasPrefix(String(decoding: UnsafeBufferPointer(start: prefix.utf8Start, count: n), as: UTF8.self))
    }

    /// `outbound|9080|v1|reviews.bookinfo.svc.cluster.local` and
    /// `inbound-vip|9080|http|details.bookinfo.svc.cluster.local` → the service's host.
    static func serviceHost(cluster: String) -> String? {
        // Exactly three `|`, something after the last: read as bytes (a TCP flow's route and
        // destination ask this for every line).
        let u = cluster.utf8
        var bars = 0
        var host = u.endIndex
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == UInt8(ascii: "|") {
                bars += 1
                if bars == 3 { host = u.index(after: i) }
            }
            i = u.index(after: i)
        }
        guard bars == 3, host != u.endIndex else { return nil }
        return String(cluster[host...])
    }

    /// `ratings.bookinfo.svc.cluster.local` → `ratings.bookinfo`, workload `ratings`.
    static func serviceEnd(_ fqdn: String) -> End {
        let labels = fqdn.split(separator: ".")
        if labels.count >= 2, fqdn.hasSuffix(".svc.cluster.local") || labels.count == 2 {
            return End(name: labels[0] + "." + labels[1], workload: String(labels[0]), namespace: String(labels[1]))
        }
        return End(name: fqdn, workload: fqdn)
    }

    /// `details:9080/details/0` for HTTP (query dropped); for TCP and ztunnel the service
    /// (`mongodb.bookinfo.svc.cluster.local`), else `-`.
    public var route: String {
        if entry.method != nil || entry.authority != nil {
            let authority = entry.authority ?? "-"
            guard let path = entry.path else { return authority }
            // `?` found among the bytes, not the Characters (no grapheme breaking per line).
            guard let q = path.utf8.firstIndex(of: UInt8(ascii: "?")) else { return authority + path }
            return authority + path[..<q]
        }
        return entry.destinationService ?? entry.upstreamCluster.flatMap(Flow.serviceHost) ?? "-"
    }

    /// Appends ``route``'s UTF-8 to `out` without building the String (an HTTP route is its
    /// authority and path, joined): ``FlowTop`` keys its rows by these bytes.
    func appendRoute(to out: inout [UInt8]) {
        if entry.method != nil || entry.authority != nil {
            out.append(contentsOf: (entry.authority ?? "-").utf8)
            guard var path = entry.path else { return }
            path.withUTF8 { p in
                var end = 0
                while end < p.count, p[end] != UInt8(ascii: "?") { end += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<end]))
            }
            return
        }
        out.append(contentsOf: route.utf8)
    }

    /// ``dedupKey`` as 128 bits hashed from its bytes, without building the String: what
    /// ``FlowTop`` remembers per line. Equal keys give equal hashes; two different keys
    /// share one with a chance of about 2⁻¹²⁸ (a seeded SipHash and an FNV-1a, each 64 bits).
    public var dedupHash: DedupHash? {
        var h = DedupHash.Builder()
        if let id = entry.requestID {
            h.add(id)
            h.add(" ")
            h.add(entry.method ?? "")
            h.add(" ")
            if entry.method != nil || entry.authority != nil {
                // The HTTP ``route``, in its parts.
                h.add(entry.authority ?? "-")
                var path = entry.path ?? ""
                path.withUTF8 { p in
                    var end = 0
                    while end < p.count, p[end] != UInt8(ascii: "?") { end += 1 }
                    h.add(UnsafeBufferPointer(rebasing: p[0..<end]))
                }
            } else {
                h.add(route)
            }
            return h.finish()
        }
        guard let key = dedupKey else { return nil }
        h.add(key)
        return h.finish()
    }

    /// What identifies one request or connection across the lines that log it: an Envoy
    /// request's ID with its route (one ID follows a request through every hop), or
    /// ztunnel's connection by its client address and byte counts. nil when the line carries neither.
    public var dedupKey: String? {
        if let id = entry.requestID { return id + " " + (entry.method ?? "") + " " + route }
        if entry.format == .ztunnel, let src = entry.downstreamRemoteAddress {
            // Both ztunnels log a connection between ambient pods: same client address, the
            // byte counts swapped. A client port reused later moves other byte counts.
            let a = entry.bytesSent ?? 0, b = entry.bytesReceived ?? 0
            return "z \(src) \(entry.upstreamHost ?? "") \(min(a, b)) \(max(a, b))"
        }
        return nil
    }
}

/// 128 bits standing for a ``Flow/dedupKey``.
public struct DedupHash: Sendable, Hashable {
    var a: UInt64
    var b: UInt64

    /// `a` is already a seeded SipHash of the key: a set need hash no more than it (equality
    /// still compares both halves).
    public func hash(into hasher: inout Hasher) { hasher.combine(a) }

    /// Hashes a key fed in pieces exactly as it would the pieces joined.
    struct Builder {
        var sip = Hasher()
        var fnv: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            sip.combine(bytes: UnsafeRawBufferPointer(bytes))
            var f = fnv
            for c in bytes { f = (f ^ UInt64(c)) &* 0x100_0000_01b3 }
            fnv = f
        }

        mutating func add(_ text: String) {
            // A native String's bytes in place (no copy of the String to call `withUTF8`).
            if text.utf8.withContiguousStorageIfAvailable({ add($0) }) == nil {
                var text = text
                text.withUTF8 { add($0) }
            }
        }

        consuming func finish() -> DedupHash {
            DedupHash(a: UInt64(truncatingIfNeeded: sip.finalize()), b: fnv)
        }
    }
}
