import Foundation
import MeshModel
import MeshScopeCLI
import Testing

/// ``InputFile/forEachLine(_:_:)`` reads a file in chunks: the lines it gives, and the errors
/// it throws, are those of the whole file read at once and split (``InputFile/read(_:)``,
/// ``FlowIngest/forEachLine(_:_:)``), wherever the chunk boundaries fall.
@Suite struct InputFileLinesTests {
    /// Lines (or the error) of both paths.
    static func both(_ path: String) -> (chunked: Result<[[UInt8]], CLIError>, whole: Result<[[UInt8]], CLIError>) {
        var chunked: [[UInt8]] = []
        let c = Result<[[UInt8]], CLIError> { () throws(CLIError) -> [[UInt8]] in
            try InputFile.forEachLine(path) { chunked.append(Array($0)) }
            return chunked
        }
        var whole: [[UInt8]] = []
        let w = Result<[[UInt8]], CLIError> { () throws(CLIError) -> [[UInt8]] in
            FlowIngest.forEachLine(try InputFile.read(path)) { whole.append(Array($0)) }
            return whole
        }
        return (c, w)
    }

    static func same(_ path: String, _ note: String) {
        let (c, w) = both(path)
        switch (c, w) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(note): \(a.count) vs \(b.count) lines")
        case (.failure(let a), .failure(let b)): #expect(a.message == b.message, "\(note)")
        default: Issue.record("\(note): \(c) vs \(w)")
        }
    }

    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meshscope-lines-\(UUID().uuidString).log").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func fixturesSplitAlike() {
        for name in ["accesslogs/waypoint.log", "accesslogs/ztunnel.log"] { Self.same(Fixtures.path(name), name) }
    }

    /// Lines across every kind of boundary: short and empty lines, CRs, lines longer than a
    /// chunk (one of 3 MB), with and without a final newline.
    @Test func chunkBoundariesDoNotShow() throws {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        var k = 0
        while bytes.count < 5 << 20 {
            let n = k == 700 ? 3 << 20 : Int.random(in: 0...9_000, using: &rng)
            bytes += (0..<n).map { UInt8(0x61 + ($0 + k) % 26) }
            if k % 5 == 0 { bytes.append(0x0D) }
            bytes.append(0x0A)
            k += 1
        }
        for cut in [0, 1, 2, 517] {
            let path = try Self.file(Array(bytes.dropLast(cut)))
            defer { try? FileManager.default.removeItem(atPath: path) }
            Self.same(path, "dropping \(cut)")
        }
    }

    @Test func blanksAndMissingFilesFailAlike() throws {
        for text in ["", " \n\t\r\n\n", "\n", "  "] {
            let path = try Self.file(Array(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (c, _) = Self.both(path)
            #expect(throws: CLIError.self) { try c.get() }
            Self.same(path, "\(text.debugDescription)")
        }
        Self.same("/nonexistent/meshscope.log", "missing")
        Self.same(FileManager.default.temporaryDirectory.path, "a directory")
    }
}
