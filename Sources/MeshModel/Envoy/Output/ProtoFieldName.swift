/// The few proto field names that change how their value is written (maps, Structs,
/// ``SensitiveFields``), recognised from the key's bytes without building a String: the key
/// is folded the way ``JSONValue`` lookups fold it (no `_`, lowercase), hashed, and checked.
enum ProtoFieldName: UInt8, Sendable {
    case none
    case metadata, staticLayer, value, config, node, userAgentBuildVersion
    case filterMetadata, perFilterConfig, extensionProtocolOptions
    case typedFilterMetadata, typedPerFilterConfig, typedExtensionProtocolOptions
    case keyValues, labels, annotations, map, exactMatchMap, prefixMatchMap
    /// Any of ``SensitiveFields/entries``.
    case sensitive
    case inlineBytes, inlineString

    private static let folded: [(String, ProtoFieldName)] = [
        ("metadata", .metadata), ("staticlayer", .staticLayer), ("value", .value), ("config", .config),
        ("node", .node), ("useragentbuildversion", .userAgentBuildVersion),
        ("filtermetadata", .filterMetadata), ("perfilterconfig", .perFilterConfig),
        ("extensionprotocoloptions", .extensionProtocolOptions), ("typedfiltermetadata", .typedFilterMetadata),
        ("typedperfilterconfig", .typedPerFilterConfig), ("typedextensionprotocoloptions", .typedExtensionProtocolOptions),
        ("keyvalues", .keyValues), ("labels", .labels), ("annotations", .annotations), ("map", .map),
        ("exactmatchmap", .exactMatchMap), ("prefixmatchmap", .prefixMatchMap),
        ("inlinebytes", .inlineBytes), ("inlinestring", .inlineString),
    ] + SensitiveFields.entries.map { ($0.folded, .sensitive) }

    private static let byHash: [UInt64: (ProtoFieldName, [UInt8])] = {
        var d: [UInt64: (ProtoFieldName, [UInt8])] = [:]
        for (name, field) in folded {
            let bytes = Array(name.utf8)
            d[hash(bytes[...])] = (field, bytes)
        }
        return d
    }()

    private static let longest = folded.map { $0.0.utf8.count }.max() ?? 0

    @inline(__always) private static func fold(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    private static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h = FNV1a()
        for c in bytes where c != 0x5F { h.add(fold(c)) }
        return h.value
    }

    /// Classifies an unescaped key at `bytes[off..<off+len]`.
    static func classify(_ bytes: [UInt8], _ off: Int, _ len: Int) -> ProtoFieldName {
        guard len <= longest + 8 else { return .none }
        let key = bytes[off..<(off + len)]
        guard let (field, expected) = byHash[hash(key)] else { return .none }
        var i = 0
        for c in key where c != 0x5F {
            guard i < expected.count, fold(c) == expected[i] else { return .none }
            i += 1
        }
        return i == expected.count ? field : .none
    }

    static func classify(_ key: String) -> ProtoFieldName {
        let bytes = Array(key.utf8)
        return classify(bytes, 0, bytes.count)
    }

    var isSensitive: Bool { self == .sensitive }

    /// What a string under this field becomes (``SensitiveFields/marker(forFoldedKey:inside:)``),
    /// `inside` a sensitive field or not; nil to keep it.
    func redactionMarker(inside: Bool) -> String? {
        switch self {
        case .inlineBytes: inside ? SensitiveFields.redactedBytes : nil
        case .inlineString, .sensitive: inside || self == .sensitive ? SensitiveFields.redactedString : nil
        default: nil
        }
    }
}
