extension EnvoyClusters {
    /// What `istioctl proxy-config endpoint -o json|yaml` prints for a live pod: the cluster
    /// statuses having at least one host that matches (each with all its hosts), as
    /// `envoy.admin.v3.ClusterStatus` in proto field order and protojson's lowerCamelCase
    /// (print JSON with indent 4 to get istioctl's layout).
    ///
    /// The same node comes out whether the capture was the text or the JSON form.
    public func outputNode(filter: EndpointHostFilter = EndpointHostFilter()) -> JSONTree {
        let matching = clusters.filter { c in c.hosts.contains { filter.matches($0, cluster: c.name) } }
        return EnvoyClusters.camelCased(.array(matching.map { $0.outputNode() }))
    }

    /// The nodes below are written with proto field names; protojson spells them in lowerCamelCase.
    static func camelCased(_ node: JSONTree) -> JSONTree {
        switch node {
        case .object(let pairs): .object(pairs.map { (KeyStyle.protoJSON.convert($0.0), camelCased($0.1)) })
        case .array(let items): .array(items.map(camelCased))
        default: node
        }
    }
}

extension EnvoyClusterStatus {
    func outputNode() -> JSONTree {
        var pairs: [(String, JSONTree)] = [("name", .string(name))]
        if addedViaAPI { pairs.append(("added_via_api", .bool(true))) }
        if let t = outlier?.successRateEjectionThreshold, t > 0 {
            pairs.append(("success_rate_ejection_threshold", .object([("value", .double(t))])))
        }
        pairs.append(("host_statuses", .array(hosts.map { $0.outputNode() })))
        if let t = outlier?.localOriginSuccessRateEjectionThreshold, t > 0 {
            pairs.append(("local_origin_success_rate_ejection_threshold", .object([("value", .double(t))])))
        }
        var thresholds: [JSONTree] = []
        if let d = circuitBreakers.defaultPriority { thresholds.append(d.outputNode(priority: nil)) }
        if let h = circuitBreakers.highPriority { thresholds.append(h.outputNode(priority: "HIGH")) }
        if !thresholds.isEmpty { pairs.append(("circuit_breakers", .object([("thresholds", .array(thresholds))]))) }
        if let o = observabilityName, !o.isEmpty { pairs.append(("observability_name", .string(o))) }
        if let e = edsServiceName, !e.isEmpty { pairs.append(("eds_service_name", .string(e))) }
        return .object(pairs)
    }
}

extension CircuitBreakers.Thresholds {
    func outputNode(priority: String?) -> JSONTree {
        var pairs: [(String, JSONTree)] = []
        if let priority { pairs.append(("priority", .string(priority))) }
        pairs += [
            ("max_connections", .int(Int(clamping: maxConnections))),
            ("max_pending_requests", .int(Int(clamping: maxPendingRequests))),
            ("max_requests", .int(Int(clamping: maxRequests))),
            ("max_retries", .int(Int(clamping: maxRetries))),
        ]
        return .object(pairs)
    }
}

extension EnvoyHostStatus {
    func outputNode() -> JSONTree {
        var pairs: [(String, JSONTree)] = [("address", address.outputNode())]
        // Envoy lists counters then gauges; protobuf JSON drops zero values and the
        // default COUNTER type, and prints uint64 as strings.
        var stats: [JSONTree] = []
        func metric(_ name: String, _ value: UInt64, gauge: Bool) -> JSONTree {
            var m: [(String, JSONTree)] = []
            if gauge { m.append(("type", .string("GAUGE"))) }
            if value != 0 { m.append(("value", .string(String(value)))) }
            m.append(("name", .string(name)))
            return .object(m)
        }
        for gaugePass in [false, true] {
            for (name, isGauge) in HostCounters.names where isGauge == gaugePass {
                stats.append(metric(name, counters[name] ?? 0, gauge: isGauge))
            }
            for s in otherStats where s.isGauge == gaugePass { stats.append(metric(s.name, s.value, gauge: s.isGauge)) }
        }
        pairs.append(("stats", .array(stats)))
        pairs.append(("health_status", health.outputNode()))
        if let r = successRate { pairs.append(("success_rate", .object([("value", .double(r))]))) }
        if weight != 0 { pairs.append(("weight", .int(Int(weight)))) }
        if !hostname.isEmpty { pairs.append(("hostname", .string(hostname))) }
        if priority != 0 { pairs.append(("priority", .int(Int(priority)))) }
        if let r = localOriginSuccessRate { pairs.append(("local_origin_success_rate", .object([("value", .double(r))]))) }
        var loc: [(String, JSONTree)] = []
        if !locality.region.isEmpty { loc.append(("region", .string(locality.region))) }
        if !locality.zone.isEmpty { loc.append(("zone", .string(locality.zone))) }
        if !locality.subZone.isEmpty { loc.append(("sub_zone", .string(locality.subZone))) }
        pairs.append(("locality", .object(loc)))
        return .object(pairs)
    }
}

extension HostHealth {
    func outputNode() -> JSONTree {
        var pairs: [(String, JSONTree)] = []
        if failedActiveHealthCheck { pairs.append(("failed_active_health_check", .bool(true))) }
        if failedOutlierCheck { pairs.append(("failed_outlier_check", .bool(true))) }
        if failedActiveDegradedCheck { pairs.append(("failed_active_degraded_check", .bool(true))) }
        if pendingDynamicRemoval { pairs.append(("pending_dynamic_removal", .bool(true))) }
        if pendingActiveHC { pairs.append(("pending_active_hc", .bool(true))) }
        if excludedViaImmediateHCFail { pairs.append(("excluded_via_immediate_hc_fail", .bool(true))) }
        if activeHCTimeout { pairs.append(("active_hc_timeout", .bool(true))) }
        if edsHealthStatus != .unknown { pairs.append(("eds_health_status", .string(edsHealthStatus.rawValue))) }
        return .object(pairs)
    }
}

extension UpstreamHostAddress {
    func outputNode() -> JSONTree {
        switch self {
        case .socket(let address, let port):
            var s: [(String, JSONTree)] = [("address", .string(address))]
            switch port {
            case .valid(0): break
            case .valid(let n): s.append(("port_value", .int(n)))
            // Not a port: the text as the capture had it, never a clamped number.
            case .invalid(let raw): s.append(("port_value", .string(raw)))
            }
            return .object([("socket_address", .object(s))])
        case .pipe(let path):
            return .object([("pipe", .object([("path", .string(path))]))])
        case .envoyInternal(let listener, let id):
            var s: [(String, JSONTree)] = []
            if !listener.isEmpty { s.append(("server_listener_name", .string(listener))) }
            if !id.isEmpty { s.append(("endpoint_id", .string(id))) }
            return .object([("envoy_internal_address", .object(s))])
        }
    }
}
