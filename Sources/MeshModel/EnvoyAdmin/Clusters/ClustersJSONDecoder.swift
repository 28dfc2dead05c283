extension EnvoyClusters {
    /// Decodes `/clusters?format=json` (`envoy.admin.v3.Clusters`, snake_case or camelCase),
    /// or the bare array of cluster statuses that `istioctl proxy-config endpoint -o json` prints.
    ///
    /// Both Envoy spellings are accepted: protobuf JSON (uint64 stat values as strings, zero
    /// values omitted) and the newer streaming writer (numbers, zero stats left out).
    ///
    /// ```swift
    /// let doc = try JSONDocument(#"{"cluster_statuses":[{"name":"a","host_statuses":[]}]}"#)
    /// try EnvoyClusters.decodeJSON(doc.root).clusters[0].name   // "a"
    /// ```
    public static func decodeJSON(_ root: JSONValue) throws(JSONShapeError) -> EnvoyClusters {
        let list: JSONValue
        if root.isArray {
            list = root
        } else if root.isObject, let statuses = root["cluster_statuses"] {
            guard statuses.isArray || statuses.isNull else { throw JSONShapeError("expected an array of cluster statuses", path: statuses.path) }
            list = statuses
        } else if root.isObject, root.isEmpty {
            return EnvoyClusters()  // Envoy prints `{}` when there are no clusters.
        } else {
            throw JSONShapeError("not Envoy /clusters?format=json output (no cluster_statuses)", path: root.path)
        }
        var clusters: [EnvoyClusterStatus] = []
        for item in list.elements {
            clusters.append(try decodeClusterStatus(item))
        }
        return EnvoyClusters(clusters: clusters)
    }

    static func decodeClusterStatus(_ v: JSONValue) throws(JSONShapeError) -> EnvoyClusterStatus {
        guard v.isObject else { throw JSONShapeError("expected a cluster status object", path: v.path) }
        guard let name = v["name"]?.string else { throw JSONShapeError("cluster status without a name", path: v.path) }
        var c = EnvoyClusterStatus(name: name)
        c.addedViaAPI = v["added_via_api"]?.bool ?? false
        c.observabilityName = v["observability_name"]?.string
        c.edsServiceName = v["eds_service_name"]?.string
        if let thresholds = v["circuit_breakers"]?["thresholds"] {
            for t in thresholds.elements {
                var out = CircuitBreakers.Thresholds()
                out.maxConnections = wrappedUInt(t["max_connections"]) ?? 0
                out.maxPendingRequests = wrappedUInt(t["max_pending_requests"]) ?? 0
                out.maxRequests = wrappedUInt(t["max_requests"]) ?? 0
                out.maxRetries = wrappedUInt(t["max_retries"]) ?? 0
                let p = t["priority"]
                if p?.string == "HIGH" || p?.int == 1 {
                    c.circuitBreakers.highPriority = out
                } else {
                    c.circuitBreakers.defaultPriority = out
                }
            }
        }
        let sr = percent(v["success_rate_ejection_threshold"])
        let lsr = percent(v["local_origin_success_rate_ejection_threshold"])
        if sr != nil || lsr != nil {
            c.outlier = OutlierStatus(successRateEjectionThreshold: sr, localOriginSuccessRateEjectionThreshold: lsr)
        }
        if let hosts = v["host_statuses"] {
            guard hosts.isArray || hosts.isNull else { throw JSONShapeError("expected an array of host statuses", path: hosts.path) }
            c.hosts.reserveCapacity(hosts.count)
            for h in hosts.elements { c.hosts.append(try decodeHostStatus(h)) }
        }
        return c
    }

    static func decodeHostStatus(_ v: JSONValue) throws(JSONShapeError) -> EnvoyHostStatus {
        guard v.isObject else { throw JSONShapeError("expected a host status object", path: v.path) }
        // Envoy's streaming writer has put `envoy_internal_address` beside `address` instead of in it.
        guard let a = v["address"].flatMap({ $0.isEmpty ? nil : $0 }) ?? (v["envoy_internal_address"] != nil ? v : nil) else {
            throw JSONShapeError("host status without an address", path: v.path)
        }
        var h = EnvoyHostStatus(address: try decodeAddress(a))
        h.hostname = v["hostname"]?.string ?? ""
        h.weight = UInt32(clamping: v["weight"]?.uint64 ?? 0)
        h.priority = UInt32(clamping: v["priority"]?.uint64 ?? 0)
        if let l = v["locality"] {
            h.locality = Locality(region: l["region"]?.string ?? "", zone: l["zone"]?.string ?? "", subZone: l["sub_zone"]?.string ?? "")
        }
        h.successRate = percent(v["success_rate"])
        h.localOriginSuccessRate = percent(v["local_origin_success_rate"])
        if let stats = v["stats"] {
            if stats.isArray {
                for s in stats.elements {
                    guard let name = s["name"]?.string else { throw JSONShapeError("stat without a name", path: s.path) }
                    try setStat(&h, name, s)
                }
            } else if stats.isObject {
                // Early istioctl captures print stats as a map keyed by name.
                for (name, s) in stats.members { try setStat(&h, name, s) }
            } else if !stats.isNull {
                throw JSONShapeError("expected an array of stats", path: stats.path)
            }
            h.otherStats.sort { $0.name < $1.name }
        }
        if let hs = v["health_status"] {
            var health = HostHealth()
            health.failedActiveHealthCheck = hs["failed_active_health_check"]?.bool ?? false
            health.failedOutlierCheck = hs["failed_outlier_check"]?.bool ?? false
            health.failedActiveDegradedCheck = hs["failed_active_degraded_check"]?.bool ?? false
            health.pendingDynamicRemoval = hs["pending_dynamic_removal"]?.bool ?? false
            health.pendingActiveHC = hs["pending_active_hc"]?.bool ?? false
            health.excludedViaImmediateHCFail = hs["excluded_via_immediate_hc_fail"]?.bool ?? false
            health.activeHCTimeout = hs["active_hc_timeout"]?.bool ?? false
            if let e = hs["eds_health_status"] {
                guard let status = EDSHealthStatus(json: e) else { throw JSONShapeError("unknown health status \(e.rawText)", path: e.path) }
                health.edsHealthStatus = status
            } else {
                health.edsHealthStatus = .unknown
            }
            h.health = health
        } else {
            h.health.edsHealthStatus = .unknown
        }
        return h
    }

    private static func setStat(_ h: inout EnvoyHostStatus, _ name: String, _ s: JSONValue) throws(JSONShapeError) {
        var value: UInt64 = 0
        if let raw = s["value"], !raw.isNull {
            guard let v = raw.uint64 else { throw JSONShapeError("expected an unsigned integer", path: raw.path) }
            value = v
        }
        if HostCounters.names.contains(where: { $0.name == name }) {
            h.counters[name] = value
        } else {
            let type = s["type"]
            let isGauge = type?.string == "GAUGE" || type?.int == 1
            h.otherStats.append(HostStat(name: name, value: value, isGauge: isGauge))
        }
    }

    static func decodeAddress(_ a: JSONValue) throws(JSONShapeError) -> UpstreamHostAddress {
        if let s = a["socket_address"] {
            return .socket(address: s["address"]?.string ?? "", port: PortNumber(json: s["port_value"]))
        }
        if let p = a["pipe"] {
            // The streaming writer nests the path as `pipe.pipe`; protobuf JSON as `pipe.path`.
            return .pipe(path: p["path"]?.string ?? p["pipe"]?.string ?? "")
        }
        if let i = a["envoy_internal_address"] {
            return .envoyInternal(serverListenerName: i["server_listener_name"]?.string ?? "", endpointID: i["endpoint_id"]?.string ?? "")
        }
        throw JSONShapeError("address is none of socket_address, pipe, envoy_internal_address", path: a.path)
    }

    /// `google.protobuf.UInt32Value` prints as a bare number; accept `{"value": n}` too.
    private static func wrappedUInt(_ v: JSONValue?) -> UInt64? {
        guard let v else { return nil }
        return v.uint64 ?? v["value"]?.uint64
    }

    /// `type.v3.Percent` (`{"value": 99.5}`).
    private static func percent(_ v: JSONValue?) -> Double? {
        guard let v else { return nil }
        return v["value"]?.double ?? v.double
    }
}
