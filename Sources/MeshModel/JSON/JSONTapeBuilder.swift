/// Validating single-pass JSON tokenizer (RFC 8259) that fills the tape.
///
/// Iterative, so hostile nesting cannot overflow the stack; errors carry the
/// byte offset, line/column and the JSON path that was being read.
enum JSONTapeBuilder {
    /// Longest string accepted, in bytes (the tape holds a string's length in 27 bits).
    static let maxStringBytes = 1 << 27
    /// Most tape entries (tokens, and containers' ends) one document may have.
    static let maxTokens = 1 << 28

    static func build(_ bytes: [UInt8]) throws(JSONParseError) -> [UInt64] {
        if bytes.count >= 1 << 32 {
            throw JSONParseError(message: "input larger than 4 GiB", offset: 0, line: 1, column: 1, path: "$")
        }
        var tape: [UInt64] = []
        tape.reserveCapacity(bytes.count / 8 + 16)
        var stack: [Int] = []
        var failure: (String, Int)?
        // Read once per document: `current` takes a lock.
        let maxDepth = max(1, InputLimits.current.maxJSONDepth)
        bytes.withUnsafeBufferPointer { buf in
            failure = run(buf, maxDepth, &tape, &stack)
        }
        if let (message, offset) = failure {
            let (line, column) = lineColumn(bytes, offset)
            throw JSONParseError(
                message: message, offset: offset, line: line, column: column,
                path: pathAt(bytes: bytes, tape: tape, stack: stack))
        }
        return tape
    }

    // Returns nil on success or (message, offset) on failure. Kept non-throwing so the
    // hot loop has no error-propagation overhead.
    private static func run(
        _ b: UnsafeBufferPointer<UInt8>, _ maxDepth: Int, _ tape: inout [UInt64], _ stack: inout [Int]
    ) -> (String, Int)? {
        // The scanner is a struct with mutating methods rather than nested closures:
        // closures capturing the mutable cursor force a dynamic exclusivity check on
        // every byte, which cost ~45% of the parse.
        var scanner = Scanner(b: b, maxDepth: maxDepth, tape: tape, stack: stack)
        tape = []
        stack = []
        let result = scanner.run()
        tape = scanner.tape
        stack = scanner.stack
        return result
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        /// ``InputLimits/maxJSONDepth``: the stack is a heap array, but every later reader
        /// (trees, writers, decoders) recurses, and real data never nests this deep.
        let maxDepth: Int
        var tape: [UInt64]
        var stack: [Int]
        var i = 0

        init(b: UnsafeBufferPointer<UInt8>, maxDepth: Int, tape: [UInt64], stack: [Int]) {
            self.b = b
            self.maxDepth = maxDepth
            self.tape = tape
            self.stack = stack
        }

        var n: Int { b.count }

        @inline(__always) mutating func skipWS() {
            let n = self.n
            while i < n {
                let c = b[i]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
            }
        }

        // Parses a string whose opening quote is at i; leaves i after the closing quote.
        @inline(__always) mutating func string() -> (String, Int)? {
            let n = self.n
            let start = i + 1
            var j = start
            var escapes = false
            while true {
                guard j < n else { return ("unterminated string", n) }
                let c = b[j]
                if c == 0x22 { break }
                if c == 0x5C {
                    escapes = true
                    guard j + 1 < n else { return ("unterminated string", n) }
                    let e = b[j + 1]
                    switch e {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: j += 2
                    case 0x75:
                        guard j + 5 < n else { return ("unterminated string", n) }
                        for k in 2...5 where !isHex(b[j + k]) {
                            return ("invalid \\u escape", j + k)
                        }
                        j += 6
                    default:
                        // The byte is the input's: shown as itself only when printable ASCII,
                        // so a message never carries a control or half a UTF-8 sequence.
                        if e > 0x20 && e < 0x7F { return ("invalid escape '\\\(Character(Unicode.Scalar(e)))'", j) }
                        let hex = String(e, radix: 16, uppercase: true)
                        return ("invalid escape: '\\' followed by byte 0x\(hex.count < 2 ? "0" : "")\(hex)", j)
                    }
                    continue
                }
                if c < 0x20 { return ("control character in string", j) }
                j += 1
            }
            let len = j - start
            if len >= JSONTapeBuilder.maxStringBytes { return ("string longer than 128 MiB", start) }
            tape.append(Tape.scalar(.string, offset: start, length: len, escapes: escapes))
            i = j + 1
            return nil
        }

        @inline(__always) mutating func number() -> (String, Int)? {
            let n = self.n
            let start = i
            if b[i] == 0x2D { i += 1 }
            guard i < n, isDigit(b[i]) else { return ("invalid number", i < n ? i : n) }
            if b[i] == 0x30 {
                i += 1
            } else {
                while i < n, isDigit(b[i]) { i += 1 }
            }
            if i < n, b[i] == 0x2E {
                i += 1
                guard i < n, isDigit(b[i]) else { return ("invalid number: digit expected after '.'", min(i, n)) }
                while i < n, isDigit(b[i]) { i += 1 }
            }
            if i < n, b[i] == 0x65 || b[i] == 0x45 {
                i += 1
                if i < n, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
                guard i < n, isDigit(b[i]) else { return ("invalid number: digit expected in exponent", min(i, n)) }
                while i < n, isDigit(b[i]) { i += 1 }
            }
            tape.append(Tape.scalar(.number, offset: start, length: i - start))
            return nil
        }

        @inline(__always) mutating func literal(_ word: StaticString, _ kind: TapeKind) -> (String, Int)? {
            let w = word.utf8Start
            let len = word.utf8CodeUnitCount
            for k in 0..<len {
                guard i + k < n else { return ("unexpected end of input", n) }
                if b[i + k] != w[k] { return ("invalid literal", i + k) }
            }
            tape.append(Tape.scalar(kind, offset: i, length: len))
            i += len
            return nil
        }

        @inline(__always) mutating func open(_ kind: TapeKind) -> (String, Int)? {
            if stack.count >= maxDepth {
                return ("JSON nested deeper than \(maxDepth) levels " + InputLimits.hint(String(maxDepth), flag: "--max-json-depth"), i)
            }
            stack.append(tape.count)
            tape.append((kind.rawValue << 60) | UInt64(i))
            i += 1
            return nil
        }

        @inline(__always) mutating func close() {
            let at = stack.removeLast()
            tape.append((TapeKind.end.rawValue << 60) | UInt64(i))
            i += 1
            tape[at] |= UInt64(tape.count) << 32
        }

        // Reads one value starting at i (whitespace already skipped). Containers are
        // only opened here; their contents are driven by the loop in run().
        @inline(__always) mutating func value() -> (String, Int)? {
            guard i < n else { return ("unexpected end of input", n) }
            switch b[i] {
            case 0x22: return string()
            case 0x7B: return open(.object)
            case 0x5B: return open(.array)
            case 0x74: return literal("true", .true)
            case 0x66: return literal("false", .false)
            case 0x6E: return literal("null", .null)
            case 0x2D, 0x30...0x39: return number()
            default: return ("unexpected character '\(printable(b[i]))'", i)
            }
        }

        @inline(__always) mutating func key() -> (String, Int)? {
            skipWS()
            guard i < n else { return ("unexpected end of input", n) }
            guard b[i] == 0x22 else { return ("expected a string key", i) }
            if let e = string() { return e }
            skipWS()
            guard i < n else { return ("unexpected end of input", n) }
            guard b[i] == 0x3A else { return ("expected ':' after key", i) }
            i += 1
            skipWS()
            return nil
        }

        mutating func run() -> (String, Int)? {
            skipWS()
            if i == n { return ("empty input", 0) }
            if let e = value() { return e }
            var justOpened = !stack.isEmpty

            while let top = stack.last {
                if tape.count >= JSONTapeBuilder.maxTokens { return ("too many tokens", i) }
                let isObject = Tape.kind(tape[top]) == .object
                skipWS()
                guard i < n else { return ("unexpected end of input", n) }
                let c = b[i]
                if c == (isObject ? 0x7D : 0x5D) {
                    close()
                    justOpened = false
                    continue
                }
                if justOpened {
                    justOpened = false
                } else {
                    guard c == 0x2C else {
                        return (isObject ? "expected ',' or '}'" : "expected ',' or ']'", i)
                    }
                    i += 1
                    skipWS()
                }
                if isObject, let e = key() { return e }
                skipWS()
                let depth = stack.count
                if let e = value() { return e }
                justOpened = stack.count > depth
            }
            skipWS()
            if i != n { return ("unexpected trailing data", i) }
            return nil
        }
    }

    @inline(__always) fileprivate static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) fileprivate static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
    fileprivate static func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(Character(Unicode.Scalar(c))) : "\\x" + String(c, radix: 16)
    }

    static func lineColumn(_ bytes: [UInt8], _ offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for k in 0..<min(offset, bytes.count) where bytes[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        return (line, offset - lineStart + 1)
    }

    /// Rebuilds the path of the value being read when parsing stopped, from the partial tape.
    static func pathAt(bytes: [UInt8], tape: [UInt64], stack: [Int]) -> String {
        var path: [String] = []
        path.reserveCapacity(stack.count)
        for (level, c) in stack.enumerated() {
            let isObject = Tape.kind(tape[c]) == .object
            let limit = level + 1 < stack.count ? stack[level + 1] : tape.count
            var j = c + 1
            var count = 0
            var lastKey: Int?
            while j < limit {
                if isObject && count % 2 == 0 { lastKey = j }
                count += 1
                let k = Tape.kind(tape[j])
                j = (k == .object || k == .array) ? max(Tape.next(tape[j]), j + 1) : j + 1
            }
            if isObject {
                if let k = lastKey {
                    let key = JSONValue(document: JSONDocument(bytes: bytes, tape: tape), index: k)
                    path.append(JSONPath.member(key.string ?? "?"))
                }
            } else {
                path.append("[\(count)]")
            }
        }
        return JSONPath.joined(path)
    }
}

enum JSONPath {
    /// Components kept at each end of a path that is too deep to print whole.
    static let keptComponents = 3
    /// Characters of a key kept in a path; longer keys are cut with `…`.
    static let maxKeyLength = 24

    /// `$` followed by the components; a deep path keeps its first and last few around
    /// `…` and says how deep it is, so an error line stays short whatever the input.
    static func joined(_ components: [String]) -> String {
        guard components.count > 3 * keptComponents else { return "$" + components.joined() }
        return "$" + components.prefix(keptComponents).joined() + "…" + components.suffix(keptComponents).joined()
            + " (depth \(components.count))"
    }

    static func member(_ whole: String) -> String {
        let key = whole.count > maxKeyLength ? whole.prefix(maxKeyLength) + "…" : whole
        let simple = !key.isEmpty && key.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
        }
        if simple { return "." + key }
        var escaped = ""
        for ch in key { escaped += ch == "\"" ? "\\\"" : String(ch) }
        return "[\"" + escaped + "\"]"
    }
}
