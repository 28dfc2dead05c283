import Foundation
import Testing

/// The `:` and `/` prompts of the real binary given a variation-selector emoji, a flag and
/// a combining accent: typed, drawn at their width, deleted with Backspace, and the process
/// alive afterwards (these trapped with "String index is out of bounds").
@Suite(.serialized) struct GraphemePromptEndToEndTests {
    static let dump = Fixtures.path("envoy/waypoint/config_dump.json")

    /// Each input and how its prompt line reads followed by `|`. tmux 3.3 and glibc lay
    /// `❤️` out in one column, so meshscope pads it to the two it gives it (nothing after it
    /// shifts); a flag is two one-column indicators; `é` is one column.
    static let inputs: [(text: String, line: String)] = [
        ("\u{2764}\u{FE0F}", "\u{2764}\u{FE0F} |"),
        ("\u{1F1E9}\u{1F1EA}", "\u{1F1E9}\u{1F1EA}|"),
        ("e\u{301}", "e\u{301}|"),
    ]

    static func promptLine(_ screen: String, _ prompt: String) -> String? {
        screen.split(separator: "\n").last { $0.hasPrefix(prompt) }.map { String($0).trimmingTrailingSpaces() }
    }

    @Test func promptsEditAndDeleteClustersAndTheProcessLives() async throws {
        let t = Tmux()
        defer { t.kill() }
        let bin = try Tmux.binary()
        try await t.start()
        try await t.type("\(bin) --file \(Self.dump) --view sections; echo \"exit=$?\"")
        try await t.keys("Enter")
        try await t.waitFor("Sections[7]")
        for prompt in [":", "/"] {
            for (text, line) in Self.inputs {
                try await t.type(prompt + text + "|")
                try await t.waitFor("\(prompt)\(line) on the prompt line") { Self.promptLine($0, prompt) == prompt + line }
                // Backspace twice: "|" then the whole cluster; the prompt is empty again.
                try await t.keys("BSpace", "BSpace")
                try await t.waitFor("an empty \(prompt) prompt") { Self.promptLine($0, prompt) == prompt }
                // Type it again, move over it, delete it from the left, then leave the prompt.
                try await t.type(text)
                try await t.keys("Home", "DC")
                try await t.waitFor("an empty \(prompt) prompt after Delete") { Self.promptLine($0, prompt) == prompt }
                try await t.keys("Escape")
                try await t.waitFor("the prompt closed") { Self.promptLine($0, prompt) == nil && $0.contains("Sections[7]") }
            }
        }
        // Still alive and answering: :q quits cleanly.
        try await t.type(":q")
        try await t.keys("Enter")
        let screen = try await t.waitFor("the shell after exit") { EndToEndTests.exitLine($0) != nil }
        #expect(EndToEndTests.exitLine(screen) == "exit=0")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
