import MeshModel
import TerminalUI

/// An independent model of the line editor's documented behaviour over an array of
/// Characters, run beside the real editor. While ``KnownIssue/lineEditorGraphemes`` is open,
/// keys that would join two graphemes (the model's Characters would no longer be the
/// string's) are not sent; with it fixed or enabled every key is sent and only traps,
/// cursor bounds and painting are checked (the fix may define joining differently).
enum LineEditorModel {
    /// Keys per input: a prompt is typed, not pasted with megabytes; the editor indexes
    /// by offset (linear per key), so 70,000 keys would take minutes in a debug build.
    static let maxKeys = 1_500

    static let completions = ["sections", "quit", "help", "❤️love", "e\u{301}t"]

    static func run(keys: [Key], width: Int, graphemeMerges: Bool) -> FuzzOutcome {
        var o = FuzzOutcome()
        var editor = LineEditor(prefix: ":")
        editor.completions = completions
        var model: [Character] = [], cursor = 0
        var buffer = CellBuffer(size: Size(width: width, height: 1))
        for key in keys {
            var next = model, nextCursor = cursor
            apply(key, &next, &nextCursor)
            if !graphemeMerges && String(next).count != next.count { continue }  // would join graphemes
            let outcome = editor.handle(key)
            if case .cancel = outcome { editor = LineEditor(prefix: ":"); editor.completions = completions; next = []; nextCursor = 0 }
            model = next
            cursor = nextCursor
            if editor.cursor < 0 || editor.cursor > editor.text.count {
                o.problem("cursor \(editor.cursor) outside 0...\(editor.text.count) after \(key)")
                return o
            }
            if !graphemeMerges && (editor.text != String(model) || editor.cursor != cursor) {
                o.problem("after \(key): editor \(editor.text.debugDescription)@\(editor.cursor), expected \(String(model).debugDescription)@\(cursor)")
                return o
            }
            editor.paint(into: &buffer, Rect(x: 0, y: 0, width: width, height: 1), theme: .defaultDark, error: keys.count % 3 == 0 ? "no such view" : nil)
        }
        return o
    }

    /// What `LineEditor.handle` documents, on Characters; `.cancel` (Escape, Ctrl-G,
    /// Backspace on empty) is handled by the caller as a fresh editor.
    static func apply(_ key: Key, _ t: inout [Character], _ c: inout Int) {
        switch key {
        case .char(let ch):
            t.insert(ch, at: c)
            c += 1
        case .tab:
            complete(&t, &c)
        case .right where c == t.count:
            complete(&t, &c)
        case .backspace where c > 0:
            t.remove(at: c - 1)
            c -= 1
        case .delete where c < t.count, .ctrl("d") where c < t.count:
            t.remove(at: c)
        case .left, .ctrl("b"): c = max(0, c - 1)
        case .right, .ctrl("f"): c = min(t.count, c + 1)
        case .home, .ctrl("a"): c = 0
        case .end, .ctrl("e"): c = t.count
        case .ctrl("u"):
            t.removeFirst(c)
            c = 0
        case .ctrl("k"):
            t = Array(t.prefix(c))
        case .ctrl("w"):
            var cut = c
            while cut > 0, t[cut - 1] == " " { cut -= 1 }
            while cut > 0, t[cut - 1] != " " { cut -= 1 }
            t.removeSubrange(cut..<c)
            c = cut
        default:
            break
        }
    }

    private static func complete(_ t: inout [Character], _ c: inout Int) {
        let text = String(t)
        guard !text.isEmpty, let s = completions.first(where: { $0.hasPrefix(text) && $0 != text }) else { return }
        t = Array(s)
        c = t.count
    }
}
