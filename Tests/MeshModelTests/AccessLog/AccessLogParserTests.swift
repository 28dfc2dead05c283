import Foundation
import MeshModel
import MeshTestSupport
import Testing

@Suite struct AccessLogParserTests {
    static let uh = #"[2026-11-20T09:00:01.250Z] "GET /ratings/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "Go-http-client/1.1" "6f0c3c8e-0d1a-4b6e-9a0f-1c2d3e4f5a6b" "ratings:9080" "-" outbound|9080||ratings.bookinfo.svc.cluster.local - 10.96.0.9:9080 10.244.0.7:40000 - default"#

    @Test func envoyTextFields() throws {
        let e = try AccessLogParser.parse(Self.uh).get()
        #expect(e.format == .envoyText)
        #expect(e.startTime == "2026-11-20T09:00:01.250Z")
        #expect(e.method == "GET")
        #expect(e.path == "/ratings/0")
        #expect(e.protocolName == "HTTP/1.1")
        #expect(e.status == 503)
        #expect(e.flags.map(\.code) == ["UH"])
        #expect(e.flags.first?.explanation == "no healthy upstream host (503)")
        #expect(e.responseCodeDetails == "no_healthy_upstream")
        #expect(e.connectionTerminationDetails == nil)
        #expect(e.upstreamTransportFailureReason == nil)
        #expect(e.bytesReceived == 0)
        #expect(e.bytesSent == 19)
        #expect(e.durationMs == 0)
        #expect(e.upstreamServiceTimeMs == nil)
        #expect(e.userAgent == "Go-http-client/1.1")
        #expect(e.requestID == "6f0c3c8e-0d1a-4b6e-9a0f-1c2d3e4f5a6b")
        #expect(e.authority == "ratings:9080")
        #expect(e.upstreamHost == nil)
        #expect(e.upstreamCluster == "outbound|9080||ratings.bookinfo.svc.cluster.local")
        #expect(e.upstreamLocalAddress == nil)
        #expect(e.downstreamLocalAddress == "10.96.0.9:9080")
        #expect(e.downstreamRemoteAddress == "10.244.0.7:40000")
        #expect(e.requestedServerName == nil)
        #expect(e.routeName == "default")
        #expect(e.failed)
        #expect(e.isInbound == false)
    }

    @Test func envoyTextTCPAndTransportFailure() throws {
        let line = #"[2026-11-20T09:00:02.000Z] "- - -" 0 UF,URX - - "TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED" 0 0 1001 - "-" "-" "-" "-" "10.244.0.20:27017" outbound|27017||mongodb.bookinfo.svc.cluster.local - 10.96.0.30:27017 10.244.0.9:51000 - -"#
        let e = try AccessLogParser.parse(line).get()
        #expect(e.method == nil)
        #expect(e.path == nil)
        #expect(e.status == 0)
        #expect(e.flags.map(\.code) == ["UF", "URX"])
        #expect(e.upstreamTransportFailureReason == "TLS_error:_268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED")
        #expect(e.durationMs == 1001)
        #expect(e.upstreamHost == "10.244.0.20:27017")
        #expect(e.routeName == nil)
        #expect(e.failed)
        // A TCP connection that ended well logs code 0 too: not a failure.
        let ok = try AccessLogParser.parse(line.replacingOccurrences(of: " 0 UF,URX - - ", with: " 0 - - - ")).get()
        #expect(!ok.failed)
    }

    @Test func envoyJSONFields() throws {
        let line = #"{"start_time":"2026-11-20T09:00:03.100Z","method":"POST","path":"/api/v1/items?page=2","protocol":"HTTP/2","response_code":403,"response_flags":"-","response_code_details":"rbac_access_denied_matched_policy[none]","connection_termination_details":null,"upstream_transport_failure_reason":null,"bytes_received":120,"bytes_sent":19,"duration":1,"upstream_service_time":null,"x_forwarded_for":null,"user_agent":"curl/8.11.0","request_id":"a1","authority":"svc-0001:8080","upstream_host":null,"upstream_cluster":"inbound|8080||","upstream_local_address":null,"downstream_local_address":"10.244.0.12:8080","downstream_remote_address":"10.244.0.13:41000","requested_server_name":"outbound_.8080_._.svc-0001.demo-00.svc.cluster.local","route_name":"default"}"#
        let e = try AccessLogParser.parse(line).get()
        #expect(e.format == .envoyJSON)
        #expect(e.method == "POST")
        #expect(e.path == "/api/v1/items?page=2")
        #expect(e.protocolName == "HTTP/2")
        #expect(e.status == 403)
        #expect(e.flags.isEmpty)
        #expect(e.responseCodeDetails == "rbac_access_denied_matched_policy[none]")
        #expect(e.bytesReceived == 120)
        #expect(e.bytesSent == 19)
        #expect(e.durationMs == 1)
        #expect(e.upstreamServiceTimeMs == nil)
        #expect(e.userAgent == "curl/8.11.0")
        #expect(e.authority == "svc-0001:8080")
        #expect(e.upstreamCluster == "inbound|8080||")
        #expect(e.downstreamRemoteAddress == "10.244.0.13:41000")
        #expect(e.requestedServerName == "outbound_.8080_._.svc-0001.demo-00.svc.cluster.local")
        #expect(e.isInbound == true)
        #expect(!e.failed)
        #expect(Flow(e).route == "svc-0001:8080/api/v1/items")
        // Numbers as strings (some encoders) and long flag names.
        let long = try AccessLogParser.parse(#"{"response_code":"504","response_flags":"UpstreamRequestTimeout","duration":"15000","start_time":"2026-11-20T09:00:03Z"}"#).get()
        #expect(long.status == 504)
        #expect(long.flags.map(\.code) == ["UT"])
        #expect(long.durationMs == 15_000)
    }

    @Test func ztunnelFields() throws {
        let line = "2024-07-02T13:41:03.203349Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.0.16:52008 src.workload=productpage-v1-87d54dd59-fzflt src.namespace=bookinfo src.identity=\"spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage\" dst.addr=10.244.0.14:15008 dst.hbone_addr=10.244.0.14:9080 dst.service=reviews.bookinfo.svc.cluster.local dst.workload=reviews-v2-6f9b55c5db-vnpzr dst.namespace=bookinfo dst.identity=\"spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews\" direction=\"outbound\" bytes_sent=200 bytes_recv=603 duration=\"2ms\" error=\"connection closed: tls handshake eof\""
        let e = try AccessLogParser.parse(line).get()
        #expect(e.format == .ztunnel)
        #expect(e.startTime == "2024-07-02T13:41:03.203349Z")
        #expect(e.message == "connection complete")
        #expect(e.downstreamRemoteAddress == "10.244.0.16:52008")
        #expect(e.sourceWorkload == "productpage-v1-87d54dd59-fzflt")
        #expect(e.sourceNamespace == "bookinfo")
        #expect(e.sourceIdentity == "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage")
        #expect(e.upstreamHost == "10.244.0.14:9080")
        #expect(e.downstreamLocalAddress == "10.244.0.14:15008")
        #expect(e.destinationService == "reviews.bookinfo.svc.cluster.local")
        #expect(e.destinationWorkload == "reviews-v2-6f9b55c5db-vnpzr")
        #expect(e.destinationNamespace == "bookinfo")
        #expect(e.destinationIdentity == "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews")
        #expect(e.direction == "outbound")
        #expect(e.bytesSent == 200)
        #expect(e.bytesReceived == 603)
        #expect(e.durationMs == 2)
        #expect(e.error == "connection closed: tls handshake eof")
        #expect(e.failed)
        // ztunnel's JSON logs.
        let json = try AccessLogParser.parse(#"{"level":"info","time":"2024-07-02T13:41:03.2Z","scope":"access","message":"connection opened","src.addr":"10.0.0.1:1","dst.workload":"w","direction":"inbound"}"#).get()
        #expect(json.format == .ztunnel)
        #expect(json.message == "connection opened")
        #expect(json.destinationWorkload == "w")
        #expect(json.direction == "inbound")
    }

    @Test func timestampPrefix() throws {
        let e = try AccessLogParser.parse("2026-11-20T09:00:01.3000001Z " + Self.uh).get()
        #expect(e.receivedAt == "2026-11-20T09:00:01.3000001Z")
        #expect(e.status == 503)
        let z = try AccessLogParser.parse("2026-11-20T09:00:01.3Z 2024-07-02T13:41:03.203349Z\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:5 duration=\"1.5s\"").get()
        #expect(z.receivedAt == "2026-11-20T09:00:01.3Z")
        #expect(z.durationMs == 1_500)
    }

    /// Envoy's documented flags (envoy/stream_info/stream_info.h, CORE_RESPONSE_FLAGS), short and long.
    static let documented: [(String, String)] = [
        ("LH", "FailedLocalHealthCheck"), ("UH", "NoHealthyUpstream"), ("UT", "UpstreamRequestTimeout"), ("LR", "LocalReset"),
        ("UR", "UpstreamRemoteReset"), ("UF", "UpstreamConnectionFailure"), ("UC", "UpstreamConnectionTermination"),
        ("UO", "UpstreamOverflow"), ("NR", "NoRouteFound"), ("DI", "DelayInjected"), ("FI", "FaultInjected"), ("RL", "RateLimited"),
        ("UAEX", "UnauthorizedExternalService"), ("RLSE", "RateLimitServiceError"), ("DC", "DownstreamConnectionTermination"),
        ("URX", "UpstreamRetryLimitExceeded"), ("SI", "StreamIdleTimeout"), ("IH", "InvalidEnvoyRequestHeaders"),
        ("DPE", "DownstreamProtocolError"), ("UMSDR", "UpstreamMaxStreamDurationReached"), ("RFCF", "ResponseFromCacheFilter"),
        ("NFCF", "NoFilterConfigFound"), ("DT", "DurationTimeout"), ("UPE", "UpstreamProtocolError"), ("NC", "NoClusterFound"),
        ("OM", "OverloadManagerTerminated"), ("DF", "DnsResolutionFailed"), ("DO", "DropOverload"), ("DR", "DownstreamRemoteReset"),
    ]

    @Test func everyDocumentedFlag() throws {
        #expect(ResponseFlag.all.count == Self.documented.count)
        for (code, long) in Self.documented {
            let line = Self.uh.replacingOccurrences(of: " 503 UH ", with: " 503 \(code) ")
            let e = try AccessLogParser.parse(line).get()
            #expect(e.flags.map(\.code) == [code], "\(code)")
            #expect(e.flags.first?.longName == long, "\(code)")
            #expect(e.flags.first.map { !$0.explanation.isEmpty && $0.explanation != "not a flag Envoy documents" } == true, "\(code)")
            #expect(ResponseFlag.parse(long).map(\.code) == [code], "\(long)")
            let json = try AccessLogParser.parse(#"{"response_code":503,"response_flags":"\#(long)","start_time":"x"}"#).get()
            #expect(json.flags.map(\.code) == [code])
        }
        #expect(ResponseFlag.parse("UpstreamConnectionFailureUpstreamRetryLimitExceeded").map(\.code) == ["UF", "URX"])
        #expect(ResponseFlag.parse("XYZ").map(\.explanation) == ["not a flag Envoy documents"])
        #expect(ResponseFlag.lookup("UH")?.described == "UH: no healthy upstream host (503)")
    }

    @Test func badInputIsRejectedWithAReason() {
        // Cut mid-line (a stream cut, a truncated file).
        #expect(AccessLogParser.parse(String(Self.uh.prefix(120))) == .failure(.truncated))
        #expect(AccessLogParser.parse(#"[2026-11-20T09:00:01.250Z] "GET /x HTTP/1.1" 200 - via_upstream"#) == .failure(.truncated))
        // Partial JSON.
        #expect(AccessLogParser.parse(#"{"start_time":"2026-11-20T09:00:03.100Z","method":"PO"#) == .failure(.badJSON))
        // JSON of another kind.
        #expect(AccessLogParser.parse(#"{"level":"info","msg":"starting"}"#) == .failure(.unknownFormat))
        // Other formats: an Envoy debug line, a ztunnel non-access line, nginx.
        #expect(AccessLogParser.parse("[2026-11-20 09:00:00.000][15][debug][rbac] enforced denied") == .failure(.unknownFormat))
        #expect(AccessLogParser.parse("2024-07-02T13:41:03.203349Z\tinfo\txds\treceived response") == .failure(.unknownFormat))
        #expect(AccessLogParser.parse(#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326"#) == .failure(.unknownFormat))
        #expect(AccessLogParser.parse("") == .failure(.unknownFormat))
        // A ztunnel access line cut inside a quoted value.
        #expect(AccessLogParser.parse("2024-07-02T13:41:03.203349Z\tinfo\taccess\tconnection complete\tsrc.identity=\"spiffe://clu") == .failure(.truncated))
        // Huge numbers do not trap.
        let big = Self.uh.replacingOccurrences(of: " 0 19 0 - ", with: " 99999999999999999999999 19 0 - ")
        #expect((try? AccessLogParser.parse(big).get())?.bytesReceived == nil)
    }

    @Test func realWaypointLines() throws {
        let text = try Fixtures.text("accesslogs/waypoint.log")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 16)
        for line in lines {
            let e = try AccessLogParser.parse(String(line)).get()
            #expect(e.format == .envoyText)
            #expect(e.receivedAt == "2025-01-30T12:10:13.682034460Z")
            #expect(e.status == 200)
            #expect(e.upstreamCluster?.hasPrefix("inbound-vip|") == true)
            #expect(e.responseCodeDetails == "via_upstream")
            // Twelve requests to the services on 9080 go through HBONE; four to the gateway's service do not.
            if line.contains(" inbound-vip|9080|http|") {
                #expect(e.upstreamHost?.hasPrefix("envoy://connect_originate/") == true)
            } else {
                #expect(e.upstreamHost == "10.244.0.39:80")
                #expect(e.upstreamCluster == "inbound-vip|80|http|bookinfo-gateway-istio.bookinfo.svc.cluster.local")
            }
        }
        #expect(lines.filter { $0.contains("\"envoy://connect_originate/") }.count == 12)
        let first = try AccessLogParser.parse(String(lines[0])).get()
        #expect(first.authority == "details:9080")
        #expect(first.path == "/details/0")
        #expect(first.requestID == "e7d5b6ce-5f7f-9731-8471-ca5bcd650a72")
        #expect(first.downstreamRemoteAddress == "10.244.0.37:52134")
        #expect(first.bytesSent == 178)
        let flow = Flow(first)
        #expect(flow.source.name == "10.244.0.37")
        #expect(flow.destination.name == "10.244.0.32")
    }

    @Test func realZtunnelLines() throws {
        let text = try Fixtures.text("accesslogs/ztunnel.log")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 28)
        for line in lines {
            let e = try AccessLogParser.parse(String(line)).get()
            #expect(e.format == .ztunnel)
            #expect(e.message == "connection complete")
            let flow = Flow(e)
            #expect(flow.source.workload != nil && flow.destination.workload != nil, "\(line)")
            #expect(e.direction == "inbound" || e.direction == "outbound")
        }
        let first = Flow(try AccessLogParser.parse(String(lines[0])).get())
        #expect(first.source.name == "productpage-v1-87d54dd59-fzflt.bookinfo")
        #expect(first.destination.name == "reviews-v2-6f9b55c5db-vnpzr.bookinfo")
        #expect(first.entry.durationMs == 2)
    }
}
