import Testing
@testable import TerminalUI

@Suite struct KeyDecoderTests {
    typealias R = KeyDecoder.Raw
    typealias C = KeyDecoder.Code

    @Test func keyCodes() {
        let codes: [(UInt32, Key)] = [
            (C.up, .up), (C.down, .down), (C.left, .left), (C.right, .right),
            (C.pageUp, .pageUp), (C.pageDown, .pageDown), (C.home, .home), (C.end, .end),
            (C.backTab, .backTab), (C.enter, .enter), (C.backspace, .backspace), (C.delete, .delete),
            (C.f0 + 1, .function(1)), (C.f0 + 12, .function(12)), (C.f0 + 13, .function(13)),
        ]
        for (code, key) in codes { #expect(KeyDecoder.decode(R.code(code)) == key) }
        #expect(KeyDecoder.decode(R.code(C.resize)) == nil)
    }

    @Test func charactersAndControls() {
        #expect(KeyDecoder.decode([R.char("j"), R.char("G"), R.char(":")]) == [.char("j"), .char("G"), .char(":")])
        #expect(KeyDecoder.decode(R.char("\u{3}")) == .ctrl("c"))
        #expect(KeyDecoder.decode(R.char("\u{12}")) == .ctrl("r"))
        #expect(KeyDecoder.decode(R.char("\t")) == .tab)
        #expect(KeyDecoder.decode(R.char("\r")) == .enter)
        #expect(KeyDecoder.decode(R.char("\n")) == .enter)
        #expect(KeyDecoder.decode(R.char("\u{7F}")) == .backspace)
        #expect(KeyDecoder.decode(R.char("\u{1B}")) == .escape)
        #expect(KeyDecoder.decode(R.char(" ")) == .char(" "))
    }

    @Test func utf8Printables() {
        // curses (get_wch) hands over whole Unicode scalars, wide ones included.
        #expect(KeyDecoder.decode([R.char("é"), R.char("界"), R.char("🚀")]) == [.char("é"), .char("界"), .char("🚀")])
        #expect(KeyDecoder.decode(R.char("\u{85}")) == nil)  // C1 control
    }

    @Test func escapeIsAlwaysEscape() {
        // Esc then "?" arriving in one read (typed quickly, or sent together) is two keys.
        #expect(KeyDecoder.decode([R.char("\u{1B}"), R.char("?")]) == [.escape, .char("?")])
        #expect(KeyDecoder.decode([R.char("\u{1B}")]) == [.escape])
        #expect(KeyDecoder.decode([R.char("\u{1B}"), R.code(C.up)]) == [.escape, .up])
    }

    @Test func keyNamesForHelp() {
        #expect(Key.ctrl("c").description == "Ctrl-C")
        #expect(Key.char(" ").description == "Space")
        #expect(Key.pageDown.description == "PgDn")
        #expect(Key.function(5).description == "F5")
    }
}
