import Foundation
import MeshModel
@testable import MeshScopeCLI
import MeshTestSupport
import Testing

/// A follow's output written in batches (``FollowOutput``): the same bytes the console would
/// have written piece by piece, in order, all of it by the end.
@Suite struct FollowOutputTests {
    @Test func batchesAreWhatTheConsoleWouldHaveWritten() {
        let direct = Console(capture: true), batched = Console(capture: true)
        let out = FollowOutput(console: batched)
        let texts = ["TIME  SOURCE\n", "red \u{1B}[31m\n", "tab\there\r\n", "é \u{202E}flipped \u{85}\n"]
        let bytes: [[UInt8]] = [Array("{\"a\":1}\n".utf8), [0x63, 0x01, 0xFF, 0x0A], Array("☃\n".utf8)]
        for (t, b) in zip(texts, bytes + [[]]) {
            direct.write(t)
            out.write(t)
            direct.write(b)
            out.write(b)
        }
        #expect(batched.capturedOut.isEmpty)
        out.flush()
        #expect(batched.capturedOut == direct.capturedOut)
        out.flush()
        #expect(batched.capturedOut == direct.capturedOut)
    }

    @Test func aFullBufferIsWrittenWithoutWaiting() {
        let console = Console(capture: true)
        let out = FollowOutput(console: console)
        let line = String(repeating: "x", count: 1_023) + "\n"
        for _ in 0..<(FollowOutput.limit / 1_024 - 1) { out.write(line) }
        #expect(console.capturedOut.isEmpty)
        out.write(line)
        #expect(console.capturedOut.utf8.count == FollowOutput.limit)
    }

    /// `flows --follow` on stdin: every flow printed, once, in order, by the end.
    @Test func followingStdinPrintsEveryFlow() async throws {
        let log = Array(try Fixtures.text("accesslogs/waypoint.log").utf8)
        let json = await MeshScopeMain.invoke(["flows", "--file", "-", "--follow", "-o", "json"], stdin: log)
        #expect(json.code == 0, "\(json.stderr)")
        // One object after another, as `JSONWriter` writes each flow (indent 0), in the log's order.
        var ingest = FlowIngest()
        var want = ""
        FlowIngest.forEachLine(log) { line in
            if let flow = ingest.read(line) { want += String(decoding: JSONWriter.bytes(FlowTables.flowNode(flow), indent: 0), as: UTF8.self) + "\n" }
        }
        #expect(ingest.parsed == 16)
        #expect(json.stdout == want)
        let table = await MeshScopeMain.invoke(["flows", "--file", "-", "--follow"], stdin: log)
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("TIME") == true)
        #expect(rows.filter { !$0.hasPrefix("#") }.count == 17)
    }
}
