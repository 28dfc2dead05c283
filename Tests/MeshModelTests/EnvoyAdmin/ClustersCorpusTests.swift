import Testing
@testable import MeshModel

/// Every `/clusters` capture decodes without loss: concrete values read from the files, and a
/// naive line-by-line re-read that every numeric host stat and setting agrees with the model.
@Suite struct ClustersCorpusTests {
    static func load(_ dir: String) throws -> EnvoyClusters {
        try EnvoyClusters.decode(try Fixtures.bytes("envoy-admin/\(dir)/clusters.txt"))
    }

    @Test func is160() throws {
        let c = try Self.load("is160")
        #expect(c.malformed.isEmpty)
        #expect(c.clusters.count == 62)
        #expect(c.hostCount == 76)
        let xds = try #require(c.cluster(named: "xds-grpc"))
        #expect(xds.addedViaAPI == false)
        #expect(xds.circuitBreakers.defaultPriority == CircuitBreakers.Thresholds(maxConnections: 100_000, maxPendingRequests: 100_000, maxRequests: 100_000, maxRetries: 3))
        #expect(xds.hosts.count == 1)
        let h = xds.hosts[0]
        #expect(h.address == .socket(address: "172.21.187.110", port: 15012))
        #expect(h.hostname == "istiod.istio-system.svc")
        #expect(h.counters == HostCounters(cxActive: 1, cxConnectFail: 0, cxTotal: 856, rqActive: 1, rqError: 855, rqSuccess: 0, rqTimeout: 0, rqTotal: 856))
        #expect(h.health.flags == "healthy" && h.health.edsHealthStatus == .healthy)
        #expect(h.weight == 1 && h.priority == 0)
        #expect(h.successRate == nil)  // "-1.0": not computed
        let sds = try #require(c.cluster(named: "sds-grpc")?.hosts.first)
        #expect(sds.address == .pipe(path: "./etc/istio/proxy/SDS"))
        #expect(sds.counters.rqActive == 2 && sds.counters.rqError == 35 && sds.counters.rqTotal == 37)
        #expect(c.clusters.filter { $0.circuitBreakers.defaultPriority?.maxConnections == 4_294_967_295 }.count == 56)
        #expect(c.clusters.allSatisfy { $0.circuitBreakers.highPriority != nil })
    }

    @Test func pp11() throws {
        let c = try Self.load("pp11")
        #expect(c.malformed.isEmpty)
        #expect(c.clusters.count == 45)
        #expect(c.hostCount == 42)
        let xds = try #require(c.cluster(named: "xds-grpc")?.hosts.first)
        #expect(xds.address == .socket(address: "172.21.222.30", port: 15011))
        #expect(xds.counters.cxActive == 1 && xds.counters.rqError == 1712 && xds.counters.rqTotal == 1713)
        let prom = try #require(c.cluster(named: "prometheus_stats")?.hosts.first)
        #expect(prom.counters.rqSuccess == 34488)
        #expect(c.cluster(named: "outbound|9901||istio-galley.istio-system.svc.cluster.local")?.circuitBreakers.defaultPriority?.maxConnections == 1024)
    }

    @Test func egress() throws {
        let c = try Self.load("egress")
        #expect(c.malformed.isEmpty)
        #expect(c.clusters.count == 81)
        #expect(c.hostCount == 79)
        let galley = try #require(c.cluster(named: "outbound|9901||istio-galley.istio-system.svc.cluster.local")?.hosts.first)
        #expect(galley.address == .socket(address: "172.30.79.18", port: 9901))
        #expect(galley.locality == Locality(region: "", zone: "us-south/dal13", subZone: ""))
        #expect(c.cluster(named: "prometheus_stats")?.hosts.first?.counters.rqTotal == 34499)
        #expect(c.cluster(named: "xds-grpc")?.hosts.first?.counters.rqTotal == 1715)
    }

    /// Re-reads each file with a plain split on `::` (these captures have no IPv6) and checks
    /// every numeric value against the model, so nothing is dropped or misattributed.
    @Test(arguments: ["is160", "pp11", "egress"])
    func everyNumericLineAgrees(dir: String) throws {
        let text = try Fixtures.text("envoy-admin/\(dir)/clusters.txt")
        let c = try EnvoyClusters.decode(Array(text.utf8))
        var index: [String: EnvoyClusterStatus] = [:]
        for cluster in c.clusters { index[cluster.name] = cluster }
        var checked = 0
        for line in text.split(separator: "\n") {
            let f = line.components(separatedBy: "::")
            let cluster = try #require(index[f[0]])
            if f.count == 4, f[1].hasSuffix("_priority") {
                let t = try #require(f[1] == "high_priority" ? cluster.circuitBreakers.highPriority : cluster.circuitBreakers.defaultPriority)
                let v = UInt64(f[3])!
                switch f[2] {
                case "max_connections": #expect(t.maxConnections == v)
                case "max_pending_requests": #expect(t.maxPendingRequests == v)
                case "max_requests": #expect(t.maxRequests == v)
                default: #expect(t.maxRetries == v)
                }
                checked += 1
            } else if f.count == 4, let v = UInt64(f[3]), HostCounters.names.contains(where: { $0.name == f[2] }) || f[2] == "weight" {
                let host = try #require(cluster.hosts.first { $0.address == UpstreamHostAddress(text: f[1]) })
                #expect((f[2] == "weight" ? UInt64(host.weight) : host.stat(f[2])) == v, "\(line)")
                checked += 1
            }
        }
        #expect(checked == c.clusters.count * 8 + c.hostCount * 9)
    }

    @Test func istioctlEndpointTableOnIs160() throws {
        let c = try Self.load("is160")
        let out = EndpointHostsTable.build(c).render()
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 76 + 2)  // header, hosts, final newline
        #expect(lines[0].hasPrefix("ENDPOINT "))
        #expect(lines[0].contains(" STATUS      OUTLIER CHECK     CLUSTER"))
        let xds = try #require(lines.first { $0.hasSuffix("     xds-grpc") })
        #expect(xds.split(separator: " ", omittingEmptySubsequences: true) == ["172.21.187.110:15012", "HEALTHY", "OK", "xds-grpc"])
        // istioctl sorts by address string: the unix socket (`unix://…`) comes last.
        #expect(lines[76].hasPrefix("unix://./etc/istio/proxy/SDS "))
        let filtered = EndpointHostsTable.build(c, filter: EndpointHostFilter(port: 15012)).rows
        #expect(filtered.count == 3)
        #expect(filtered[0] == ["172.21.187.110:15012", "HEALTHY", "OK", "xds-grpc", "1", "1", "856", "855", "-", "", "1", "healthy"])
        // Same address and port: by cluster name, byte order (`_` sorts before `|`).
        #expect(filtered[1][3] == "outbound_.15012_._.istiod.istio-system.svc.cluster.local")
        #expect(filtered[2][3] == "outbound|15012||istiod.istio-system.svc.cluster.local")
    }
}
