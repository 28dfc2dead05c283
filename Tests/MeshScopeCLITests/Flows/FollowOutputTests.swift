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

    /// A followed row is one line whatever its cells hold: control characters in a narrow
    /// column (the path) and in a wide one (the request ID) are escaped, each narrow column
    /// starts where the header's does, and the wide columns follow on the same line.
    @Test func followedRowsAreOneEscapedLineInFixedColumns() async throws {
        let first = try #require(try Fixtures.text("accesslogs/waypoint.log").split(separator: "\n").first.map(String.init))
        let hostile = first.replacingOccurrences(of: "GET /details/0", with: "GET /det\u{1B}[2Jails/0")
            .replacingOccurrences(of: "\"e7d5b6ce-5f7f-9731-8471-ca5bcd650a72\"", with: "\"id\\nwith\u{7}bell\"")
        let log = Array((first + "\n" + hostile + "\n").utf8)
        let run = await MeshScopeMain.invoke(["flows", "--file", "-", "--follow", "-o", "wide"], stdin: log)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(!run.stdout.utf8.contains(0x1B) && !run.stdout.utf8.contains(0x07), "\(run.stdout)")
        let rows = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(rows.count == 3, "\(rows)")
        guard rows.count == 3 else { return }
        // Where each narrow column starts: the header's words, and FollowPrinter's widths + 2.
        var starts: [Int] = [0]
        for w in FollowPrinter.widths.dropLast() { starts.append(starts.last! + w + 2) }
        let header = Array(rows[0])
        for (name, at) in zip(["TIME", "SOURCE", "DESTINATION", "METHOD", "ROUTE", "STATUS", "FLAGS", "DURATION", "BYTES"], starts) {
            #expect(String(header[at...].prefix(name.count)) == name, "\(name) at \(at)")
        }
        let row = Array(rows[2])
        #expect(String(row[starts[3]...].prefix(4)) == "GET ", "\(rows[2])")
        #expect(String(row[starts[4]...]).hasPrefix("details:9080/det\\u001b[2Jails/0"), "\(rows[2])")
        #expect(rows[2].contains("id\\nwith\\u0007bell"), "\(rows[2])")
        #expect(rows[1].contains("e7d5b6ce-5f7f-9731-8471-ca5bcd650a72"))
    }
}
