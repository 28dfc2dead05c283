/// The rule for anything printed to a terminal (tables, `-o wide`, error lines): no C0
/// control character but the newline, no DEL-free escape (`ESC`), no C1 control
/// (U+0080–U+009F, which some terminals read as CSI and OSC). `-o json|yaml` are exempt:
/// they keep data exact and must parse instead.
enum TerminalSafety {
    /// A description of the first unsafe scalar in `text` (with its context), or nil.
    static func violation(in text: String, what: String) -> String? {
        var index = 0
        for s in text.unicodeScalars {
            let v = s.value
            if (v < 0x20 && v != 0x0A) || (0x80...0x9F).contains(v) {
                let context = text.unicodeScalars.dropFirst(max(0, index - 20)).prefix(40)
                    .map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
                return "\(what): control character U+\(String(v, radix: 16, uppercase: true)) at scalar \(index): \(context)"
            }
            index += 1
        }
        return nil
    }

    /// `expectTerminalSafe`: adds a terminal finding for `text` when it is unsafe.
    static func expectTerminalSafe(_ text: String, what: String, into outcome: inout FuzzOutcome) {
        if let v = violation(in: text, what: what) { outcome.terminal.append(v) }
    }
}
