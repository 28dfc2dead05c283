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

    public init(style: Style) { self.style = style }

    /// The JSON text followed by a newline (istioctl prints with `Fprintln`).
    public func bytes(_ node: OutputNode) -> [UInt8] {
        var w = self
        w.out.reserveCapacity(1 << 16)
        w.write(node, depth: 0, context: .message(parentKey: nil), top: true)
        w.out.append(0x0A)
        return w.out
    }

    public func string(_ node: OutputNode) -> String { String(decoding: bytes(node), as: UTF8.self) }

    // MARK: Context

    /// What the object being written is, which decides key spelling, key order and layout.
    enum Context {
        case message(parentKey: String?)
        /// A map field's object: keys are data (kept and sorted), values are `value`.
        case map(value: ValueKind)
        /// A `google.protobuf.Struct` (or `Value`/`ListValue`): keys are data; `nested` when
        /// it sits inside another Struct (jsonpb indents those one level deeper still).
        case structValue(nested: Bool)
    }

    enum ValueKind { case message, structValue, scalar }

    /// Fields whose value is a map (`map<string, X>`), by folded field name.
    static func mapValueKind(_ folded: String, parentKey: String?) -> ValueKind? {
        switch folded {
        case "filtermetadata", "perfilterconfig", "extensionprotocoloptions": return .structValue
        case "typedfiltermetadata", "typedperfilterconfig", "typedextensionprotocoloptions": return .message
        case "keyvalues", "labels", "annotations": return .scalar
        case "map":
            guard let p = parentKey.map { Key($0).folded }, p == "exactmatchmap" || p == "prefixmatchmap" else { return nil }
            return .message
        default: return nil
        }
    }

    /// Whether the member `key` (of an object with the given parent key, holding siblings)
    /// is a `google.protobuf.Struct`.
    static func isStructField(_ folded: String, parentKey: String?, object: JSONValue?) -> Bool {
        switch folded {
        case "metadata":
            guard let p = parentKey.map({ Key($0).folded }) else { return false }
            return p == "node" || p == "useragentbuildversion"
        case "staticlayer": return true
        case "value":
            // TypedStruct.value, and an Any carrying a google.protobuf.Struct.
            guard let o = object else { return false }
            if o["type_url"] != nil { return true }
            return o.member(exactly: "@type")?.string?.hasSuffix("google.protobuf.Struct") ?? false
        case "config":
            // The v2 filter `config` Struct: a filter object has a name and no @type.
            guard let o = object else { return false }
            return o["name"] != nil && o.member(exactly: "@type") == nil
        default: return false
        }
    }

    // MARK: Writing

    private var indentUnit: Int { style.indent }

    private mutating func newline(_ spaces: Int) {
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
                w.write(v, depth: d, context: .message(parentKey: k))
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
            let elements = Array(v.elements)
            let elementContext: Context
            switch context {
            case .structValue: elementContext = .structValue(nested: true)
            default: elementContext = context
            }
            let isStruct: Bool? = if case .structValue(let nested) = context { nested } else { nil }
            writeArray(count: elements.count, depth: depth, structNested: isStruct) { w, i, d in
                w.writeJSON(elements[i], depth: d, context: elementContext)
            }
        case .string: writeRawString(v)
        default: out.append(contentsOf: v.rawBytes)
        }
    }

    private mutating func writeJSONObject(_ v: JSONValue, depth: Int, context: Context, top: Bool) {
        var members: [(key: String, value: JSONValue)] = []
        for m in v.members {
            if top && style.dropTopLevelType && m.key == "@type" { continue }
            members.append(m)
        }
        switch context {
        case .message(let parentKey):
            writeObject(count: members.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, child) = members[i]
                let folded = Key(k).folded
                w.writeKey(w.style.camelCase ? KeyStyle.protoJSON.convert(k) : k)
                if w.redacting, child.kind == .string, let marker = EnvoyRedaction.marker(forFoldedKey: folded) {
                    w.writeString(marker)
                    return
                }
                let wasRedacting = w.redacting
                if EnvoyRedaction.sensitiveFields.contains(folded) { w.redacting = true }
                defer { w.redacting = wasRedacting }
                let childContext: Context
                if let mk = ProtoJSONWriter.mapValueKind(folded, parentKey: parentKey), child.isObject {
                    childContext = .map(value: mk)
                } else if child.isObject || child.isArray, ProtoJSONWriter.isStructField(folded, parentKey: parentKey, object: v) {
                    childContext = .structValue(nested: false)
                } else {
                    childContext = .message(parentKey: k)
                }
                w.writeJSON(child, depth: d, context: childContext)
            }
        case .map(let valueKind):
            let sorted = members.sorted { IstioNaming.goLess($0.key, $1.key) }
            writeObject(count: sorted.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                let childContext: Context = switch valueKind {
                case .structValue: .structValue(nested: false)
                case .message, .scalar: .message(parentKey: k)
                }
                w.writeJSON(child, depth: d, context: childContext)
            }
        case .structValue(let nested):
            let sorted = members.sorted { IstioNaming.goLess($0.key, $1.key) }
            writeObject(count: sorted.count, depth: depth, isStruct: nested) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                w.writeJSON(child, depth: d, context: .structValue(nested: true))
            }
        }
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
        out.append(0x7B)
        let inner = depth + (1 + shift) * indentUnit
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            newline(inner)
            member(&self, i, inner)
        }
        newline(depth + shift * indentUnit)
        out.append(0x7D)
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
        out.append(0x5B)
        let inner = depth + (1 + shift) * indentUnit
        for i in 0..<count {
            if i > 0 { out.append(0x2C) }
            newline(inner)
            element(&self, i, inner)
        }
        newline(depth + shift * indentUnit)
        out.append(0x5D)
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
