extension StatKind {
    /// Envoy's text and JSON `/stats` do not say which numbers are counters and which are
    /// gauges; rates need to know. This classifies by Envoy's stat naming (the last dotted
    /// segment), from the gauges Envoy documents: `*_active`, `*_buffered`, `*_open`,
    /// `membership_*`, `remaining_*`, `memory_*` and the named ones below. Everything else is
    /// a counter. Prometheus input carries real types.
    ///
    /// ```swift
    /// StatKind.infer("cluster.a.upstream_cx_active")   // .gauge
    /// StatKind.infer("cluster.a.upstream_cx_total")    // .counter
    /// ```
    public static func infer(_ name: String) -> StatKind {
        var name = name
        return name.withUTF8 { infer($0, 0, $0.count) }
    }

    /// The same on bytes in place: it runs once per stat of every capture, so no String is made.
    static func infer(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> StatKind {
        var s = end
        while s > start && b[s - 1] != 0x2E { s -= 1 }
        if ByteText.hasSuffix(b, s, end, "_active") || ByteText.hasSuffix(b, s, end, "_buffered")
            || ByteText.hasSuffix(b, s, end, "_open") || ByteText.hasPrefix(b, s, end, "membership_")
            || ByteText.hasPrefix(b, s, end, "remaining_") || ByteText.hasPrefix(b, s, end, "memory_") {
            return .gauge
        }
        if let candidates = gaugeLeavesByLength[end - s] {
            for c in candidates where ByteText.equals(b, s, end, c) { return .gauge }
        }
        return .counter
    }

    static let gaugeLeaves: [StaticString] = [
        // server.*
        "uptime", "concurrency", "live", "state", "parent_connections", "total_connections", "version",
        "days_until_first_cert_expiring", "seconds_until_first_ocsp_response_expiring", "hot_restart_epoch",
        "hot_restart_generation", "stats_recent_lookups", "fips_mode", "dynamic_unknown_fields_seen",
        // xDS subscriptions and managers
        "update_time", "connected_state", "pending_requests", "warming_clusters", "active_clusters",
        "total_filter_chains_draining", "total_listeners_warming", "total_listeners_draining", "workers_started",
        "num_keys", "num_layers", "max_host_weight", "healthy", "degraded", "pressure", "scaled", "active",
        // Istio's proxy filters
        "metric_cache_count",
    ]

    static let gaugeLeavesByLength: [Int: [StaticString]] = Dictionary(grouping: gaugeLeaves, by: \.utf8CodeUnitCount)
}
