/// Keeps the good part of a broken JSON object: when a dump is truncated or corrupt in
/// its third section, the first two sections are still worth showing.
///
/// ```swift
/// let (doc, error) = try JSONSalvage.parse(bytes)
/// // error != nil: doc holds the top-level members that ended before the damage
/// ```
public enum JSONSalvage {
    /// Parses `bytes`; if that fails and the text is an object, parses again the members
    /// completed before the error (cut at the last top-level comma before it). Throws the
    /// original error when nothing can be kept.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> (document: JSONDocument, error: JSONParseError?) {
        do {
            return (try JSONDocument(bytes: bytes), nil)
        } catch {
            guard let cut = lastTopLevelComma(bytes, before: error.offset) else { throw error }
            var prefix = Array(bytes[..<cut])
            prefix.append(0x7D)
            guard let doc = try? JSONDocument(bytes: prefix) else { throw error }
            return (doc, error)
        }
    }

    static func lastTopLevelComma(_ b: [UInt8], before end: Int) -> Int? {
        var i = 0
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        guard i < b.count, b[i] == 0x7B else { return nil }
        var depth = 0
        var inString = false
        var escaped = false
        var last: Int?
        let stop = min(end, b.count)
        while i < stop {
            let c = b[i]
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
            } else {
                switch c {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D: depth -= 1
                case 0x2C where depth == 1: last = i
                default: break
                }
            }
            i += 1
        }
        return last
    }
}
