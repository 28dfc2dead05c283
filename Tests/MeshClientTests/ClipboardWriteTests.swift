import Foundation
@testable import MeshClient
import Testing

/// Copying out: OSC 52 bytes, and the clipboard tool fed on stdin within a timeout
/// (stand-in tools on a private PATH).
@Suite(.serialized) struct ClipboardWriteTests {
    /// A directory holding an executable `pbcopy` with `body`; removed by the caller.
    static func tool(_ body: String) throws -> String {
        let dir = NSTemporaryDirectory() + "clip-write-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/pbcopy"
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return dir
    }

    @Test func osc52IsBase64BetweenEscAndBel() {
        // base64("hello") is aGVsbG8= (RFC 4648).
        #expect(Clipboard.osc52("hello") == Array("\u{1B}]52;c;aGVsbG8=\u{07}".utf8))
    }

    @Test func textGoesToTheToolOnStdin() async throws {
        let dir = try Self.tool("cat > \"$CLIP_OUT\"")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/copied"
        let env = ["PATH": dir + ":/usr/bin:/bin", "CLIP_OUT": out]
        let text = "{\n  \"name\": \"reviews\"\n}\n"
        #expect(await Clipboard(environment: env).write(text) == "pbcopy")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == text)
    }

    @Test func aToolThatHangsIsGivenUpAtTheTimeout() async throws {
        let dir = try Self.tool("exec sleep 30")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let started = Date()
        #expect(await Clipboard(environment: ["PATH": dir + ":/usr/bin:/bin"], timeout: 0.5).write("x") == nil)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func noToolIsNil() async {
        #expect(await Clipboard(environment: ["PATH": "/nonexistent"]).write("x") == nil)
    }
}

extension ClipboardWriteTests {
    /// A tool that exits at once without reading: the write fails (EPIPE), the process lives on.
    @Test func aToolThatReadsNothingDoesNotKillUs() async throws {
        let dir = try Self.tool("exit 1")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let big = String(repeating: "x", count: 1 << 20)  // more than a pipe buffer
        #expect(await Clipboard(environment: ["PATH": dir + ":/usr/bin:/bin"]).write(big) == nil)
    }
}
