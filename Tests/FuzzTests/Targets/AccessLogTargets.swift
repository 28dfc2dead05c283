import MeshBase
import MeshGen
import MeshModel
@testable import MeshScopeCLI

/// Access logs: the parsers (Envoy TEXT and JSON, ztunnel, timestamp prefixes) through
/// `FlowIngest` and `FlowTop`, the rows `flows --follow` prints, and `meshscope flows|top --file`.
extension FuzzTargets {
    static func accessLog() -> FuzzTarget {
        FuzzTarget(name: .accessLog, seeds: Seeds.accessLogs.map { FuzzCase($0) }, formats: [.text], iterations: 120) { c in
            // The model directly: every line either parses or is counted, and top stays consistent.
            var ingest = FlowIngest()
            var top = FlowTop()
            // `top` parses without the fields it does not print: the same lines parse, or are
            // rejected for the same reason, and what is filled equals the full parse's.
            var maskDiffers = false
            var followRowUnsafe = false
            FlowIngest.forEachLine(c.parts[0]) { line in
                switch (AccessLogParser.parse(buffer: line, fields: .all), AccessLogParser.parse(buffer: line, fields: [])) {
                case (.success(let full), .success(let lean)): if AccessLogFields([]).masking(full) != lean { maskDiffers = true }
                case (.failure(let a), .failure(let b)): if a != b { maskDiffers = true }
                default: maskDiffers = true
                }
                if let flow = ingest.read(line) {
                    top.add(flow)
                    // What `flows --follow` prints for it: one line, nothing raw for a terminal.
                    let row = FollowPrinter.line(FlowTables.row(flow, wide: true))
                    if row.last != 0x0A || !TerminalText.isInert(row.dropLast(), keepLayout: false) || String(validating: row, as: UTF8.self) == nil {
                        followRowUnsafe = true
                    }
                }
            }
            var o = FuzzOutcome()
            if maskDiffers { o.problem("access-log: a parse without the descriptive fields differs from the full parse") }
            if followRowUnsafe { o.problem("access-log: a followed row is not one terminal-safe line") }
            if ingest.parsed + ingest.rejectedTotal > ingest.lines { o.problem("access-log: more results than lines") }
            if top.rows().reduce(0, { $0 + $1.requests }) > ingest.parsed { o.problem("access-log: top counted more requests than flows") }
            if !o.problems.isEmpty { return o }
            let path = CLIHarness.file(.accessLog, "access.log", c.parts[0])
            // `--file` reads in chunks: whatever their size, the lines (or the error) are
            // those of the whole input split at once.
            var whole: [[UInt8]] = [], chunked: [[UInt8]] = []
            FlowIngest.forEachLine(c.parts[0]) { whole.append(Array($0)) }
            let chunk = 1 + c.choose(64, salt: 23)
            let failed: Bool
            do throws(CLIError) {
                try InputFile.forEachLine(path, chunk: chunk) { chunked.append(Array($0)) }
                failed = false
            } catch { failed = true }
            let blank = c.parts[0].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            if failed != blank || (!failed && chunked != whole) {
                o.problem("access-log: --file read in chunks of \(chunk) gives other lines than the whole input")
                return o
            }
            let out = CLIHarness.outputFormat(c, ["table", "wide", "json"])
            let command = c.choose(2, salt: 21) == 0 ? "flows" : "top"
            var args = [command, "--file", path, "-o", out.flag]
            if c.choose(3, salt: 22) == 0 { args += ["--status", "5xx,0", "--flag", "UH,NoRouteFound"] }
            return await CLIHarness.run(args, output: out.kind)
        }
    }
}

extension Seeds {
    /// The real waypoint and ztunnel logs, and demo proxies' logs in every format.
    static let accessLogs: [[UInt8]] = {
        let demo = DemoMesh(.init(services: 4, replicas: 1))
        func lines(_ mode: DemoMesh.Mode) -> [UInt8] {
            let pods = demo.proxyPods.filter { demo.pods[$0].mode == mode }
            let text = pods.prefix(2).flatMap { DemoAccessLog.lines(demo, pod: $0, tick: 4_000, epochSecond: 1_795_165_200).prefix(12) }.map(\.text)
            return Array((text.joined(separator: "\n") + "\n").utf8)
        }
        let json = #"""
        {"start_time":"2026-11-20T09:00:03.100Z","method":"POST","path":"/api/v1/items?page=2","protocol":"HTTP/2","response_code":503,"response_flags":"UF,URX","response_code_details":"upstream_reset_before_response_started{connection_failure}","connection_termination_details":null,"upstream_transport_failure_reason":"TLS_error","bytes_received":120,"bytes_sent":91,"duration":12,"upstream_service_time":null,"x_forwarded_for":null,"user_agent":"curl/8.11.0","request_id":"a1","authority":"svc-0001:8080","upstream_host":"10.244.0.9:8080","upstream_cluster":"outbound|8080||svc-0001.demo-00.svc.cluster.local","upstream_local_address":null,"downstream_local_address":"10.96.0.4:8080","downstream_remote_address":"10.244.0.13:41000","requested_server_name":null,"route_name":"default"}
        2026-11-20T09:00:04.000000001Z {"level":"info","time":"2026-11-20T09:00:04Z","scope":"access","message":"connection complete","src.addr":"10.0.0.1:1","dst.workload":"w","direction":"inbound","bytes_sent":5,"duration":"3ms"}

        """#
        return [fixture("accesslogs/waypoint.log"), fixture("accesslogs/ztunnel.log"), lines(.sidecar), lines(.waypoint), lines(.ztunnel),
                lines(.gateway), Array(json.utf8)]
    }()
}
