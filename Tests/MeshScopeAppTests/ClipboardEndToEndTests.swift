import Foundation
import Testing

/// `c` in tmux at 60×15 with no clipboard tool: the first view draws, and the copy reaches
/// tmux's paste buffer, through OSC 52 when tmux accepts it (`set-clipboard on`), else
/// through `tmux load-buffer` (tmux's default, `external`, drops an application's OSC 52).
/// The flash names the route, and the bytes it counts are the bytes in the buffer.
@Suite(.serialized) struct ClipboardEndToEndTests {
    static let dump = Fixtures.path("envoy-admin/is160/config_dump.json")

    /// `copied 1234 bytes via …` on screen: the count.
    static func copiedBytes(_ screen: String) -> Int? {
        guard let r = screen.range(of: "copied ") else { return nil }
        return Int(screen[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func copyReachesTmuxBufferAt60x15() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start(width: 60, height: 15)
        try await t.tmux(["set-option", "-g", "set-clipboard", "on"])
        // As inside any tmux pane: $TMUX names the server (the harness's shell starts with `env -i`).
        let socket = try await t.display("#{socket_path}")
        try await t.type("TMUX=\(socket),0,0 \(bin) --file \(Self.dump); echo \"exit=$?\"")
        try await t.keys("Enter")
        // The first view at 60×15: header, a framed table with a title, hints.
        let first = try await t.waitFor("the first view", timeout: 30) { s in
            s.contains(" Context:") && s.contains("[file: read-only]") && s.contains("┌") && s.contains("┘")
        }
        #expect(!first.contains("too small"))
        // At 60 columns a 43-character flash is cut (`… (m: messages)`); widen the window so the
        // way the copy went is on screen whole.
        try await t.tmux(["resize-window", "-x", "100", "-y", "15"])
        _ = try await t.waitFor("the wider frame") { $0.contains("4 Endpoints   5 Secrets   6 Stats") }

        try await t.keys("c")
        let osc = try await t.waitFor("copied via OSC 52", timeout: 15) { $0.contains("via OSC 52") }
        let buffer = try await t.tmux(["show-buffer"])
        #expect(buffer.hasPrefix("{"))
        #expect(Self.copiedBytes(osc) == buffer.utf8.count, "\(osc)\nbuffer: \(buffer.utf8.count) bytes")

        // tmux's default: an application's OSC 52 goes nowhere, so the buffer is loaded directly.
        try await t.tmux(["set-option", "-g", "set-clipboard", "external"])
        try await t.tmux(["delete-buffer"])
        try await t.keys("j", "c")
        let loaded = try await t.waitFor("copied via tmux load-buffer", timeout: 15) { $0.contains("via tmux load-buf") }
        let second = try await t.tmux(["show-buffer"])
        #expect(Self.copiedBytes(loaded) == second.utf8.count)
        try await t.command("q")
        _ = try await t.waitFor("exit") { $0.contains("exit=0") }
    }
}
