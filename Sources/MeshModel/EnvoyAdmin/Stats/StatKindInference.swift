extension StatKind {
    /// Envoy's text and JSON `/stats` do not say which numbers are counters and which are
    /// gauges; rates need to know. This classifies by Envoy's stat naming (the last dotted
    /// segment), from the gauges Envoy documents: `*_active`, `*_buffered`, `*_open` and the
    /// named ones below. Everything else is a counter. Prometheus input carries real types.
    ///
    /// ```swift
    /// StatKind.infer("cluster.a.upstream_cx_active")   // .gauge
    /// StatKind.infer("cluster.a.upstream_cx_total")    // .counter
    /// ```
    public static func infer(_ name: String) -> StatKind {
        let leaf: Substring
        if let dot = name.lastIndex(of: ".") { leaf = name[name.index(after: dot)...] } else { leaf = name[...] }
        if leaf.hasSuffix("_active") || leaf.hasSuffix("_buffered") || leaf.hasSuffix("_open") { return .gauge }
        if leaf.hasPrefix("membership_") || leaf.hasPrefix("remaining_") || leaf.hasPrefix("memory_") { return .gauge }
        if gaugeLeaves.contains(String(leaf)) { return .gauge }
        return .counter
    }

    static let gaugeLeaves: Set<String> = [
        // server.*
        "uptime", "concurrency", "live", "state", "parent_connections", "total_connections", "version",
        "days_until_first_cert_expiring", "seconds_until_first_ocsp_response_expiring", "hot_restart_epoch",
        "hot_restart_generation", "stats_recent_lookups", "fips_mode", "dynamic_unknown_fields_seen",
        // xDS subscriptions and managers
        "update_time", "connected_state", "pending_requests", "warming_clusters", "active_clusters",
        "total_listeners_warming", "total_listeners_draining", "total_filter_chains_draining", "workers_started",
        "num_keys", "num_layers", "max_host_weight", "healthy", "degraded", "pressure", "scaled", "active",
        // Istio's proxy filters
        "metric_cache_count",
    ]
}
