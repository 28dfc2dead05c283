/// The few proto field names that change how their value is written (maps, Structs,
/// sensitive fields), recognised from the key's bytes without building a String: the key
/// is folded the way ``JSONValue`` lookups fold it (no `_`, lowercase), hashed, and checked.
enum ProtoFieldName: UInt8, Sendable {
    case none
    case metadata, staticLayer, value, config, node, userAgentBuildVersion
    case filterMetadata, perFilterConfig, extensionProtocolOptions
    case typedFilterMetadata, typedPerFilterConfig, typedExtensionProtocolOptions
    case keyValues, labels, annotations, map, exactMatchMap, prefixMatchMap
    case privateKey, password, pkcs12, sessionTicketKeys, genericSecret
    case inlineBytes, inlineString

    private static let folded: [(String, ProtoFieldName)] = [
        ("metadata", .metadata), ("staticlayer", .staticLayer), ("value", .value), ("config", .config),
        ("node", .node), ("useragentbuildversion", .userAgentBuildVersion),
        ("filtermetadata", .filterMetadata), ("perfilterconfig", .perFilterConfig),
        ("extensionprotocoloptions", .extensionProtocolOptions), ("typedfiltermetadata", .typedFilterMetadata),
        ("typedperfilterconfig", .typedPerFilterConfig), ("typedextensionprotocoloptions", .typedExtensionProtocolOptions),
        ("keyvalues", .keyValues), ("labels", .labels), ("annotations", .annotations), ("map", .map),
        ("exactmatchmap", .exactMatchMap), ("prefixmatchmap", .prefixMatchMap),
        ("privatekey", .privateKey), ("password", .password), ("pkcs12", .pkcs12),
        ("sessionticketkeys", .sessionTicketKeys), ("genericsecret", .genericSecret),
        ("inlinebytes", .inlineBytes), ("inlinestring", .inlineString),
    ]

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
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for c in bytes where c != 0x5F {
            h = (h ^ UInt64(fold(c))) &* 0x100_0000_01B3
        }
        return h
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

    var isSensitive: Bool {
        switch self {
        case .privateKey, .password, .pkcs12, .sessionTicketKeys, .genericSecret: true
        default: false
        }
    }

    /// What a redacted leaf under a sensitive field becomes.
    var redactionMarker: String? {
        switch self {
        case .inlineBytes: EnvoyRedaction.redactedBytes
        case .inlineString: EnvoyRedaction.redactedString
        default: nil
        }
    }
}
