import Foundation
import MeshModel
import Testing

@Suite struct FlowTests {
    static func directory() -> WorkloadDirectory {
        var d = WorkloadDirectory()
        d.add(pod: "reviews-v2-abc12-x1", namespace: "bookinfo", workload: "reviews-v2", serviceAccount: "bookinfo-reviews", ip: "10.244.0.7")
        d.add(pod: "ratings-v1-def34-y2", namespace: "bookinfo", workload: "ratings-v1", serviceAccount: "bookinfo-ratings", ip: "10.244.0.9")
        d.add(pod: "curl-legacy-k-z", namespace: "legacy", workload: "curl-legacy", serviceAccount: "default", ip: "10.244.0.30")
        d.add(service: "ratings", namespace: "bookinfo", clusterIP: "10.96.0.9")
        return d
    }

    @Test func outboundWithoutHealthyHostGoesToTheService() throws {
        let e = try AccessLogParser.parse(AccessLogParserTests.uh).get()
        let reporter = WorkloadDirectory.Endpoint(pod: "reviews-v2-abc12-x1", namespace: "bookinfo", workload: "reviews-v2", serviceAccount: nil)
        let f = Flow(e, reporter: reporter, directory: Self.directory())
        #expect(f.source.name == "reviews-v2.bookinfo")
        #expect(f.destination.name == "ratings.bookinfo")
        #expect(f.destination.matches("ratings"))
        #expect(!f.destination.matches("rat"))
        #expect(f.route == "ratings:9080/ratings/0")
    }

    @Test func inboundNamesTheClientByItsAddress() throws {
        let line = #"[2026-11-20T09:00:01.250Z] "GET /details/0 HTTP/1.1" 200 - via_upstream - "-" 0 178 3 2 "-" "curl/8.11.0" "r1" "details:9080" "10.244.0.5:9080" inbound|9080|| 127.0.0.6:50001 10.244.0.5:9080 10.244.0.30:33000 - default"#
        let f = Flow(try AccessLogParser.parse(line).get(), reporter: nil, directory: Self.directory())
        #expect(f.source.name == "curl-legacy.legacy")
        #expect(f.source.pod == "curl-legacy-k-z")
        #expect(f.destination.name == "10.244.0.5")
        #expect(f.source.matches("curl-legacy"))
        #expect(f.source.matches("10.244.0.30"))
    }

    @Test func identityJoin() {
        let d = Self.directory()
        #expect(d.endpoint(identity: "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings")?.workload == "ratings-v1")
        #expect(d.endpoint(identity: "spiffe://cluster.local/ns/other/sa/x") == nil)
        #expect(WorkloadDirectory.host(of: "envoy://connect_originate/10.244.0.32:9080") == "10.244.0.32")
        #expect(WorkloadDirectory.host(of: "[fd00::1]:80") == "fd00::1")
        #expect(WorkloadDirectory.host(of: "fd00::1") == "fd00::1")
        #expect(WorkloadDirectory.workloadName(pod: "reviews-v2-6f9b55c5db-vnpzr", owners: ["ReplicaSet/reviews-v2-6f9b55c5db"]) == "reviews-v2")
        #expect(WorkloadDirectory.workloadName(pod: "ztunnel-x7k2p", owners: ["DaemonSet/ztunnel"]) == "ztunnel")
    }

    @Test func filters() throws {
        let reporter = WorkloadDirectory.Endpoint(pod: "reviews-v2-abc12-x1", namespace: "bookinfo", workload: "reviews-v2", serviceAccount: nil)
        let f = Flow(try AccessLogParser.parse(AccessLogParserTests.uh).get(), reporter: reporter, directory: Self.directory())
        var filter = FlowFilter()
        #expect(filter.matches(f))
        filter.status = try StatusMatcher("5xx")
        filter.flags = ["UH"]
        filter.to = "ratings"
        filter.from = "reviews"
        filter.namespace = "bookinfo"
        filter.pod = "reviews-v2-abc12-x1"
        #expect(filter.matches(f))
        filter.status = try StatusMatcher("403,4xx")
        #expect(!filter.matches(f))
        filter.status = nil
        filter.flags = ["NR"]
        #expect(!filter.matches(f))
        filter.flags = []
        filter.notBefore = FlowTime.epochSeconds("2026-11-20T09:00:02Z")
        #expect(!filter.matches(f))
        #expect(throws: StatusMatcher.Invalid.self) { try StatusMatcher("5x") }
        #expect(throws: StatusMatcher.Invalid.self) { try StatusMatcher("1000") }
    }

    @Test func timeArithmetic() {
        #expect(FlowTime.epochSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(FlowTime.epochSeconds("2026-11-20T09:00:01.250Z") == 1_795_165_201)
        #expect(FlowTime.epochSeconds("2026-11-20T10:00:01+01:00") == 1_795_165_201)
        #expect(FlowTime.rfc3339(1_795_165_201) == "2026-11-20T09:00:01Z")
        #expect(FlowTime.epochSeconds("not a time") == nil)
    }
}
