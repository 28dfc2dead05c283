import MeshModel
import TerminalUI

/// The TUI's input path: curses values to keys, keys to the `:` and `/` line editor.
extension FuzzTargets {
    /// Reads a case as what curses returns: UTF-8 scalars as characters, bytes 0xF8–0xFF
    /// followed by a byte as key codes (arrows, Backspace, Delete, F-keys, …).
    static func raws(_ bytes: [UInt8]) -> [KeyDecoder.Raw] {
        let codes: [UInt32] = [KeyDecoder.Code.left, KeyDecoder.Code.right, KeyDecoder.Code.home, KeyDecoder.Code.end,
                               KeyDecoder.Code.backspace, KeyDecoder.Code.delete, KeyDecoder.Code.enter, KeyDecoder.Code.backTab,
                               KeyDecoder.Code.up, KeyDecoder.Code.f0 + 5, KeyDecoder.Code.mouse, KeyDecoder.Code.resize]
        var out: [KeyDecoder.Raw] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0xF8 {
                let n = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0
                out.append(.init(isKeyCode: true, value: b == 0xFF ? UInt32(n) << (UInt32(b & 7) * 3) : codes[n % codes.count]))
                i += 2
                continue
            }
            var it = bytes[i...].makeIterator()
            var decoder = UTF8()
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                out.append(.char(s))
                i += String(s).utf8.count
            default:
                out.append(.init(isKeyCode: false, value: UInt32(b) << 8 | 0xD800))  // not a scalar (a surrogate)
                i += 1
            }
        }
        return out
    }

    static let keySeeds: [[UInt8]] = ["abc", "❤️x\u{7F}", "🇩🇪🇫🇷\u{7F}\u{7F}", "e\u{301}\u{7F}", "👨‍👩‍👧 a\u{17}\u{7F}",
                                      "sec\t\u{1}\u{5}\u{2}\u{6}\u{4}\u{b}\u{15}", "字字字\u{1B}x", "\u{0}\u{1F}\u{80}\u{9F}"].map { Array($0.utf8) }
        + [[0x61, 0xF8, 0, 0xF8, 1, 0xF8, 4, 0xF8, 5, 0xFF, 9, 0x62]]

    static func keyDecoder() -> FuzzTarget {
        FuzzTarget(name: .keyDecoder, seeds: keySeeds.map { FuzzCase($0) }, formats: [.binary], iterations: 400) { c in
            var o = FuzzOutcome()
            var rng = FuzzRandom(seed: c.variant)
            var raws = raws(c.parts[0])
            for _ in 0..<16 { raws.append(.init(isKeyCode: rng.chance(50), value: rng.chance(50) ? UInt32(truncatingIfNeeded: rng.next()) : UInt32(rng.below(0x700))))
            }
            for r in raws {
                // A character key is printable: the editor inserts it and the screen draws it.
                if case .char(let ch)? = KeyDecoder.decode(r), let v = TerminalSafety.violation(in: String(ch), what: "key \(r.value)") {
                    o.problem("KeyDecoder returned a control character as .char: \(v)")
                }
            }
            return o
        }
    }

    static func lineEditor() -> FuzzTarget {
        FuzzTarget(name: .lineEditor, seeds: keySeeds.map { FuzzCase($0) }, formats: [.text], iterations: 200) { c in
            LineEditorModel.run(keys: Array(KeyDecoder.decode(raws(c.parts[0])).prefix(LineEditorModel.maxKeys)), width: 1 + c.choose(40, salt: 30),
                                graphemeMerges: FuzzConfig.current.generates(.lineEditorGraphemes))
        }
    }
}
