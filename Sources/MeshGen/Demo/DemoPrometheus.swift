/// Collects Prometheus text samples by family, so every family is written once with its
/// `# HELP`/`# TYPE` header no matter in which order the samples were produced.
struct DemoPrometheusWriter {
    private var order: [String] = []
    private var families: [String: (type: String, help: String, lines: ByteWriter)] = [:]

    mutating func add(_ name: String, type: String = "counter", help: String, labels: [(String, String)], value: Int) {
        let histogram = name.hasSuffix("_sum") || name.hasSuffix("_count") || name.hasSuffix("_bucket")
        let family = histogram ? String(name[..<name.lastIndex(of: "_")!]) : name
        if families[family] == nil {
            order.append(family)
            families[family] = (histogram ? "histogram" : type, help, ByteWriter(capacity: 1024))
        }
        families[family]!.lines.write(name)
        if !labels.isEmpty {
            families[family]!.lines.write("{")
            for (k, (key, v)) in labels.enumerated() {
                if k > 0 { families[family]!.lines.write(",") }
                families[family]!.lines.write(key)
                families[family]!.lines.write("=")
                families[family]!.lines.quoted(v)
            }
            families[family]!.lines.write("}")
        }
        families[family]!.lines.write(" ")
        families[family]!.lines.write(value)
        families[family]!.lines.write("\n")
    }

    func bytes() -> [UInt8] {
        var out = ByteWriter(capacity: families.values.reduce(0) { $0 + $1.lines.bytes.count + 128 })
        for name in order {
            let f = families[name]!
            out.write("# HELP \(name) \(f.help)\n# TYPE \(name) \(f.type)\n")
            out.bytes.append(contentsOf: f.lines.bytes)
        }
        return out.bytes
    }
}

extension DemoMesh {
    /// Istio's standard labels of an edge as a reporter writes them.
    func istioLabels(_ e: Edge, reporter: String, security: String, code: String?) -> [(String, String)] {
        let src = workloads[e.source], dst = workloads[e.destination], svc = services[e.service]
        let meshSource = src.mode != .none
        var labels: [(String, String)] = [
            ("reporter", reporter),
            ("source_workload", src.name), ("source_workload_namespace", src.namespace),
            ("source_principal", meshSource && e.mtls ? "spiffe://\(trustDomain)/ns/\(src.namespace)/sa/\(src.serviceAccount)" : "unknown"),
            ("source_app", src.app), ("source_version", src.version.isEmpty ? "unknown" : src.version),
            ("source_cluster", "Kubernetes"),
            ("destination_workload", dst.name), ("destination_workload_namespace", dst.namespace),
            ("destination_principal", "spiffe://\(trustDomain)/ns/\(dst.namespace)/sa/\(dst.serviceAccount)"),
            ("destination_app", dst.app), ("destination_version", dst.version.isEmpty ? "unknown" : dst.version),
            ("destination_service", svc.fqdn), ("destination_service_name", svc.name), ("destination_service_namespace", svc.namespace),
            ("destination_cluster", "Kubernetes"),
            ("request_protocol", svc.protocolName == "tcp" ? "tcp" : "http"),
        ]
        if let code { labels.append(("response_code", code)) }
        labels.append(("response_flags", code == e.errorCode ? e.errorResponseFlags : "-"))
        labels.append(("connection_security_policy", security))
        return labels
    }

    /// The edge's request durations as Envoy's histogram: cumulative counts per Istio bucket
    /// from the latency the demo declares (``DemoTraffic/latency(_:)``), so
    /// `histogram_quantile` over them lands in the declared quantile's bucket.
    func writeDurations(_ w: inout DemoPrometheusWriter, _ e: Edge, labels: [(String, String)], requests: Int) {
        let name = "istio_request_duration_milliseconds"
        let help = "Request duration in milliseconds."
        let l = DemoTraffic.latency(e)
        for le in DemoTraffic.durationBuckets {
            let bound = le == le.rounded() ? String(Int(le)) : String(le)
            w.add(name + "_bucket", help: help, labels: labels + [("le", bound)], value: Int(Double(requests) * DemoTraffic.durationShare(l, atMost: le)))
        }
        w.add(name + "_bucket", help: help, labels: labels + [("le", "+Inf")], value: requests)
        w.add(name + "_sum", help: help, labels: labels, value: Int(Double(requests) * DemoTraffic.meanDuration(l)))
        w.add(name + "_count", help: help, labels: labels, value: requests)
    }

    /// Writes one edge's Istio series: requests and sizes for HTTP, TCP counters otherwise
    /// (or always, with `tcpOnly`, as ztunnel does).
    func writeIstio(_ w: inout DemoPrometheusWriter, _ e: Edge, reporter: String, security: String, counters c: DemoTraffic.Counters,
                    http: Bool, tcpOnly: Bool) {
        if http && !tcpOnly {
            if e.errorPermille < 1000 {
                w.add("istio_requests_total", help: "Total requests.", labels: istioLabels(e, reporter: reporter, security: security, code: "200"),
                      value: c.requests - c.errors)
            }
            if e.errorPermille > 0 {
                w.add("istio_requests_total", help: "Total requests.", labels: istioLabels(e, reporter: reporter, security: security, code: e.errorCode),
                      value: c.errors)
            }
            let labels = istioLabels(e, reporter: reporter, security: security, code: e.errorPermille < 1000 ? "200" : e.errorCode)
            w.add("istio_request_bytes_sum", help: "Request sizes.", labels: labels, value: c.requestBytes)
            w.add("istio_request_bytes_count", help: "Request sizes.", labels: labels, value: c.requests)
            w.add("istio_response_bytes_sum", help: "Response sizes.", labels: labels, value: c.responseBytes)
            w.add("istio_response_bytes_count", help: "Response sizes.", labels: labels, value: c.requests)
            writeDurations(&w, e, labels: labels, requests: c.requests)
            return
        }
        let labels = istioLabels(e, reporter: reporter, security: security, code: nil)
        w.add("istio_tcp_connections_opened_total", help: "The total number of TCP connections opened", labels: labels, value: c.opened)
        w.add("istio_tcp_connections_closed_total", help: "The total number of TCP connections closed", labels: labels, value: c.closed)
        w.add("istio_tcp_received_bytes_total", help: "The size of total bytes received during request in case of a TCP connection", labels: labels,
              value: c.received)
        w.add("istio_tcp_sent_bytes_total", help: "The size of total bytes sent during response in case of a TCP connection", labels: labels,
              value: c.sent)
    }
}
