import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// `:flows`, `:top`, `l` and `v` on the state machine, fed with batches as the live driver
/// posts them. The flows come from hand-written Envoy TEXT lines whose fields the
/// expectations repeat (status, flag, path).
@Suite struct FlowViewTests {
    /// An inbound request to details from curl-legacy (`i` in its path and request ID).
    static func ok(_ i: Int) -> String {
        #"[2026-11-20T09:00:01.250Z] "GET /details/\#(i) HTTP/1.1" 200 - via_upstream - "-" 0 178 3 2 "-" "curl/8.11.0" "ok-\#(i)" "details:9080" "10.244.0.5:9080" inbound|9080|| 127.0.0.6:50001 10.244.0.5:9080 10.244.0.30:33000 - default"#
    }

    /// An outbound request to ratings with no healthy host: 503 UH.
    static func uh(_ i: Int) -> String {
        #"[2026-11-20T09:00:02.000Z] "GET /ratings/\#(i) HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl/8.11.0" "uh-\#(i)" "ratings:9080" "-" outbound|9080||ratings.bookinfo.svc.cluster.local - 10.96.0.9:9080 10.244.0.7:40000 - default"#
    }

    static func flows(_ lines: [String]) -> [Flow] {
        var ingest = FlowIngest()
        return lines.compactMap { ingest.read(Array($0.utf8)) }
    }

    static let at = LiveDemoData.t0.addingTimeInterval(10)

    static func batch(_ lines: [String], at: Date = at) -> AppEvent {
        .flowsArrived(FlowBatch(flows: flows(lines), at: at, streams: 3))
    }

    static func column(_ t: TableScreen, _ name: String) -> Int { t.table.columns.firstIndex { $0.name == name }! }

    @Test func flowsOpensAsksForTheStreamAndStopsItOnLeaving() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("flows")
        #expect(h.d.table?.spec.name == "flows")
        // (`command` hands the effects to the harness: the state says what it asked for.)
        #expect(h.d.state.flowStreamWanted == FlowStreamRequest())
        #expect(h.text.contains("starting the log streams"), "\(h.text)")
        h.d.effects = []
        h.d.send(Self.batch([Self.ok(1), Self.uh(2)]))
        let t = try #require(h.d.table)
        #expect(t.table.rows.count == 2)
        #expect(t.table.rows[1][Self.column(t, "STATUS")] == "503")
        #expect(t.table.rows[1][Self.column(t, "FLAGS")] == "UH")
        #expect(t.table.rows[1][Self.column(t, "ROUTE")] == "ratings:9080/ratings/2")
        // The tail starts on its newest row.
        #expect(t.selected == 1)
        h.d.press(.char(":"))
        h.d.type("pods")
        h.d.press(.enter)
        #expect(h.d.effects.contains { if case .streamFlows(nil) = $0 { true } else { false } })
    }

    @Test func selectionStaysOnItsFlowWhileRowsArriveAndTheEndFollows() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("flows")
        h.d.send(Self.batch((1...5).map(Self.ok)))
        #expect(h.d.table?.selected == 4)
        // At the end: new rows are followed.
        h.d.send(Self.batch((6...7).map(Self.ok)))
        #expect(h.d.table?.selectedRow?[0] == "7")
        // Moved up: the selection stays on its flow (#5) while more arrive.
        h.d.press(.char("k"), .char("k"))
        #expect(h.d.table?.selectedRow?[0] == "5")
        h.d.send(Self.batch((8...10).map(Self.ok)))
        #expect(h.d.table?.selectedRow?[0] == "5")
        #expect(h.d.table?.table.rows.count == 10)
    }

    @Test func pauseHoldsRowsAndResumeAddsThem() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("flows")
        h.d.send(Self.batch((1...3).map(Self.ok)))
        h.d.press(.char(" "))
        #expect(h.d.state.paused)
        h.d.send(Self.batch((4...6).map(Self.ok)))
        #expect(h.d.table?.table.rows.count == 3)
        #expect(h.d.frameTitle.contains("3 new while paused"), "\(h.d.frameTitle)")
        h.d.press(.char(" "))
        #expect(h.d.table?.table.rows.count == 6)
        #expect(!h.d.frameTitle.contains("paused"))
    }

    @Test func boundedBufferDropsTheOldestAndSaysHowMany() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("flows")
        h.d.state.data.flows.capacity = 4
        h.d.send(Self.batch((1...7).map(Self.ok)))
        let t = try #require(h.d.table)
        #expect(t.table.rows.map { $0[0] } == ["4", "5", "6", "7"])
        #expect(h.d.frameTitle.contains("3 dropped"), "\(h.d.frameTitle)")
        // What the streamer dropped counts too.
        h.d.send(.flowsArrived(FlowBatch(flows: [], at: Self.at, streamDropped: 10, streams: 3)))
        #expect(h.d.frameTitle.contains("13 dropped"), "\(h.d.frameTitle)")
    }

    @Test func flowFiltersTextFilterAndFlagWords() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("flows --status 5xx")
        h.d.send(Self.batch([Self.ok(1), Self.uh(2), Self.ok(3), Self.uh(4)]))
        #expect(h.d.table?.table.rows.map { $0[0] } == ["2", "4"])
        #expect(h.d.frameTitle.contains("--status 5xx"))
        try h.command("flows --to 10.244.0.5")
        #expect(h.d.table?.table.rows.map { $0[0] } == ["1", "3"])
        try h.command("flows /details/3")
        #expect(h.d.table?.order.count == 1)
        // `d` explains the flag in words.
        try h.command("flows --flag NoHealthyUpstream")
        #expect(h.d.table?.table.rows.count == 2)
        h.d.press(.char("d"))
        #expect(h.text.contains("UH (NoHealthyUpstream): no healthy upstream host (503)"), "\(h.text)")
        // A word that is not a flag is refused, the view unchanged.
        h.d.press(.escape)
        try h.command("flows --flag XX")
        #expect(h.d.state.flash?.text.contains("--flag XX: not a response flag") == true)
    }

    @Test func topSumsTheWindow() throws {
        var h = try LiveDemoData.driver(width: 200)
        try h.command("top")
        #expect(h.d.state.flowStreamWanted != nil)
        h.d.send(Self.batch([Self.uh(1), Self.uh(2), Self.uh(3)], at: Self.at))
        // Out of the 60 s window ending at the newest arrival.
        h.d.send(Self.batch([Self.ok(1)], at: Self.at.addingTimeInterval(-120)))
        h.d.send(Self.batch([Self.ok(2)], at: Self.at.addingTimeInterval(1)))
        let t = try #require(h.d.table)
        #expect(t.spec.name == "top")
        let ratings = try #require(t.table.rows.first { $0[Self.column(t, "ROUTE")].hasPrefix("ratings:9080") == true && $0[Self.column(t, "DESTINATION")] == "ratings.bookinfo" })
        // Three requests with distinct paths: three routes of one each.
        #expect(ratings[Self.column(t, "REQUESTS")] == "1")
        #expect(ratings[Self.column(t, "SUCCESS")] == "0.0%")
        let total = t.table.rows.reduce(0) { $0 + Int($1[Self.column(t, "REQUESTS")])! }
        #expect(total == 4)
        #expect(t.table.rows.contains { $0[Self.column(t, "FLAGS")] == "UH:1" })
    }

    @Test func lOnAPodOpensItsFlows() throws {
        var h = try LiveDemoData.driver(width: 200)
        let pod = LiveDemoData.mesh.pods.first { $0.name.hasPrefix("reviews-v2-") }!
        try h.select(pod.name)
        h.d.effects = []
        h.d.press(.char("l"))
        #expect(h.d.table?.spec.name == "flows")
        #expect(h.d.state.stack.count == 2)
        #expect(h.d.state.data.flows.query.pod == "\(pod.name).\(pod.namespace)")
        #expect(h.d.effects.contains { if case .streamFlows(let r) = $0 { r == FlowStreamRequest(pod: pod.name, podNamespace: pod.namespace) } else { false } })
        // Esc goes back, and the stream stops.
        h.d.press(.escape)
        h.d.press(.escape)
        #expect(h.d.table?.spec.name == "pods")
        #expect(h.d.effects.contains { if case .streamFlows(nil) = $0 { true } else { false } })
    }

    @Test func lOnAnEdgeFiltersBothEnds() throws {
        var h = try LiveDemoData.driver(width: 220)
        try h.command("edges")
        let row = try #require(h.d.table?.selectedRow)
        h.d.press(.char("l"))
        #expect(h.d.state.data.flows.query.from == row[0])
        #expect(h.d.state.data.flows.query.to == row[1])
    }

    @Test func logLevelAsksFirstAndRefusesUnderReadonly() throws {
        var h = try LiveDemoData.driver(width: 200)
        let pod = LiveDemoData.mesh.pods.first { $0.name.hasPrefix("reviews-v2-") }!
        try h.select(pod.name)
        h.d.press(.char("v"))
        guard case .command(let ed) = h.d.state.mode else { Issue.record("no prompt"); return }
        #expect(ed.text == "log-level \(pod.name).\(pod.namespace) ")
        h.d.type("rbac:debug")
        h.d.effects = []
        h.d.press(.enter)
        // Access is reviewed first: no question until the runtime answers.
        let request = LogLevelRequest(pod: pod.name, namespace: pod.namespace, level: "rbac:debug", reset: false)
        #expect(h.d.effects == [.reviewLogLevel(request)])
        #expect(h.d.state.mode.isNormal)
        h.d.send(.logLevelReviewed(request, refusal: nil))
        guard case .confirm(let c) = h.d.state.mode else { Issue.record("no confirm"); return }
        #expect(c.dialog.message.joined().contains("rbac:debug on \(pod.name).\(pod.namespace)"))
        #expect(h.d.effects.allSatisfy { if case .setLogLevel = $0 { false } else { true } })
        h.d.press(.char("y"))
        #expect(h.d.effects.contains(.setLogLevel(request)))
        // A refusal is said in place of the question.
        h.d.effects = []
        h.d.send(.logLevelReviewed(request, refusal: "forbidden: dev may not create pods/proxy in \(pod.namespace)"))
        #expect(h.d.state.mode.isNormal)
        #expect(h.d.state.flash?.text == "log levels rbac:debug on \(pod.name).\(pod.namespace): forbidden: dev may not create pods/proxy in \(pod.namespace)")
        #expect(h.d.effects.isEmpty)
        // A bad level never gets as far as the question.
        try h.command("log-level \(pod.name).\(pod.namespace) loud")
        #expect(h.d.state.mode.isNormal)
        #expect(h.d.state.flash?.level == .error)
        // --readonly: refused with the reason.
        h.d.state.readonly = true
        h.d.press(.char("v"))
        #expect(h.d.state.mode.isNormal)
        #expect(h.d.state.flash?.text == "--readonly: changing log levels is disabled")
    }

    @Test func snapshotsAndFilesHaveNoLiveProxyToChange() throws {
        var h = try LiveDemoData.driver(width: 200)
        h.d.state.source = SourceInfo(kind: .snapshot, label: "snapshot x")
        try h.command("log-level a.b debug")
        #expect(h.d.state.mode.isNormal)
        #expect(h.d.state.flash?.text.contains("a snapshot is a recording") == true)
        var f = try Driver("envoy/waypoint/config_dump.json")
        f.press(.char(":"))
        f.type("flows")
        f.press(.enter)
        #expect(f.state.flash?.text.contains("start meshscope on a cluster or --demo") == true)
    }
}
