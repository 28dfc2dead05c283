/// Pretty-prints ``OutputNode`` trees as JSON, byte by byte (no Foundation on the path,
/// because `-o json` of a large dump writes tens of megabytes).
///
/// ```swift
/// JSONWriter.string(.object(["name": .string("a")]), indent: 2)
/// // {
/// //   "name": "a"
/// // }
/// ```
public struct JSONWriter {
    public var indent: Int
    public var keyStyle: KeyStyle
    public private(set) var out: [UInt8] = []

    public init(indent: Int = 2, keyStyle: KeyStyle = .preserve) {
        self.indent = indent
        self.keyStyle = keyStyle
    }

    public static func string(_ node: OutputNode, indent: Int = 2, keyStyle: KeyStyle = .preserve) -> String {
        var w = JSONWriter(indent: indent, keyStyle: keyStyle)
        w.write(node)
        w.out.append(0x0A)
        return String(decoding: w.out, as: UTF8.self)
    }

    public static func bytes(_ node: OutputNode, indent: Int = 2, keyStyle: KeyStyle = .preserve) -> [UInt8] {
        var w = JSONWriter(indent: indent, keyStyle: keyStyle)
        w.write(node)
        w.out.append(0x0A)
        return w.out
    }

    public mutating func write(_ node: OutputNode) {
        write(node, depth: 0, parentKey: nil, opaque: false)
    }

    /// Appends `node` as if it sat `depth` levels deep (for writers that stream a large
    /// document one element at a time instead of building it whole).
    public mutating func write(_ node: OutputNode, depth: Int) {
        write(node, depth: depth, parentKey: nil, opaque: false)
    }

    /// Appends raw text (framing around streamed elements).
    public mutating func raw(_ text: String) { out.append(contentsOf: text.utf8) }

    /// Hands over the bytes written so far and starts empty (bounded memory when streaming).
    public mutating func take() -> [UInt8] {
        defer { out = [] }
        return out
    }

    private mutating func newline(_ depth: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: depth * indent))
    }

    private mutating func write(_ node: OutputNode, depth: Int, parentKey: String?, opaque: Bool) {
        switch node {
        case .null: out.append(contentsOf: Array("null".utf8))
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .double(let d): out.append(contentsOf: Array(JSONWriter.format(d).utf8))
        case .string(let s): writeString(s)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: [0x5B, 0x5D]); return }
            out.append(0x5B)
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(0x2C) }
                newline(depth + 1)
                write(item, depth: depth + 1, parentKey: parentKey, opaque: opaque)
            }
            newline(depth)
            out.append(0x5D)
        case .object(let pairs):
            if pairs.isEmpty { out.append(contentsOf: [0x7B, 0x7D]); return }
            out.append(0x7B)
            for (n, (k, v)) in pairs.enumerated() {
                if n > 0 { out.append(0x2C) }
                newline(depth + 1)
                writeString(k)
                out.append(contentsOf: [0x3A, 0x20])
                write(v, depth: depth + 1, parentKey: k, opaque: opaque)
            }
            newline(depth)
            out.append(0x7D)
        case .json(let v): writeJSON(v, depth: depth, parentKey: parentKey, opaque: opaque)
        }
    }

    private mutating func writeJSON(_ v: JSONValue, depth: Int, parentKey: String?, opaque: Bool) {
        switch v.kind {
        case .object:
            if v.isEmpty { out.append(contentsOf: [0x7B, 0x7D]); return }
            out.append(0x7B)
            var first = true
            for (k, child) in v.members {
                if !first { out.append(0x2C) }
                first = false
                newline(depth + 1)
                let name = opaque ? k : keyStyle.convert(k)
                writeString(name)
                out.append(contentsOf: [0x3A, 0x20])
                let childOpaque = opaque || keyStyle.isOpaque(key: k, parentKey: parentKey)
                writeJSON(child, depth: depth + 1, parentKey: k, opaque: childOpaque)
            }
            newline(depth)
            out.append(0x7D)
        case .array:
            if v.isEmpty { out.append(contentsOf: [0x5B, 0x5D]); return }
            out.append(0x5B)
            var first = true
            for child in v.elements {
                if !first { out.append(0x2C) }
                first = false
                newline(depth + 1)
                writeJSON(child, depth: depth + 1, parentKey: parentKey, opaque: opaque)
            }
            newline(depth)
            out.append(0x5D)
        default:
            // Scalars are copied verbatim: numbers keep their spelling, strings their escapes.
            out.append(contentsOf: v.rawBytes)
        }
    }

    private mutating func writeString(_ s: String) { JSONWriter.appendString(s, to: &out) }

    /// Appends `s` as a JSON string literal (quotes, `\"` `\\` `\n` `\r` `\t`, other control
    /// characters as `\u00XX`, everything else as UTF-8): the one escaper for every writer
    /// that builds JSON bytes by hand (Kubernetes trees, snapshots).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(c >> 4)], hexDigits[Int(c & 0xF)]])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Shortest round-tripping text, integral values without a fraction (as Go prints them).
    static func format(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }
}
