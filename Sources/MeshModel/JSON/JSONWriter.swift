/// The one JSON writer: prints a ``JSONTree`` (constructed values and subtrees streamed from
/// a parsed document's tape) into a byte buffer, byte by byte (no Foundation on the path,
/// because `-o json` of a large dump writes tens of megabytes).
///
/// What varies between our outputs is a ``Style``: the layout (compact, indented, or the old
/// jsonpb marshaler's), the string escaping (``JSONEscaping``), how keys of parsed documents
/// are spelled (``KeyStyle``), and whether istioctl's proto-message rules apply (see
/// `JSONWriter+ProtoMessages.swift`: Structs and maps keep and sort their keys, key material
/// is redacted).
///
/// ```swift
/// JSONWriter.string(.object(["name": .string("a")]), indent: 2)
/// // {
/// //   "name": "a"
/// // }
/// JSONWriter.bytes(.array(clusters.map { .json($0.json) }), style: .istioctlList)
/// ```
public struct JSONWriter {
    public struct Style: Sendable, Equatable {
        public enum Layout: Sendable, Equatable {
            /// No whitespace at all (the wire, `compactJSON`).
            case compact
            /// One member or element per line, `indent` spaces per level (`json.MarshalIndent`,
            /// protojson `Multiline`).
            case indented
            /// golang/protobuf `jsonpb.Marshaler{Indent}` (istioctl's bootstrap and secret
            /// dumps): Structs indented one level deeper than their key, empty messages on two lines.
            case jsonpb
        }
        public var layout: Layout
        public var indent: Int
        public var escaping: JSONEscaping
        /// How keys of parsed documents are spelled; constructed keys are printed as given.
        public var keys: KeyStyle
        /// Treat parsed objects as proto messages the way istioctl prints them: map and
        /// Struct keys are data (kept, sorted in Go's order), sensitive fields are redacted,
        /// and ``KeyStyle/protoJSON`` converts field names only. Without it, `protoJSON`
        /// converts every snake_case key outside ``KeyStyle``'s known map fields.
        public var protoMessages: Bool
        /// Drop the top-level `@type` (istioctl prints typed messages, not `Any`s).
        public var dropTopLevelType: Bool

        public init(layout: Layout, indent: Int, escaping: JSONEscaping, keys: KeyStyle,
                    protoMessages: Bool, dropTopLevelType: Bool) {
            self.layout = layout
            self.indent = indent
            self.escaping = escaping
            self.keys = keys
            self.protoMessages = protoMessages
            self.dropTopLevelType = dropTopLevelType
        }

        /// Plain JSON, `indent` spaces per level.
        public static func plain(indent: Int = 2, keys: KeyStyle = .preserve) -> Style {
            Style(layout: .indented, indent: indent, escaping: .plain, keys: keys, protoMessages: false, dropTopLevelType: false)
        }
        /// Plain JSON without whitespace.
        public static let compact = Style(layout: .compact, indent: 0, escaping: .plain, keys: .preserve, protoMessages: false, dropTopLevelType: false)
        /// `proxy-config cluster|listener|route|endpoint -o json`: a `MessageSlice` through `json.MarshalIndent`.
        public static let istioctlList = Style(layout: .indented, indent: 4, escaping: .goJSON, keys: .protoJSON, protoMessages: true, dropTopLevelType: true)
        /// `proxy-config ecds -o json`: protojson `Multiline` with a 4-space indent.
        public static let protojson = Style(layout: .indented, indent: 4, escaping: .protojson, keys: .protoJSON, protoMessages: true, dropTopLevelType: true)
        /// `proxy-config bootstrap|secret -o json`: jsonpb with a 4-space indent.
        public static let jsonpb = Style(layout: .jsonpb, indent: 4, escaping: .goJSON, keys: .protoJSON, protoMessages: true, dropTopLevelType: true)
        /// A whole dump re-rendered to redact it: Envoy's spelling, 2-space indent.
        public static let redactedDump = Style(layout: .indented, indent: 2, escaping: .protojson, keys: .preserve, protoMessages: true, dropTopLevelType: false)
    }

    public var style: Style
    public internal(set) var out: [UInt8] = []
    /// Inside a sensitive field: inline key material is replaced, as Envoy itself redacts it.
    var redacting = false
    /// When set, output is handed over in chunks of about ``chunkSize`` bytes instead of
    /// being collected (a 100 MB `-o json` then never sits in memory twice).
    var sink: (([UInt8]) -> Void)?
    static let chunkSize = 1 << 20

    public init(style: Style) { self.style = style }

    public init(indent: Int = 2, keyStyle: KeyStyle = .preserve) {
        self.init(style: .plain(indent: indent, keys: keyStyle))
    }

    /// The JSON text followed by a newline (as Go's `Fprintln` and kubectl print it).
    public static func bytes(_ node: JSONTree, style: Style) -> [UInt8] {
        var w = JSONWriter(style: style)
        w.out.reserveCapacity(1 << 16)
        w.write(node)
        w.out.append(0x0A)
        return w.out
    }

    public static func bytes(_ node: JSONTree, indent: Int = 2, keyStyle: KeyStyle = .preserve) -> [UInt8] {
        bytes(node, style: .plain(indent: indent, keys: keyStyle))
    }

    public static func string(_ node: JSONTree, style: Style) -> String {
        String(decoding: bytes(node, style: style), as: UTF8.self)
    }

    public static func string(_ node: JSONTree, indent: Int = 2, keyStyle: KeyStyle = .preserve) -> String {
        string(node, style: .plain(indent: indent, keys: keyStyle))
    }

    /// Streams the JSON text (and the final newline) to `sink` in chunks.
    public static func write(_ node: JSONTree, style: Style, to sink: @escaping ([UInt8]) -> Void) {
        var w = JSONWriter(style: style)
        w.sink = sink
        w.out.reserveCapacity(JSONWriter.chunkSize + 4096)
        w.write(node)
        w.out.append(0x0A)
        sink(w.out)
    }

    /// Appends `s` as a plain JSON string literal (quotes, `\"` `\\` `\n` `\r` `\t`, other
    /// control characters as `\u00XX`, everything else as UTF-8): the escaper for every
    /// writer that builds JSON bytes by hand (snapshots, redaction).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        JSONEscaping.plain.append(s, to: &out)
    }

    public mutating func write(_ node: JSONTree) {
        write(node, depth: 0, context: rootContext, top: true)
    }

    /// Appends `node` as if it sat `depth` levels deep (for writers that stream a large
    /// document one element at a time instead of building it whole).
    public mutating func write(_ node: JSONTree, depth: Int) {
        write(node, depth: depth * style.indent, context: rootContext, top: false)
    }

    /// Appends raw text (framing around streamed elements).
    public mutating func raw(_ text: String) { out.append(contentsOf: text.utf8) }

    /// Hands over the bytes written so far and starts empty (bounded memory when streaming).
    public mutating func take() -> [UInt8] {
        defer { out = [] }
        return out
    }

    // MARK: Context

    /// What the object being written is, which decides key spelling, key order and layout.
    enum Context {
        /// Plain JSON: the key this value sits under, and whether keys below keep their
        /// spelling (inside a map or Struct field, for ``KeyStyle/protoJSON``).
        case plain(parentKey: String?, opaque: Bool)
        /// A proto message, under the field named `parent`.
        case message(parent: ProtoFieldName)
        /// A map field's object: keys are data (kept and sorted), values are `value`.
        case map(value: ValueKind)
        /// A `google.protobuf.Struct` (or `Value`/`ListValue`): keys are data; `nested` when
        /// it sits inside another Struct (jsonpb indents those one level deeper still).
        case structValue(nested: Bool)
    }

    enum ValueKind { case message, structValue, scalar }

    private var rootContext: Context { style.protoMessages ? .message(parent: .none) : .plain(parentKey: nil, opaque: false) }

    // MARK: Layout

    /// Starts a line indented `spaces` (nothing in the compact layout); in streaming mode,
    /// hands over a full chunk first.
    mutating func newline(_ spaces: Int) {
        if style.layout == .compact { return }
        if let sink, out.count >= JSONWriter.chunkSize {
            sink(out)
            out.removeAll(keepingCapacity: true)
        }
        out.append(0x0A)
        if spaces > 0 { out.append(contentsOf: repeatElement(0x20, count: spaces)) }
    }

    /// `": "`, or `":"` in the compact layout.
    mutating func keySeparator() {
        if style.layout == .compact { out.append(0x3A) } else { out.append(contentsOf: [0x3A, 0x20]) }
    }

    mutating func writeKey(_ k: String) {
        style.escaping.append(k, to: &out)
        keySeparator()
    }

    mutating func writeString(_ s: String) { style.escaping.append(s, to: &out) }

    /// Copies a string token verbatim unless this dialect would escape it differently.
    mutating func writeRawString(_ v: JSONValue) {
        let raw = v.rawBytes  // with quotes
        if style.escaping.mayRespell(raw) {
            writeString(v.string ?? "")
        } else {
            out.append(contentsOf: raw)
        }
    }

    /// Lays out an object. `isStruct` is nil for messages, maps and plain objects, else
    /// whether the Struct is nested in another one (jsonpb shifts Structs by one level,
    /// nested ones by two).
    mutating func writeObject(count: Int, depth: Int, isStruct: Bool?, _ member: (inout JSONWriter, Int, Int) -> Void) {
        let shift = structShift(isStruct)
        if count == 0 {
            if style.layout == .jsonpb {
                // jsonpb: an empty message is "{\n\n<indent>}", an empty Struct "{\n<indent+shift>}".
                out.append(0x7B)
                if isStruct == nil { out.append(0x0A) }
                newline(depth + shift * style.indent)
                out.append(0x7D)
            } else {
                out.append(contentsOf: [0x7B, 0x7D])
            }
            return
        }
        writeItems(count: count, depth: depth, shift: shift, open: 0x7B, close: 0x7D, member)
    }

    mutating func writeArray(count: Int, depth: Int, structNested: Bool? = nil, _ element: (inout JSONWriter, Int, Int) -> Void) {
        let shift = structShift(structNested)
        if count == 0 {
            writeEmptyArray(depth: depth, shift: shift, structNested: structNested)
            return
        }
        writeItems(count: count, depth: depth, shift: shift, open: 0x5B, close: 0x5D, element)
    }

    /// jsonpb's extra indent levels for a Struct (1) or a Struct nested in another (2); 0 for
    /// anything else (`nested` nil) and in the other layouts.
    @inline(__always)
    func structShift(_ nested: Bool?) -> Int {
        guard style.layout == .jsonpb, let nested else { return 0 }
        return nested ? 2 : 1
    }

    /// `[]`, or jsonpb's `[\n<indent+shift>]` for an empty list in a Struct.
    mutating func writeEmptyArray(depth: Int, shift: Int, structNested: Bool?) {
        if style.layout == .jsonpb, structNested != nil {
            out.append(0x5B)
            newline(depth + shift * style.indent)
            out.append(0x5D)
        } else {
            out.append(contentsOf: [0x5B, 0x5D])
        }
    }

    /// The non-empty body shared by objects and arrays: items one per line, `shift` extra
    /// indent levels for jsonpb's Struct layout.
    private mutating func writeItems(count: Int, depth: Int, shift: Int, open: UInt8, close: UInt8,
                                     _ item: (inout JSONWriter, Int, Int) -> Void) {
        out.append(open)
        let inner = depth + (1 + shift) * style.indent
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            newline(inner)
            item(&self, i, inner)
        }
        newline(depth + shift * style.indent)
        out.append(close)
    }

    // MARK: Trees

    /// `depth` is the indent (in spaces) of the line the value starts on.
    mutating func write(_ node: JSONTree, depth: Int, context: Context, top: Bool = false) {
        switch node {
        case .null: out.append(contentsOf: JSONWriter.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? JSONWriter.trueBytes : JSONWriter.falseBytes)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): writeString(s)
        case .array(let items):
            // Elements of a top-level list are the resources themselves.
            writeArray(count: items.count, depth: depth) { w, i, d in
                w.write(items[i], depth: d, context: context, top: top)
            }
        case .object(let o):
            // Constructed objects: keys are final; values sit under that key.
            let pairs = o.pairs
            writeObject(count: pairs.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, v) = pairs[i]
                w.writeKey(k)
                let child: Context = switch context {
                case .plain(_, let opaque): .plain(parentKey: k, opaque: opaque)
                default: .message(parent: ProtoFieldName.classify(k))
                }
                w.write(v, depth: d, context: child)
            }
        case .json(let v):
            if case .plain(let parentKey, let opaque) = context {
                writePlainJSON(v, depth: depth, parentKey: parentKey, opaque: opaque)
            } else {
                writeProtoJSON(v, depth: depth, context: context, top: top)
            }
        }
    }

    /// A parsed value as plain JSON: keys decoded and spelled by ``Style/keys``, scalars
    /// copied verbatim (numbers keep their spelling, strings their escapes unless the
    /// dialect respells them).
    mutating func writePlainJSON(_ v: JSONValue, depth: Int, parentKey: String?, opaque: Bool) {
        switch v.kind {
        case .object:
            if v.isEmpty { out.append(contentsOf: [0x7B, 0x7D]); return }
            out.append(0x7B)
            let inner = depth + style.indent
            let keys = style.keys
            var first = true
            for (k, child) in v.members {
                if !first { out.append(0x2C) }
                first = false
                newline(inner)
                writeKey(opaque ? k : keys.convert(k))
                let childOpaque = opaque || (keys == .protoJSON && keys.isOpaque(key: k, parentKey: parentKey))
                writePlainJSON(child, depth: inner, parentKey: k, opaque: childOpaque)
            }
            newline(depth)
            out.append(0x7D)
        case .array:
            if v.isEmpty { out.append(contentsOf: [0x5B, 0x5D]); return }
            out.append(0x5B)
            let inner = depth + style.indent
            var first = true
            for child in v.elements {
                if !first { out.append(0x2C) }
                first = false
                newline(inner)
                writePlainJSON(child, depth: inner, parentKey: parentKey, opaque: opaque)
            }
            newline(depth)
            out.append(0x5D)
        case .string: writeRawString(v)
        default: out.append(contentsOf: v.rawBytes)
        }
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
