import Testing
import MeshModel
import MeshTestSupport

/// An ambient client's ztunnel stops the request where ztunnel would: no healthy endpoint for
/// the service it connects to (the service, or its service waypoint) means ztunnel closes the
/// connection with `no healthy upstream: ADDR` (UH, no HTTP status: ztunnel is L4), and the
/// waypoint and server hops after it are shown as not reached.
@Suite struct LayersAmbientStopTests {
    /// A hand-written ztunnel dump (current list layout). sleep runs on worker-a; on worker-b:
    /// - ratings (VIP 10.96.0.20): one endpoint, its workload `status: Unhealthy` (older dumps
    ///   carry health on the workload only);
    /// - productpage (VIP 10.96.0.30): one endpoint whose own `status` is `Unhealthy` while its
    ///   workload says Healthy (current ztunnel's per-endpoint health wins);
    /// - details (VIP 10.96.0.40): healthy endpoint, service waypoint /10.96.0.50 = the
    ///   waypoint service, whose only endpoint (the waypoint pod) is Unhealthy;
    /// - reviews (VIP 10.96.0.60): one healthy endpoint, one Unhealthy.
    static let dump = """
    {"workloads": [
      {"uid": "Kubernetes//Pod/default/sleep-abc", "name": "sleep-abc", "namespace": "default", "workloadIps": ["10.244.1.5"],
       "node": "worker-a", "protocol": "HBONE", "status": "Healthy", "serviceAccount": "sleep", "trustDomain": "cluster.local"},
      {"uid": "Kubernetes//Pod/bookinfo/ratings-v1-xyz", "name": "ratings-v1-xyz", "namespace": "bookinfo", "workloadIps": ["10.244.2.7"],
       "node": "worker-b", "protocol": "HBONE", "status": "Unhealthy", "serviceAccount": "ratings"},
      {"uid": "Kubernetes//Pod/bookinfo/productpage-v1-ppp", "name": "productpage-v1-ppp", "namespace": "bookinfo", "workloadIps": ["10.244.2.8"],
       "node": "worker-b", "protocol": "HBONE", "status": "Healthy", "serviceAccount": "productpage"},
      {"uid": "Kubernetes//Pod/bookinfo/details-v1-ddd", "name": "details-v1-ddd", "namespace": "bookinfo", "workloadIps": ["10.244.2.9"],
       "node": "worker-b", "protocol": "HBONE", "status": "Healthy", "serviceAccount": "details"},
      {"uid": "Kubernetes//Pod/bookinfo/waypoint-www", "name": "waypoint-www", "namespace": "bookinfo", "workloadIps": ["10.244.2.10"],
       "node": "worker-b", "protocol": "TCP", "status": "Unhealthy", "serviceAccount": "waypoint"},
      {"uid": "Kubernetes//Pod/bookinfo/reviews-v1-bad", "name": "reviews-v1-bad", "namespace": "bookinfo", "workloadIps": ["10.244.2.11"],
       "node": "worker-b", "protocol": "HBONE", "status": "Unhealthy", "serviceAccount": "reviews"},
      {"uid": "Kubernetes//Pod/bookinfo/reviews-v2-good", "name": "reviews-v2-good", "namespace": "bookinfo", "workloadIps": ["10.244.2.12"],
       "node": "worker-b", "protocol": "HBONE", "status": "Healthy", "serviceAccount": "reviews"}
    ],
    "services": [
      {"name": "ratings", "namespace": "bookinfo", "hostname": "ratings.bookinfo.svc.cluster.local", "vips": ["/10.96.0.20"], "ports": {"9080": 9080},
       "endpoints": {"Kubernetes//Pod/bookinfo/ratings-v1-xyz": {"workloadUid": "Kubernetes//Pod/bookinfo/ratings-v1-xyz",
         "service": "bookinfo/ratings.bookinfo.svc.cluster.local", "port": {"9080": 9080}}}},
      {"name": "productpage", "namespace": "bookinfo", "hostname": "productpage.bookinfo.svc.cluster.local", "vips": ["/10.96.0.30"], "ports": {"9080": 9080},
       "endpoints": {"Kubernetes//Pod/bookinfo/productpage-v1-ppp": {"workloadUid": "Kubernetes//Pod/bookinfo/productpage-v1-ppp",
         "service": "bookinfo/productpage.bookinfo.svc.cluster.local", "port": {"9080": 9080}, "status": "Unhealthy"}}},
      {"name": "details", "namespace": "bookinfo", "hostname": "details.bookinfo.svc.cluster.local", "vips": ["/10.96.0.40"], "ports": {"9080": 9080},
       "waypoint": {"destination": "/10.96.0.50", "hboneMtlsPort": 15008},
       "endpoints": {"Kubernetes//Pod/bookinfo/details-v1-ddd": {"workloadUid": "Kubernetes//Pod/bookinfo/details-v1-ddd",
         "service": "bookinfo/details.bookinfo.svc.cluster.local", "port": {"9080": 9080}, "status": "Healthy"}}},
      {"name": "waypoint", "namespace": "bookinfo", "hostname": "waypoint.bookinfo.svc.cluster.local", "vips": ["/10.96.0.50"], "ports": {"15008": 15008},
       "endpoints": {"Kubernetes//Pod/bookinfo/waypoint-www": {"workloadUid": "Kubernetes//Pod/bookinfo/waypoint-www",
         "service": "bookinfo/waypoint.bookinfo.svc.cluster.local", "port": {"15008": 15008}}}},
      {"name": "reviews", "namespace": "bookinfo", "hostname": "reviews.bookinfo.svc.cluster.local", "vips": ["/10.96.0.60"], "ports": {"9080": 9080},
       "endpoints": {
         "Kubernetes//Pod/bookinfo/reviews-v1-bad": {"workloadUid": "Kubernetes//Pod/bookinfo/reviews-v1-bad", "service": "bookinfo/reviews.bookinfo.svc.cluster.local"},
         "Kubernetes//Pod/bookinfo/reviews-v2-good": {"workloadUid": "Kubernetes//Pod/bookinfo/reviews-v2-good", "service": "bookinfo/reviews.bookinfo.svc.cluster.local"}}}
    ]}
    """

    func path(to: String) throws -> [HopLayers] {
        var inputs = MeshPathInputs()
        inputs.ztunnel = ZtunnelDump.decode(try JSONDocument(bytes: Array(Self.dump.utf8)))
        return try MeshPath.build(inputs, from: "sleep-abc.default", to: to)
    }

    @Test func unhealthyWorkloadStopsAtClientZtunnelWithUH() throws {
        let hops = try path(to: "ratings.bookinfo.svc.cluster.local:9080")
        #expect(hops.map(\.title) == ["sleep-abc app", "ztunnel on worker-a (stops: UH)", "ztunnel on worker-b (not reached)", "ratings-v1-xyz app (not reached)"])
        let stop = try #require(hops[1].stop)
        #expect(stop.flag == .noHealthyUpstream)
        #expect(stop.status == nil)
        #expect(stop.description == #"UH (no healthy upstream): ztunnel has no healthy endpoint for bookinfo/ratings: 0 healthy of 1 endpoints (1 Unhealthy); it closes the connection ("no healthy upstream: 10.96.0.20:9080")"#)
        // Nothing leaves the client ztunnel; what it would have sent (HBONE to the pod) is kept.
        #expect(hops[1].cell(.hbone).upstream == .none)
        #expect(hops[1].sends(.hbone) == .originate("CONNECT to 10.244.2.7:15008"))
        #expect(hops[2].notReached == "the request stops at ztunnel on worker-a (UH, no healthy upstream)")
        #expect(hops[3].notReached == "the request stops at ztunnel on worker-a (UH, no healthy upstream)")
        #expect(hops[1].outcomeLines == [#"stops here: UH (no healthy upstream): ztunnel has no healthy endpoint for bookinfo/ratings: 0 healthy of 1 endpoints (1 Unhealthy); it closes the connection ("no healthy upstream: 10.96.0.20:9080")"#])
    }

    @Test func endpointStatusWinsOverWorkloadStatus() throws {
        let hops = try path(to: "10.96.0.30:9080")
        #expect(hops[1].stop?.reason == #"ztunnel has no healthy endpoint for bookinfo/productpage: 0 healthy of 1 endpoints (1 Unhealthy); it closes the connection ("no healthy upstream: 10.96.0.30:9080")"#)
        #expect(hops.last?.title == "productpage-v1-ppp app (not reached)")
    }

    @Test func unhealthyServiceWaypointStopsBeforeTheWaypoint() throws {
        let hops = try path(to: "details.bookinfo.svc.cluster.local:9080")
        #expect(hops.map(\.title) == ["sleep-abc app", "ztunnel on worker-a (stops: UH)", "waypoint-www waypoint (not reached)",
                                      "ztunnel on worker-b (not reached)", "details-v1-ddd app (not reached)"])
        #expect(hops[1].stop?.reason == #"ztunnel has no healthy endpoint for bookinfo/waypoint (the waypoint of bookinfo/details): 0 healthy of 1 endpoints (1 Unhealthy); it closes the connection ("no healthy upstream: 10.96.0.40:9080")"#)
        #expect(hops[1].sends(.hbone) == .originate("CONNECT to waypoint"))
    }

    /// One healthy endpoint of two: ztunnel picks it, the path goes on to that pod.
    @Test func oneHealthyEndpointGoesOnToIt() throws {
        let hops = try path(to: "reviews.bookinfo.svc.cluster.local:9080")
        #expect(hops.allSatisfy { $0.stop == nil && $0.notReached == nil })
        #expect(hops.last?.name == "reviews-v2-good app")
        #expect(hops[1].cell(.hbone).upstream == .originate("CONNECT to 10.244.2.12:15008"))
    }

    /// The fixture's ztunnel (older map layout, health on workloads only) has every workload
    /// Healthy: its paths do not stop.
    @Test func healthyFixturePathDoesNotStop() throws {
        var inputs = MeshPathInputs()
        inputs.ztunnel = ZtunnelDump.decode(try JSONDocument(bytes: try Fixtures.bytes("ztunnel/config_dump.json")))
        let hops = try MeshPath.build(inputs, from: "sleep-7656cf8794-lxcmx.default", to: "httpbin.default.svc.cluster.local:8000")
        #expect(hops.allSatisfy { $0.stop == nil })
    }
}
