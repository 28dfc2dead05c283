import Foundation
import Testing

/// Long text in the real binary under tmux at 60×15: `w` wraps a long YAML value, an
/// error cut on the bottom line is read whole in `:messages`, and a 300-character `/`
/// filter keeps the cursor on screen.
@Suite(.serialized) struct LongTextEndToEndTests {
    static let dump = Fixtures.path("envoy/waypoint/config_dump.json")
    /// The bootstrap's node id: 98 characters, wider than the 60-column screen.
    static let nodeID = "waypoint~192.168.252.229~httpbin-istio-waypoint-58f646c5ff-dbfkz.default~default.svc.cluster.local"

    /// The rows inside the frame, borders and blanks removed, joined: wrapped text reads whole.
    static func joinedBody(_ screen: String) -> String {
        screen.split(separator: "\n").filter { $0.hasPrefix("│") }.map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ "))
        }.joined()
    }

    static func promptLine(_ screen: String) -> String? {
        screen.split(separator: "\n").last { $0.hasPrefix("/") }.map { String($0).trimmingTrailingSpaces() }
    }

    @Test func wrapMessagesAndALongFilterAt60x15() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start(width: 60, height: 15)
        try await t.type("\(bin) --file \(Self.dump) --view sections; echo \"exit=$?\"")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]", timeout: 30)

        // The bootstrap as YAML: the node id is cut, then `w` wraps it whole onto the next rows.
        try await t.keys("y")
        let cut = try await t.waitFor("(yaml)", "id: waypoint~")
        #expect(!Self.joinedBody(cut).contains(Self.nodeID))
        try await t.keys("w")
        try await t.waitFor("the node id wrapped whole") { $0.contains("(yaml) (wrap)") && Self.joinedBody($0).contains(Self.nodeID) }
        try await t.keys("w")
        try await t.waitFor("wrapping off") { !$0.contains("(wrap)") && $0.contains("(yaml)") }

        // An error too long for the bottom line says so; :messages lists it, Enter reads it whole.
        try await t.command("nosuchview-xyz")
        try await t.waitFor("unknown command", "… (m: messages)")
        try await t.command("messages")
        try await t.waitFor("Messages[1]", "error")
        try await t.keys("Enter")
        try await t.waitFor("the whole message") { screen in
            let body = Self.joinedBody(screen)
            return screen.contains("message 1 (wrap)") && body.contains("unknown command \"nosuchview-xyz\"; try :") && body.hasSuffix(":q or ?")
        }
        try await t.keys("Escape", "Escape")
        try await t.waitFor("(yaml)")

        // A 300-character search: the end and the cursor show, the hidden start is marked.
        let typed = String(repeating: "abcdefghij", count: 30) + "END"
        try await t.type("/" + typed)
        // The mark and the width in the wait too: a capture can catch the prompt line half drawn.
        let end = try await t.waitFor("the end of the search on screen") { s in
            Self.promptLine(s).map { $0.hasSuffix("hijEND") && $0.hasPrefix("/«") && $0.count <= 60 } == true
        }
        let line = try #require(Self.promptLine(end))
        #expect(line.hasPrefix("/«"))
        #expect(line.count <= 60)
        try await t.keys("Home")
        try await t.waitFor("the start of the search on screen") { screen in
            guard let l = Self.promptLine(screen) else { return false }
            return l.hasPrefix("/abcdefghij") && l.hasSuffix("»")
        }
        try await t.keys("Escape")
        try await t.command("q")
        _ = try await t.waitFor("exit") { $0.contains("exit=0") }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
