/// istioctl's rules for proto messages: the ``JSONWriter/Style/protoMessages`` part of the
/// one writer, which prints Envoy resources the way istioctl prints them.
///
/// istioctl re-marshals what it decoded, so its JSON differs from Envoy's in ways that
/// matter for byte-for-byte output: field names are lowerCamelCase (protojson) except
/// inside maps and `google.protobuf.Struct`s, whose keys are data; map and Struct keys are
/// sorted; strings are escaped as Go's `encoding/json` escapes them; and for the bootstrap
/// and secrets dumps the old `jsonpb` marshaler indents Structs one level deeper than their
/// key and prints empty messages across two lines. This walk reproduces each of those,
/// streaming values from the tape without materialising them.
///
/// ```swift
/// JSONWriter.string(.array(clusters.map { .json($0.json) }), style: .istioctlList)
/// ```
extension JSONWriter {
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

    /// `depth` is the indent (in spaces) of the line the value starts on.
    mutating func writeProtoJSON(_ v: JSONValue, depth: Int, context: Context, top: Bool = false) {
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
        switch context {
        case .message(let parent):
            writeMessage(v, depth: depth, parent: parent, top: top)
        case .plain(let parentKey, let opaque):
            writePlainJSON(v, depth: depth, parentKey: parentKey, opaque: opaque)
        case .map(let valueKind):
            let sorted = members(of: v, top: top)
            writeObject(count: sorted.count, depth: depth, isStruct: nil) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                let childContext: Context = switch valueKind {
                case .structValue: .structValue(nested: false)
                case .message, .scalar: .message(parent: .none)
                }
                w.writeProtoJSON(child, depth: d, context: childContext)
            }
        case .structValue(let nested):
            let sorted = members(of: v, top: top)
            writeObject(count: sorted.count, depth: depth, isStruct: nested) { w, i, d in
                let (k, child) = sorted[i]
                w.writeKey(k)
                w.writeProtoJSON(child, depth: d, context: .structValue(nested: true))
            }
        }
    }

    /// Members of a map or Struct, whose keys are data: in Go's order, as Go prints maps.
    private func members(of v: JSONValue, top: Bool) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        for m in v.members {
            if top && style.dropTopLevelType && m.key == "@type" { continue }
            members.append(m)
        }
        return members.sorted { GoCompat.less($0.key, $1.key) }
    }

    /// A proto message: walks the tape, converting field names from their bytes.
    private mutating func writeMessage(_ v: JSONValue, depth: Int, parent: ProtoFieldName, top: Bool) {
        let doc = v.document
        let end = v.containerEnd
        var j = v.index + 1
        var first = true
        let inner = depth + style.indent
        while j < end {
            let keyEntry = doc.tape[j]
            let child = JSONValue(document: doc, index: j + 1)
            j = child.nextIndex
            let off = Tape.offset(keyEntry)
            let len = Tape.length(keyEntry)
            let escaped = Tape.hasEscapes(keyEntry)
            if top && style.dropTopLevelType && !escaped && len == 5 && JSONWriter.isAtType(doc.bytes, off) { continue }
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
                writeKey(style.keys.convert(k))
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
            if let mk = JSONWriter.mapValueKind(field, parent: parent), child.isObject {
                writeProtoJSON(child, depth: inner, context: .map(value: mk))
            } else if field != .none, child.isObject || child.isArray, JSONWriter.isStructField(field, parent: parent, object: v) {
                writeProtoJSON(child, depth: inner, context: .structValue(nested: false))
            } else {
                switch child.kind {
                case .string: writeRawString(child)
                case .object, .array: writeProtoJSON(child, depth: inner, context: .message(parent: field))
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
        let shift = structShift(structNested)
        let doc = v.document
        let end = v.containerEnd
        var j = v.index + 1
        if j >= end {
            writeEmptyArray(depth: depth, shift: shift, structNested: structNested)
            return
        }
        out.append(0x5B)
        let inner = depth + (1 + shift) * style.indent
        var first = true
        while j < end {
            let element = JSONValue(document: doc, index: j)
            j = element.nextIndex
            if !first { out.append(0x2C) }
            first = false
            newline(inner)
            switch element.kind {
            case .string: writeRawString(element)
            case .object, .array: writeProtoJSON(element, depth: inner, context: elementContext)
            default: out.append(contentsOf: element.rawBytes)
            }
        }
        newline(depth + shift * style.indent)
        out.append(0x5D)
    }

    static func isAtType(_ b: [UInt8], _ off: Int) -> Bool {
        b[off] == 0x40 && b[off + 1] == 0x74 && b[off + 2] == 0x79 && b[off + 3] == 0x70 && b[off + 4] == 0x65
    }

    /// Writes `"name": ` for an unescaped key at `b[off..<off+len]`, in lowerCamelCase when
    /// it is a snake_case proto field name (``KeyStyle/appendLowerCamel(_:to:)``), and
    /// without building a String unless the dialect may escape one of its bytes.
    private mutating func writeFieldName(_ b: [UInt8], _ off: Int, _ len: Int) {
        let key = b[off..<(off + len)]
        out.append(0x22)
        if style.keys == .protoJSON, KeyStyle.appendLowerCamel(key, to: &out) {
            out.append(0x22)
            keySeparator()
            return
        }
        if key.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 >= 0x80 }) {
            out.removeLast()
            writeKey(String(decoding: key, as: UTF8.self))
            return
        }
        out.append(contentsOf: key)
        out.append(0x22)
        keySeparator()
    }
}
