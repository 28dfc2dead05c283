/// Writes Envoy resources as JSON the way istioctl prints them, from the parsed dump.
///
/// istioctl re-marshals what it decoded, so its JSON differs from Envoy's in ways that
/// matter for byte-for-byte output: field names are lowerCamelCase (protojson) except
/// inside maps and `google.protobuf.Struct`s, whose keys are data; map and Struct keys are
/// sorted; strings are escaped as Go's `encoding/json` escapes them; and for the bootstrap
/// and secrets dumps the old `jsonpb` marshaler indents Structs one level deeper than their
/// key and prints empty messages across two lines. This writer reproduces each of those,
/// streaming values from the tape without materialising them.
///
/// ```swift
/// ProtoJSONWriter(style: .istioctlList).string(.array(clusters.map { .json($0.json) }))
/// ```
public struct ProtoJSONWriter {
    public struct Style: Sendable, Equatable {
        public enum Layout: Sendable, Equatable {
            /// `json.MarshalIndent` / protojson `Multiline`: what most views print.
            case standard
            /// golang/protobuf `jsonpb.Marshaler{Indent}` (istioctl's bootstrap and secret dumps).
            case jsonpb
        }
        public var layout: Layout
        public var indent: Int
        /// Convert proto field names to lowerCamelCase (protojson); false keeps them as in the input.
        public var camelCase: Bool
        /// Escape `<`, `>` and `&` as `\u003c` ... (Go's `encoding/json` does; protojson alone does not).
        public var escapeHTML: Bool
        /// Drop the top-level `@type` (istioctl prints typed messages, not `Any`s).
        public var dropTopLevelType: Bool

        public init(layout: Layout, indent: Int = 4, camelCase: Bool = true, escapeHTML: Bool, dropTopLevelType: Bool) {
            self.layout = layout
            self.indent = indent
            self.camelCase = camelCase
            self.escapeHTML = escapeHTML
            self.dropTopLevelType = dropTopLevelType
        }

        /// `proxy-config cluster|listener|route|endpoint -o json`: a `MessageSlice` through `json.MarshalIndent`.
        public static let istioctlList = Style(layout: .standard, escapeHTML: true, dropTopLevelType: true)
        /// `proxy-config ecds -o json`: protojson `Multiline` with a 4-space indent.
        public static let protojson = Style(layout: .standard, escapeHTML: false, dropTopLevelType: true)
        /// `proxy-config bootstrap|secret -o json`: jsonpb with a 4-space indent.
        public static let jsonpb = Style(layout: .jsonpb, escapeHTML: true, dropTopLevelType: true)
    }

    public let style: Style
    private var out: [UInt8] = []
    /// Inside a sensitive field: inline key material is replaced, as Envoy itself redacts it.
    private var redacting = false
    /// When set, output is handed over in chunks of about ``chunkSize`` bytes instead of
    /// being collected (a 100 MB `-o json` then never sits in memory twice).
    private var sink: (([UInt8]) -> Void)?
    static let chunkSize = 1 << 20

    public init(style: Style) { self.style = style }

    /// The JSON text followed by a newline (istioctl prints with `Fprintln`).
    public func bytes(_ node: OutputNode) -> [UInt8] {
        var w = self
        w.out.reserveCapacity(1 << 16)
        w.write(node, depth: 0, context: .message(parent: .none), top: true)
        w.out.append(0x0A)
        return w.out
    }

    public func string(_ node: OutputNode) -> String { String(decoding: bytes(node), as: UTF8.self) }

    /// Streams the JSON text (and the final newline) to `sink` in chunks.
    public func write(_ node: OutputNode, to sink: @escaping ([UInt8]) -> Void) {
        var w = self
        w.sink = sink
        w.out.reserveCapacity(ProtoJSONWriter.chunkSize + 4096)
        w.write(node, depth: 0, context: .message(parent: .none), top: true)
        w.out.append(0x0A)
        sink(w.out)
    }

    // MARK: Context

    /// What the object being written is, which decides key spelling, key order and layout.
    enum Context {
        case message(parent: ProtoFieldName)
        /// A map field's object: keys are data (kept and sorted), values are `value`.
        case map(value: ValueKind)
        /// A `google.protobuf.Struct` (or `Value`/`ListValue`): keys are data; `nested` when
        /// it sits inside another Struct (jsonpb indents those one level deeper still).
        case structValue(nested: Bool)
    }

    enum ValueKind { case message, structValue, scalar }

    /// The kind of values a map field holds, for the map fields the dumps use.
    static func mapValueKind(_ field: ProtoFieldName, parent: ProtoFieldName) -> ValueKind? {
        switch field {
        case .filterMetadata, .perFilterConfig, .extensionProtocolOptions: return .structValue
        case .typedFilterMetadata, .typedPerFilterConfig, .typedExtensionProtocolOptions: return .message
        case .keyValues, .labels, .annotations: return .scalar
        case .map: return parent == .exactMatchMap || parent == .prefixMatchMap ? .message : nil
        default: return nil
        }
    }

    /// Whether `field` of `object` (whose own field name is `parent`) is a `google.protobuf.Struct`.
    static func isStructField(_ field: ProtoFieldName, parent: ProtoFieldName, object: JSONValue) -> Bool {
        switch field {
        case .metadata: return parent == .node || parent == .userAgentBuildVersion
        case .staticLayer: return true
        case .value:
            // TypedStruct.value, and an Any carrying a google.protobuf.Struct.
            if object["type_url"] != nil { return true }
            return object.member(exactly: "@type")?.string?.hasSuffix("google.protobuf.Struct") ?? false
        case .config:
            // The v2 filter `config` Struct: a filter object has a name and no @type.
            return object["name"] != nil && object.member(exactly: "@type") == nil
        default: return false
        }
    }

    // MARK: Writing

    private var indentUnit: Int { style.indent }

    private mutating func newline(_ spaces: Int) {
        if let sink, out.count >= ProtoJSONWriter.chunkSize {
            sink(out)
            out.removeAll(keepingCapacity: true)
        }
        out.append(0x0A)
        if spaces > 0 { out.append(contentsOf: repeatElement(0x20, count: spaces)) }
    }

    private mutating func write(_ node: OutputNode, depth: Int, context: Context, top: Bool = false) {
        switch node {
        case .null: out.append(contentsOf: ProtoJSONWriter.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? ProtoJSONWriter.trueBytes : ProtoJSONWriter.falseBytes)
        case .int(let i): out.append(contentsOf: Array(String(i).utf8))
        case .double(let d): out.append(contentsOf: Array(JSONWriter.format(d).utf8))
        case .string(let s): writeString(s)
        case .array(let items):
            // Elements of the top-level list are the resources themselves.
            writeArray(count: items.count, depth: depth) { w, i, d in
                w.write(items[i], depth: d, context: context, top: top)
            }
        case .object(let pairs):
            // Constructed objects: keys are final; children are messages under that key.
            writeObject(count: pairs.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, v) = pairs[i]
                w.writeString(k)
                w.out.append(contentsOf: [0x3A, 0x20])
                w.write(v, depth: d, context: .message(parent: ProtoFieldName.classify(k)))
            }
        case .json(let v): writeJSON(v, depth: depth, context: context, top: top)
        }
    }

    /// `depth` is the indent (in spaces) of the line the value starts on.
    private mutating func writeJSON(_ v: JSONValue, depth: Int, context: Context, top: Bool = false) {
        switch v.kind {
        case .object:
            writeJSONObject(v, depth: depth, context: context, top: top)
        case .array:
            let elementContext: Context
            switch context {
            case .structValue: elementContext = .structValue(nested: true)
            default: elementContext = context
            }
            let isStruct: Bool? = if case .structValue(let nested) = context { nested } else { nil }
            writeJSONArray(v, depth: depth, structNested: isStruct, elementContext: elementContext)
        case .string: writeRawString(v)
        default: out.append(contentsOf: v.rawBytes)
        }
    }

    private mutating func writeJSONObject(_ v: JSONValue, depth: Int, context: Context, top: Bool) {
        if case .message(let parent) = context {
            writeMessage(v, depth: depth, parent: parent, top: top)
            return
        }
        var members: [(key: String, value: JSONValue)] = []
        for m in v.members {
            if top && style.dropTopLevelType && m.key == "@type" { continue }
            members.append(m)
        }
        switch context {
        case .message:
            break
        case .map(let valueKind):
            let sorted = members.sorted { GoCompat.less($0.key, $1.key) }
            writeObject(count: sorted.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                let childContext: Context = switch valueKind {
                case .structValue: .structValue(nested: false)
                case .message, .scalar: .message(parent: .none)
                }
                w.writeJSON(child, depth: d, context: childContext)
            }
        case .structValue(let nested):
            let sorted = members.sorted { GoCompat.less($0.key, $1.key) }
            writeObject(count: sorted.count, depth: depth, isStruct: nested) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                w.writeJSON(child, depth: d, context: .structValue(nested: true))
            }
        }
    }

    /// A proto message: walks the tape, converting field names from their bytes.
    private mutating func writeMessage(_ v: JSONValue, depth: Int, parent: ProtoFieldName, top: Bool) {
        let doc = v.document
        let end = v.containerEnd
        var j = v.index + 1
        var first = true
        let inner = depth + indentUnit
        while j < end {
            let keyEntry = doc.tape[j]
            let child = JSONValue(document: doc, index: j + 1)
            j = child.nextIndex
            let off = Tape.offset(keyEntry)
            let len = Tape.length(keyEntry)
            let escaped = Tape.hasEscapes(keyEntry)
            if top && style.dropTopLevelType && !escaped && len == 5 && ProtoJSONWriter.isAtType(doc.bytes, off) { continue }
            if first {
                out.append(0x7B)
                first = false
            } else {
                out.append(0x2C)
            }
            newline(inner)
            let field: ProtoFieldName
            if escaped {
                let k = JSONValue.decodeString(doc.bytes, off, len, true)
                field = ProtoFieldName.classify(k)
                writeString(style.camelCase ? KeyStyle.protoJSON.convert(k) : k)
                out.append(contentsOf: [0x3A, 0x20])
            } else {
                field = ProtoFieldName.classify(doc.bytes, off, len)
                writeFieldName(doc.bytes, off, len)
            }
            if child.kind == .string, let marker = field.redactionMarker(inside: redacting) {
                writeString(marker)
                continue
            }
            let wasRedacting = redacting
            if field.isSensitive { redacting = true }
            if let mk = ProtoJSONWriter.mapValueKind(field, parent: parent), child.isObject {
                writeJSON(child, depth: inner, context: .map(value: mk))
            } else if field != .none, child.isObject || child.isArray, ProtoJSONWriter.isStructField(field, parent: parent, object: v) {
                writeJSON(child, depth: inner, context: .structValue(nested: false))
            } else {
                switch child.kind {
                case .string: writeRawString(child)
                case .object, .array: writeJSON(child, depth: inner, context: .message(parent: field))
                default: out.append(contentsOf: child.rawBytes)
                }
            }
            redacting = wasRedacting
        }
        if first {
            // Empty message: "{}", or jsonpb's "{\n\n<indent>}".
            out.append(0x7B)
            if style.layout == .jsonpb {
                out.append(0x0A)
                newline(depth)
            }
            out.append(0x7D)
            return
        }
        newline(depth)
        out.append(0x7D)
    }

    private mutating func writeJSONArray(_ v: JSONValue, depth: Int, structNested: Bool?, elementContext: Context) {
        let shift: Int
        if style.layout == .jsonpb, let nested = structNested { shift = nested ? 2 : 1 } else { shift = 0 }
        let doc = v.document
        let end = v.containerEnd
        var j = v.index + 1
        if j >= end {
            if style.layout == .jsonpb, structNested != nil {
                out.append(0x5B)
                newline(depth + shift * indentUnit)
                out.append(0x5D)
            } else {
                out.append(contentsOf: [0x5B, 0x5D])
            }
            return
        }
        out.append(0x5B)
        let inner = depth + (1 + shift) * indentUnit
        var first = true
        while j < end {
            let element = JSONValue(document: doc, index: j)
            j = element.nextIndex
            if !first { out.append(0x2C) }
            first = false
            newline(inner)
            switch element.kind {
            case .string: writeRawString(element)
            case .object, .array: writeJSON(element, depth: inner, context: elementContext)
            default: out.append(contentsOf: element.rawBytes)
            }
        }
        newline(depth + shift * indentUnit)
        out.append(0x5D)
    }

    static func isAtType(_ b: [UInt8], _ off: Int) -> Bool {
        b[off] == 0x40 && b[off + 1] == 0x74 && b[off + 2] == 0x79 && b[off + 3] == 0x70 && b[off + 4] == 0x65
    }

    /// Writes `"name": ` for an unescaped key, in lowerCamelCase when it is a snake_case
    /// proto field name (the rule of ``KeyStyle/protoJSON``, done on bytes).
    private mutating func writeFieldName(_ b: [UInt8], _ off: Int, _ len: Int) {
        out.append(0x22)
        var convert = false
        if style.camelCase {
            var sawUnderscore = false
            var plain = true
            for i in off..<(off + len) {
                let c = b[i]
                if c == 0x5F {
                    sawUnderscore = true
                } else if !((c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)) {
                    plain = false
                    break
                }
            }
            convert = sawUnderscore && plain
        }
        if convert {
            var upper = false
            for i in off..<(off + len) {
                let c = b[i]
                if c == 0x5F {
                    upper = true
                } else if upper {
                    out.append(c >= 0x61 && c <= 0x7A ? c - 0x20 : c)
                    upper = false
                } else {
                    out.append(c)
                }
            }
        } else {
            var special = false
            for i in off..<(off + len) where b[i] == 0x3C || b[i] == 0x3E || b[i] == 0x26 || b[i] >= 0x80 {
                special = true
                break
            }
            if special {
                out.removeLast()
                writeString(String(decoding: b[off..<(off + len)], as: UTF8.self))
                out.append(contentsOf: [0x3A, 0x20])
                return
            }
            out.append(contentsOf: b[off..<(off + len)])
        }
        out.append(contentsOf: [0x22, 0x3A, 0x20])
    }

    private mutating func writeKey(_ k: String) {
        writeString(k)
        out.append(contentsOf: [0x3A, 0x20])
    }

    /// Lays out an object. `isStruct` is nil for messages and maps, else whether the Struct
    /// is nested in another one (jsonpb shifts Structs by one level, nested ones by two).
    private mutating func writeObject(count: Int, depth: Int, isStruct: Bool?, _ member: (inout ProtoJSONWriter, Int, Int) -> Void) {
        let shift: Int
        if style.layout == .jsonpb, let nested = isStruct { shift = nested ? 2 : 1 } else { shift = 0 }
        if count == 0 {
            if style.layout == .jsonpb {
                // jsonpb: an empty message is "{\n\n<indent>}", an empty Struct "{\n<indent+shift>}".
                out.append(0x7B)
                if isStruct == nil { out.append(0x0A) }
                newline(depth + shift * indentUnit)
                out.append(0x7D)
            } else {
                out.append(contentsOf: [0x7B, 0x7D])
            }
            return
        }
        writeItems(count: count, depth: depth, shift: shift, open: 0x7B, close: 0x7D, member)
    }

    private mutating func writeArray(count: Int, depth: Int, structNested: Bool? = nil, _ element: (inout ProtoJSONWriter, Int, Int) -> Void) {
        let shift: Int
        if style.layout == .jsonpb, let nested = structNested { shift = nested ? 2 : 1 } else { shift = 0 }
        if count == 0 {
            if style.layout == .jsonpb, structNested != nil {
                out.append(0x5B)
                newline(depth + shift * indentUnit)
                out.append(0x5D)
            } else {
                out.append(contentsOf: [0x5B, 0x5D])
            }
            return
        }
        writeItems(count: count, depth: depth, shift: shift, open: 0x5B, close: 0x5D, element)
    }

    /// The non-empty body shared by objects and arrays: items one per line, `shift` extra
    /// indent levels for jsonpb's Struct layout.
    private mutating func writeItems(count: Int, depth: Int, shift: Int, open: UInt8, close: UInt8,
                                     _ item: (inout ProtoJSONWriter, Int, Int) -> Void) {
        out.append(open)
        let inner = depth + (1 + shift) * indentUnit
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            newline(inner)
            item(&self, i, inner)
        }
        newline(depth + shift * indentUnit)
        out.append(close)
    }

    // MARK: Strings

    /// Copies a string token verbatim unless Go would escape it differently.
    private mutating func writeRawString(_ v: JSONValue) {
        let raw = v.rawBytes  // with quotes
        var needsRewrite = false
        for c in raw where c == 0x5C || c == 0xE2 || (style.escapeHTML && (c == 0x3C || c == 0x3E || c == 0x26)) {
            needsRewrite = true
            break
        }
        if needsRewrite {
            writeString(v.string ?? "")
        } else {
            out.append(contentsOf: raw)
        }
    }

    /// Go's `encoding/json` string encoding (Go 1.22+).
    private mutating func writeString(_ s: String) {
        out.append(0x22)
        let hex = ProtoJSONWriter.hexDigits
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(u.value >> 4)], hex[Int(u.value & 0xF)]])
            case 0x3C where style.escapeHTML, 0x3E where style.escapeHTML, 0x26 where style.escapeHTML:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(u.value >> 4)], hex[Int(u.value & 0xF)]])
            case 0x2028 where style.escapeHTML, 0x2029 where style.escapeHTML:
                out.append(contentsOf: Array("\\u202".utf8))
                out.append(hex[Int(u.value & 0xF)])
            default:
                if u.value < 0x80 {
                    out.append(UInt8(u.value))
                } else {
                    UTF8.encode(u) { out.append($0) }
                }
            }
        }
        out.append(0x22)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
}
