import Foundation
@testable import MeshClient
import Testing

/// `c`: which route a copy takes (a tool, tmux, OSC 52), what reaches the terminal, and
/// what the flash claims. Stand-in `xclip` and `tmux` on a private PATH; the terminal is a
/// recorder.
@Suite(.serialized) struct ClipboardCopyTests {
    /// What the copy wrote to the terminal.
    actor Recorder {
        var bytes: [UInt8] = []
        func write(_ b: [UInt8]) { bytes += b }
    }

    /// A directory with executables `name: body`; removed by the caller.
    static func tools(_ scripts: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "clip-copy-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, body) in scripts {
            let path = dir + "/" + name
            try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return dir
    }

    /// A stand-in tmux: `show-options` prints `$OPT`, `load-buffer` saves stdin to `$OUT`.
    static let tmux = """
        case "$1" in
          show-options) echo "$OPT" ;;
          load-buffer) cat > "$OUT" ;;
          *) exit 1 ;;
        esac
        """

    static let text = "{\n  \"name\": \"reviews-v1\"\n}\n"
    /// ESC ] 52 ; c ; base64(text) BEL, the base64 computed here by hand from RFC 4648 (via Foundation).
    static let osc52 = Array("\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}".utf8)

    @Test func aToolFoundTakesTheTextAndNothingGoesToTheTerminal() async throws {
        let dir = try Self.tools(["xclip": "cat > \"$OUT\"", "tmux": Self.tmux])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/copied"
        let env = ["PATH": dir + ":/usr/bin:/bin", "DISPLAY": ":0", "TMUX": "/tmp/tmux-0/default,1,0", "OPT": "on", "OUT": out]
        let rec = Recorder()
        let outcome = await Clipboard(environment: env).copy(Self.text) { await rec.write($0) }
        #expect(outcome.message == "copied \(Self.text.utf8.count) bytes via xclip")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == Self.text)
        #expect(await rec.bytes.isEmpty)
    }

    @Test func noToolInTmuxWithSetClipboardOnWritesOSC52() async throws {
        let dir = try Self.tools(["tmux": Self.tmux])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PATH": dir + ":/usr/bin:/bin", "TMUX": "/tmp/tmux-0/default,1,0", "OPT": "on", "OUT": dir + "/buffer"]
        let rec = Recorder()
        let outcome = await Clipboard(environment: env).copy(Self.text) { await rec.write($0) }
        #expect(await rec.bytes == Self.osc52)
        #expect(outcome.route == "OSC 52" && outcome.message.hasPrefix("copied \(Self.text.utf8.count) bytes via OSC 52 (tmux buffer"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/buffer"))
    }

    /// tmux's default (`set-clipboard external`) drops an application's OSC 52: the text
    /// goes in through `tmux load-buffer` instead, and no OSC 52 is written.
    @Test func noToolInTmuxWithSetClipboardExternalLoadsTheBuffer() async throws {
        let dir = try Self.tools(["tmux": Self.tmux])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PATH": dir + ":/usr/bin:/bin", "TMUX": "/tmp/tmux-0/default,1,0", "OPT": "external", "OUT": dir + "/buffer"]
        let rec = Recorder()
        let outcome = await Clipboard(environment: env).copy(Self.text) { await rec.write($0) }
        #expect(outcome.message == "copied \(Self.text.utf8.count) bytes via tmux load-buffer")
        #expect(try String(contentsOfFile: dir + "/buffer", encoding: .utf8) == Self.text)
        #expect(await rec.bytes.isEmpty)
    }

    @Test func noToolOverSSHSendsOSC52AndSaysSent() async throws {
        let rec = Recorder()
        let outcome = await Clipboard(environment: ["PATH": "/nonexistent", "SSH_TTY": "/dev/pts/3"]).copy(Self.text) { await rec.write($0) }
        #expect(await rec.bytes == Self.osc52)
        #expect(outcome.message == "sent \(Self.text.utf8.count) bytes via OSC 52 (terminal clipboard)")
    }

    @Test func noToolAnywhereSendsOSC52AndSaysNoToolWasFound() async throws {
        let rec = Recorder()
        let outcome = await Clipboard(environment: ["PATH": "/nonexistent"]).copy("hello") { await rec.write($0) }
        // base64("hello") is aGVsbG8= (RFC 4648 §10 style, by hand).
        #expect(await rec.bytes == Array("\u{1B}]52;c;aGVsbG8=\u{07}".utf8))
        #expect(outcome.message.hasPrefix("sent 5 bytes via OSC 52 (terminal clipboard; no clipboard tool here)"))
        #expect(!outcome.message.hasPrefix("copied"))
    }
}
