import Foundation
import MeshBase
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// Long text is never cut and lost in the TUI: `w` wraps text, YAML and JSON panes (search
/// and `G` still work), a flash too long for the bottom line says so and `m` / `:messages`
/// lists every message whole.
@Suite struct LongTextTests {
    static let waypoint = "envoy/waypoint/config_dump.json"
    static let long = "value: " + (0..<40).map { "w\($0)" }.joined(separator: "-")

    /// The body's rows as the pane shows them (frame and pane margin trimmed).
    static func rows(_ d: Driver) -> [String] { d.body.map { $0.trimmingCharacters(in: .whitespaces) } }

    @Test(arguments: [60, 100, 140])
    func wOnATextPaneWrapsAtItsWidthAndAgainCuts(width: Int) throws {
        var d = try Driver(Self.waypoint, width: width, height: 30)
        d.state.push(Screen.text("long", "first\n\(Self.long)\nlast"))
        d.send(.tick(d.state.now))
        #expect(Self.rows(d)[1].hasSuffix("…"))
        #expect(d.hints.contains("w wrap"))
        d.press(.char("w"))
        #expect(d.frameTitle.contains("(wrap)"))
        let rows = Self.rows(d)
        let last = try #require(rows.firstIndex(of: "last"))
        // The rows between the first and the last line are the long line, whole, in order.
        #expect(rows[1..<last].joined() == Self.long)
        #expect(last > 2)
        #expect(rows.allSatisfy { DisplayWidth.of($0) < width - 2 })
        d.press(.char("w"))
        #expect(!d.frameTitle.contains("(wrap)"))
        #expect(Self.rows(d)[2] == "last")
    }

    @Test func searchAndBottomWorkOnWrappedLines() throws {
        var d = try Driver(Self.waypoint, width: 60, height: 20)
        var lines = (0..<40).map { "line \($0)" }
        lines[30] = String(repeating: "x", count: 150) + "NEEDLE"
        d.state.push(Screen.text("long", lines.joined(separator: "\n")))
        d.press(.char("w"))
        d.press(.char("/"))
        d.type("needle")
        d.press(.enter)
        guard case .text(let t) = d.state.focused else { Issue.record("not a text pane"); return }
        #expect(t.pane.matchLines == [30])
        // The matching line's rows are on screen, the needle among them.
        #expect(Self.rows(d).joined().contains("NEEDLE"))
        d.press(.char("G"))
        #expect(Self.rows(d).last == "line 39")
        d.press(.char("g"))
        #expect(Self.rows(d).first == "line 0")
    }

    @Test func yamlAndJSONPanesWrapToo() throws {
        var d = try Driver(Self.waypoint, width: 60, height: 20)
        let value = try JSONDocument(#"{"a": "\#(Self.long)", "b": 1}"#).root
        d.state.push(Screen.json("obj", value))
        d.press(.char("w"))
        #expect(d.frameTitle.contains("(wrap)"))
        // The JSON tree: the string value continues on the rows under its key.
        let tree = Self.rows(d).joined()
        #expect(tree.contains(Self.long))
        d.press(.char("w"), .char("y"))
        #expect(d.frameTitle.contains("(yaml)") && !d.frameTitle.contains("(wrap)"))
        d.press(.char("w"))
        #expect(d.frameTitle.contains("(yaml) (wrap)"))
        #expect(Self.rows(d).joined().contains(Self.long))
        // A resize wraps again at the new width.
        d.send(.input(.resize(Size(width: 100, height: 20))))
        guard case .json(let j) = d.state.focused else { Issue.record("not a JSON screen"); return }
        #expect(j.yaml?.wrapWidth == d.state.layout.content.width - 1)
        #expect(Self.rows(d).joined().contains(Self.long))
    }

    /// A click on a wrapped JSON tree selects the line painted on that row, not the line
    /// that would be there unwrapped: `"b"` sits below the rows `"a"`'s long value takes.
    @Test func aClickOnAWrappedJSONTreeSelectsThePaintedLine() throws {
        var d = try Driver(Self.waypoint, width: 60, height: 20)
        d.state.push(Screen.json("obj", try JSONDocument(#"{"a": "\#(Self.long)", "b": 1}"#).root))
        d.press(.char("w"))
        let y = try #require(d.screen.lines.firstIndex { $0.contains("\"b\"") || $0.contains(" b:") }, "\(d.screen.lines)")
        #expect(y > d.state.layout.content.y + 3, "the long value should take several rows")
        d.send(.input(.mouse(MouseEvent(.click, x: 10, y: y))))
        guard case .json(let j) = d.state.focused else { Issue.record("not a JSON screen"); return }
        #expect(j.pane.currentLine?.key == "b")
        // A click on a continuation row of "a" selects "a".
        d.send(.input(.mouse(MouseEvent(.click, x: 10, y: y - 1))))
        guard case .json(let j2) = d.state.focused else { return }
        #expect(j2.pane.currentLine?.key == "a")
    }

    @Test func aLongFlashIsCutVisiblyAndMessagesHoldItWhole() throws {
        var d = try Driver(Self.waypoint, width: 60, height: 15)
        let message = "cannot read /nonexistent/" + String(repeating: "deep/", count: 30) + "file.yaml: \u{1b}[2J no such file"
        d.send(.flash(message, .error))
        #expect(d.hints.contains("… (m: messages)"))
        d.send(.flash("short one", .info))
        d.press(.char("m"))
        let t = try #require(d.table)
        #expect(t.spec.name == "messages")
        #expect(d.frameTitle.contains("Messages[2]"))
        // Newest last, and selected; the error whole, its escape sequence escaped.
        #expect(t.table.rows.map { $0[2] } == ["error", "info"])
        #expect(t.table.rows[0][3] == message.replacingOccurrences(of: "\u{1b}", with: "\\u001b"))
        #expect(t.selectedRow?[3] == "short one")
        d.press(.char("k"), .enter)
        #expect(d.frameTitle.contains("message 1") && d.frameTitle.contains("(wrap)"))
        #expect(d.helpText.contains("file.yaml: \\u001b[2J no such file"))
        let rows = Self.rows(d)
        #expect(rows.allSatisfy { DisplayWidth.of($0) <= 58 })
        #expect(rows.joined().contains("deep/deep/deep/file.yaml"))
        // `d` reads it too; `:msg` opens the list; `/` filters it.
        d.press(.escape, .char("d"))
        #expect(d.frameTitle.contains("message 1"))
        d.press(.escape, .escape)
        d.press(.char(":"))
        d.type("msg")
        d.press(.enter)
        #expect(d.table?.spec.name == "messages")
        d.press(.char("/"))
        d.type("short")
        d.press(.enter)
        #expect(d.table?.order.count == 1)
    }

    @Test func messagesAreBoundedAndNewOnesReachAnOpenList() throws {
        var log = MessageLog()
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        for i in 1...1_005 { log.record(Flash("message \(i)", .warn, at: t0)) }
        #expect(log.entries.count == MessageLog.capacity)
        #expect(log.dropped == 5)
        #expect(log.entries.first?.number == 6 && log.entries.first?.text == "message 6")
        #expect(log.entries.last?.text == "message 1005")
        log.record(Flash(String(repeating: "é", count: 40_000), .error, at: t0))
        #expect(log.entries.last!.text.utf8.count < MessageLog.maxTextBytes + 40)
        #expect(log.entries.last!.text.hasSuffix("… (\(80_000 - MessageLog.maxTextBytes) more bytes)"))

        var d = try Driver(Self.waypoint, width: 80, height: 20)
        d.press(.char("m"))
        #expect(d.frameTitle.contains("Messages[0]"))
        d.send(.loadFailed("source gone", at: d.state.now))
        #expect(d.frameTitle.contains("Messages[1]"))
        #expect(d.table?.selectedRow?[3] == "source gone")
    }

    // MARK: whole messages

    /// The bottom line's part of a message: the first line that is not blank, and whether
    /// anything follows.
    @Test func aFlashsHeadlineIsItsFirstLine() {
        #expect(Flash.headline("one line") == ("one line", false))
        #expect(Flash.headline("cannot read the clipboard; tried:\n  xclip: not found\n") == ("cannot read the clipboard; tried:", true))
        #expect(Flash.headline("\n\n  first  \r\nsecond") == ("  first", true))
        #expect(Flash.headline("trailing newline\n\n  \n") == ("trailing newline", false))
        #expect(Flash.headline("") == ("", false))
    }

    /// Errors of several lines (apply's clipboard, a comparison, a source failing, a runtime
    /// flash) are flashed whole: the bottom line shows the first line and `… (m: messages)`
    /// even when it fits, and `:messages` keeps every line, escaped.
    @Test(arguments: [60, 120, 250])
    func multiLineErrorsAreKeptWholeAndTheFlashSaysSo(width: Int) throws {
        let clipboard = "cannot read the clipboard; tried:\n  xclip -selection clipboard -o: not found\n  wl-paste: not found\ninstall xclip"
        let events: [(AppEvent, String)] = [
            (.applyFailed(clipboard), clipboard),
            (.diffFailed("comparing a with b: cannot read b\nline two \u{1b}[2J"), "comparing a with b: cannot read b\nline two \u{1b}[2J"),
            (.loadFailed("demo: request failed\n  retry later", at: Date(timeIntervalSince1970: 1_700_000_000)), "demo: request failed\n  retry later"),
            (.flash("cannot switch to context x: no server\nhint: check the kubeconfig", .error), "cannot switch to context x: no server\nhint: check the kubeconfig"),
            (.layersFailed("layers a → b: no path\nsecond"), "layers a → b: no path\nsecond"),
        ]
        for (event, whole) in events {
            var d = try Driver(Self.waypoint, width: width, height: 20)
            d.send(event)
            #expect(d.state.flash?.text == whole)
            #expect(d.state.messages.entries.last?.text == whole)
            let head = Flash.headline(whole).line
            let hints = d.hints
            #expect(hints.contains("… (m: messages)"), "\(width): \(hints)")
            #expect(hints.contains(String(head.prefix(12))), "\(width): \(hints)")
            if width >= 120 { #expect(hints.contains(head + " … (m: messages)"), "\(width): \(hints)") }
            #expect(!d.screen.lines.joined().unicodeScalars.contains { $0.value < 0x20 })
            // `:messages` lists it escaped on one row; Enter shows every line.
            d.send(.tick(d.state.now))
            d.press(.char("m"))
            #expect(d.table?.selectedRow?[3] == TerminalText.escaped(whole))
            d.press(.enter)
            let lines = d.helpText.split(separator: "\n").map(String.init)
            for line in TerminalText.escaped(whole, keepLayout: true).split(separator: "\n") { #expect(lines.contains(String(line)), "\(line) not in \(lines)") }
        }
        // A one-line message that fits has no pointer.
        var d = try Driver(Self.waypoint, width: width, height: 20)
        d.send(.flash("short and whole", .info))
        #expect(d.hints.contains("short and whole") && !d.hints.contains("messages)"))
    }
}
