extension EnvoyClusters {
    /// Decodes the text form of `/clusters` in one pass over the bytes.
    ///
    /// Lines are `CLUSTER::KEY::VALUE` (cluster settings) or `CLUSTER::HOST::STAT::VALUE`.
    /// Cluster names contain `|` and hosts may be `[::1]:80`, so fields are split on `::`
    /// with IPv6 brackets respected. Malformed lines are skipped and counted in ``malformed``.
    /// Throws when nothing parses (not a `/clusters` output) or when the last line is cut off.
    ///
    /// ```swift
    /// let c = try EnvoyClusters.decodeText(Array("a::added_via_api::true\n".utf8))
    /// c.clusters[0].addedViaAPI   // true
    /// ```
    public static func decodeText(_ bytes: [UInt8]) throws(AdminDecodeError) -> EnvoyClusters {
        var parser = ClustersTextParser()
        let fatal = bytes.withUnsafeBufferPointer { parser.run($0) }
        if let fatal { throw fatal }
        return parser.finish()
    }
}

private struct ClustersTextParser {
    var clusters: [EnvoyClusterStatus] = []
    var clusterIndex: [String: Int] = [:]
    var malformed = MalformedLines()
    var goodLines = 0

    // The cluster and host of the previous line: consecutive lines almost always repeat
    // them, so a byte compare avoids a String and a dictionary lookup per line.
    var currentCluster = -1
    var currentClusterBytes: [UInt8] = []
    var currentHost = -1
    var currentHostBytes: [UInt8] = []

    mutating func run(_ b: UnsafeBufferPointer<UInt8>) -> AdminDecodeError? {
        var lastFailure: (line: Int, reason: String, terminated: Bool)?
        ByteText.forEachLine(b) { start, end, lineNo, terminated in
            guard end > start else { return }
            if let reason = parseLine(b, start, end) {
                malformed.add(line: lineNo, reason)
                lastFailure = (lineNo, reason, terminated)
            } else {
                goodLines += 1
                lastFailure = nil
            }
        }
        if goodLines == 0, let first = malformed.entries.first {
            return AdminDecodeError("not Envoy /clusters output: \(first.reason)", line: first.line)
        }
        if let last = lastFailure, !last.terminated {
            return AdminDecodeError("truncated input: \(last.reason)", line: last.line)
        }
        return nil
    }

    func finish() -> EnvoyClusters {
        var result = EnvoyClusters(clusters: clusters, malformed: malformed)
        for c in result.clusters.indices {
            for h in result.clusters[c].hosts.indices where result.clusters[c].hosts[h].otherStats.count > 1 {
                result.clusters[c].hosts[h].otherStats.sort { $0.name < $1.name }
            }
        }
        return result
    }

    // MARK: Lines

    /// Returns nil when the line was used, or why it was not.
    mutating func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        guard let sep1 = ByteText.findDoubleColon(b, start, end), sep1 > start else {
            return "expected CLUSTER::…, got \(ByteText.excerpt(b, start, end))"
        }
        let c = cluster(b, start, sep1)
        let s1 = sep1 + 2
        // The first field after the cluster name: a setting key, or a host address.
        var fieldEnd: Int?
        if s1 < end && b[s1] == 0x5B {  // [IPv6]:port
            var j = s1
            while j < end && b[j] != 0x5D { j += 1 }
            fieldEnd = ByteText.findDoubleColon(b, j, end)
        } else {
            fieldEnd = ByteText.findDoubleColon(b, s1, end)
        }
        if ByteText.equals(b, s1, fieldEnd ?? end, "added_via_api")
            || ByteText.equals(b, s1, fieldEnd ?? end, "observability_name")
            || ByteText.equals(b, s1, fieldEnd ?? end, "eds_service_name") {
            // Settings whose values may themselves contain `::`.
            guard let fe = fieldEnd else { return "missing value in \(ByteText.excerpt(b, start, end))" }
            return clusterSetting(c, b, s1, fe, fe + 2, end)
        }
        guard let f1 = fieldEnd else {
            return ByteText.isIdentifier(b, s1, end)
                ? "expected CLUSTER::KEY::VALUE, got \(ByteText.excerpt(b, start, end))"
                : "expected CLUSTER::HOST::STAT::VALUE, got \(ByteText.excerpt(b, start, end))"
        }
        let s2 = f1 + 2
        guard let f2 = ByteText.findDoubleColon(b, s2, end) else {
            // CLUSTER::KEY::VALUE for a key this version does not know; a host address there
            // is a host line cut short.
            guard ByteText.isIdentifier(b, s1, f1) else {
                return "expected CLUSTER::HOST::STAT::VALUE, got \(ByteText.excerpt(b, start, end))"
            }
            return clusterSetting(c, b, s1, f1, s2, end)
        }
        let s3 = f2 + 2
        if ByteText.equals(b, s1, f1, "default_priority") || ByteText.equals(b, s1, f1, "high_priority") {
            return circuitBreaker(c, high: b[s1] == 0x68, b, s2, f2, s3, end)
        }
        if ByteText.equals(b, s1, f1, "outlier") {
            return outlier(c, b, s2, f2, s3, end)
        }
        guard f2 > s2 else { return "empty stat name in \(ByteText.excerpt(b, start, end))" }
        let h = host(c, b, s1, f1)
        return hostStat(c, h, b, s2, f2, s3, end)
    }

    mutating func cluster(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        if currentCluster >= 0 && sameBytes(b, start, end, currentClusterBytes) { return currentCluster }
        let name = ByteText.string(b, start, end)
        let index: Int
        if let existing = clusterIndex[name] {
            index = existing
        } else {
            index = clusters.count
            clusters.append(EnvoyClusterStatus(name: name))
            clusterIndex[name] = index
        }
        currentCluster = index
        currentClusterBytes = Array(UnsafeBufferPointer(rebasing: b[start..<end]))
        currentHost = -1
        return index
    }

    mutating func host(_ c: Int, _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        if currentHost >= 0 && sameBytes(b, start, end, currentHostBytes) { return currentHost }
        let address = UpstreamHostAddress(text: ByteText.string(b, start, end))
        // Envoy prints each host's lines together, so an address seen before but not just now
        // is the same endpoint again in another priority: a host of its own, as in the JSON form.
        let index = clusters[c].hosts.count
        clusters[c].hosts.append(EnvoyHostStatus(address: address))
        currentHost = index
        currentHostBytes = Array(UnsafeBufferPointer(rebasing: b[start..<end]))
        return index
    }

    func sameBytes(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ other: [UInt8]) -> Bool {
        guard end - start == other.count else { return false }
        return other.withUnsafeBufferPointer { o in
            var k = 0
            while k < o.count {
                if o[k] != b[start + k] { return false }
                k += 1
            }
            return true
        }
    }

    // MARK: Cluster settings

    mutating func clusterSetting(_ c: Int, _ b: UnsafeBufferPointer<UInt8>, _ ks: Int, _ ke: Int, _ vs: Int, _ ve: Int) -> String? {
        if ByteText.equals(b, ks, ke, "added_via_api") {
            guard let v = bool(b, vs, ve) else { return "added_via_api: expected true or false, got \(ByteText.excerpt(b, vs, ve))" }
            clusters[c].addedViaAPI = v
        } else if ByteText.equals(b, ks, ke, "observability_name") {
            clusters[c].observabilityName = ByteText.string(b, vs, ve)
        } else if ByteText.equals(b, ks, ke, "eds_service_name") {
            clusters[c].edsServiceName = ByteText.string(b, vs, ve)
        } else {
            guard ke > ks else { return "empty key in cluster \(clusters[c].name)" }
            clusters[c].extra.append(KeyValue(ByteText.string(b, ks, ke), ByteText.string(b, vs, ve)))
        }
        return nil
    }

    mutating func circuitBreaker(_ c: Int, high: Bool, _ b: UnsafeBufferPointer<UInt8>, _ ks: Int, _ ke: Int, _ vs: Int, _ ve: Int) -> String? {
        guard let v = ByteText.uint64(b, vs, ve) else {
            return "\(ByteText.string(b, ks, ke)): expected a number, got \(ByteText.excerpt(b, vs, ve))"
        }
        var t = (high ? clusters[c].circuitBreakers.highPriority : clusters[c].circuitBreakers.defaultPriority) ?? CircuitBreakers.Thresholds()
        if ByteText.equals(b, ks, ke, "max_connections") {
            t.maxConnections = v
        } else if ByteText.equals(b, ks, ke, "max_pending_requests") {
            t.maxPendingRequests = v
        } else if ByteText.equals(b, ks, ke, "max_requests") {
            t.maxRequests = v
        } else if ByteText.equals(b, ks, ke, "max_retries") {
            t.maxRetries = v
        } else {
            clusters[c].extra.append(KeyValue((high ? "high_priority::" : "default_priority::") + ByteText.string(b, ks, ke), String(v)))
            return nil
        }
        if high { clusters[c].circuitBreakers.highPriority = t } else { clusters[c].circuitBreakers.defaultPriority = t }
        return nil
    }

    mutating func outlier(_ c: Int, _ b: UnsafeBufferPointer<UInt8>, _ ks: Int, _ ke: Int, _ vs: Int, _ ve: Int) -> String? {
        guard let v = ByteText.double(b, vs, ve) else {
            return "outlier::\(ByteText.string(b, ks, ke)): expected a number, got \(ByteText.excerpt(b, vs, ve))"
        }
        var o = clusters[c].outlier ?? OutlierStatus()
        if ByteText.equals(b, ks, ke, "success_rate_average") {
            o.successRateAverage = v
        } else if ByteText.equals(b, ks, ke, "success_rate_ejection_threshold") {
            o.successRateEjectionThreshold = v
        } else if ByteText.equals(b, ks, ke, "local_origin_success_rate_average") {
            o.localOriginSuccessRateAverage = v
        } else if ByteText.equals(b, ks, ke, "local_origin_success_rate_ejection_threshold") {
            o.localOriginSuccessRateEjectionThreshold = v
        } else {
            clusters[c].extra.append(KeyValue("outlier::" + ByteText.string(b, ks, ke), ByteText.string(b, vs, ve)))
        }
        clusters[c].outlier = o
        return nil
    }

    // MARK: Host lines

    mutating func hostStat(_ c: Int, _ h: Int, _ b: UnsafeBufferPointer<UInt8>, _ ks: Int, _ ke: Int, _ vs: Int, _ ve: Int) -> String? {
        // Numeric stats first: they are most of the lines.
        if let v = ByteText.uint64(b, vs, ve) {
            switch b[ks] {
            case 0x63, 0x72:  // c…, r…: the host counters, and `region`/`canary` values that look numeric
                if let known = HostCounters.knownName(b, ks, ke) {
                    clusters[c].hosts[h].counters[known] = v
                    return nil
                }
            case 0x77 where ByteText.equals(b, ks, ke, "weight"):
                guard v <= UInt64(UInt32.max) else { return "weight out of range" }
                clusters[c].hosts[h].weight = UInt32(v)
                return nil
            case 0x70 where ByteText.equals(b, ks, ke, "priority"):
                guard v <= UInt64(UInt32.max) else { return "priority out of range" }
                clusters[c].hosts[h].priority = UInt32(v)
                return nil
            default: break
            }
        }
        var hs = clusters[c].hosts[h]
        defer { clusters[c].hosts[h] = hs }
        if ByteText.equals(b, ks, ke, "hostname") {
            hs.hostname = ByteText.string(b, vs, ve)
        } else if ByteText.equals(b, ks, ke, "health_flags") {
            guard ve > vs else { return "health_flags: empty value" }
            hs.health = HostHealth(flags: ByteText.string(b, vs, ve))
        } else if ByteText.equals(b, ks, ke, "region") {
            hs.locality.region = ByteText.string(b, vs, ve)
        } else if ByteText.equals(b, ks, ke, "zone") {
            hs.locality.zone = ByteText.string(b, vs, ve)
        } else if ByteText.equals(b, ks, ke, "sub_zone") {
            hs.locality.subZone = ByteText.string(b, vs, ve)
        } else if ByteText.equals(b, ks, ke, "canary") {
            guard let v = bool(b, vs, ve) else { return "canary: expected true or false, got \(ByteText.excerpt(b, vs, ve))" }
            hs.canary = v
        } else if ByteText.equals(b, ks, ke, "success_rate") || ByteText.equals(b, ks, ke, "local_origin_success_rate") {
            guard let v = ByteText.double(b, vs, ve), !v.isNaN else {
                return "\(ByteText.string(b, ks, ke)): expected a number, got \(ByteText.excerpt(b, vs, ve))"
            }
            // Envoy prints -1 when it has not computed a rate; the JSON form omits it.
            let rate: Double? = v < 0 ? nil : v
            if b[ks] == 0x73 { hs.successRate = rate } else { hs.localOriginSuccessRate = rate }
        } else if ByteText.equals(b, ks, ke, "weight") || ByteText.equals(b, ks, ke, "priority")
                    || HostCounters.knownName(b, ks, ke) != nil {
            return "\(ByteText.string(b, ks, ke)): expected a number, got \(ByteText.excerpt(b, vs, ve))"
        } else if let v = ByteText.uint64(b, vs, ve) {
            let name = ByteText.string(b, ks, ke)
            if let k = hs.otherStats.firstIndex(where: { $0.name == name }) {
                hs.otherStats[k].value = v
            } else {
                hs.otherStats.append(HostStat(name: name, value: v, isGauge: name.hasSuffix("_active")))
            }
        } else {
            return "\(ByteText.string(b, ks, ke)): unknown host field with non-numeric value \(ByteText.excerpt(b, vs, ve))"
        }
        return nil
    }

    func bool(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool? {
        if ByteText.equals(b, s, e, "true") || ByteText.equals(b, s, e, "1") { return true }
        if ByteText.equals(b, s, e, "false") || ByteText.equals(b, s, e, "0") { return false }
        return nil
    }
}

extension HostCounters {
    /// The name of a known host stat spelled by these bytes, without making a String.
    static func knownName(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String? {
        switch e - s {
        case 8:
            if ByteText.equals(b, s, e, "cx_total") { return "cx_total" }
            if ByteText.equals(b, s, e, "rq_error") { return "rq_error" }
            if ByteText.equals(b, s, e, "rq_total") { return "rq_total" }
        case 9:
            if ByteText.equals(b, s, e, "cx_active") { return "cx_active" }
            if ByteText.equals(b, s, e, "rq_active") { return "rq_active" }
        case 10:
            if ByteText.equals(b, s, e, "rq_success") { return "rq_success" }
            if ByteText.equals(b, s, e, "rq_timeout") { return "rq_timeout" }
        case 15:
            if ByteText.equals(b, s, e, "cx_connect_fail") { return "cx_connect_fail" }
        default: break
        }
        return nil
    }
}
