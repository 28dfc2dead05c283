/// A decoded Envoy `/config_dump` (v3 or v2alpha, snake_case or camelCase).
///
/// Decoding walks the `configs` array once and records, for every resource, its name,
/// state and a cursor into the parsed document; everything else is read on demand from
/// those cursors. Nothing is dropped: unknown section types are kept in ``unknownSections``,
/// and every resource keeps its JSON. A section of the wrong shape becomes a
/// ``EnvoyDecodeWarning`` naming its JSON path, and the other sections decode as usual.
///
/// ```swift
/// let dump = try EnvoyConfigDump(document: JSONDocument(bytes: bytes))
/// dump.clusters.count          // static + dynamic active + dynamic warming
/// dump.warnings                // [] for a well-formed dump
/// ```
public struct EnvoyConfigDump: Sendable {
    public let document: JSONDocument
    public private(set) var bootstrap: EnvoyBootstrap?
    public private(set) var clusters: [EnvoyCluster] = []
    public private(set) var listeners: [EnvoyListener] = []
    public private(set) var routeConfigs: [EnvoyRouteConfig] = []
    public private(set) var scopedRouteConfigs: [EnvoyScopedRouteConfigs] = []
    public private(set) var secrets: [EnvoySecret] = []
    public private(set) var endpointConfigs: [EnvoyEndpointConfig] = []
    public private(set) var extensionConfigs: [EnvoyExtensionConfig] = []
    /// Configs whose `@type` is not an Envoy admin config dump type, as found.
    public private(set) var unknownSections: [JSONValue] = []
    /// Which sections the dump has (even empty ones), in document order.
    public private(set) var sectionsPresent: [EnvoySectionKind] = []
    /// The `@type` of each present section, e.g. `envoy.admin.v2alpha.ClustersConfigDump`.
    public private(set) var sectionTypeNames: [EnvoySectionKind: String] = [:]
    /// Each present section's object (the first, should a kind appear twice).
    public private(set) var sectionValues: [EnvoySectionKind: JSONValue] = [:]
    public private(set) var warnings: [EnvoyDecodeWarning] = []

    /// - Throws: ``EnvoyConfigDumpError`` when the root is not `{"configs": [...]}`.
    public init(document: JSONDocument) throws(EnvoyConfigDumpError) {
        self.document = document
        let root = document.root
        guard root.isObject else {
            throw EnvoyConfigDumpError("not an Envoy config dump: expected an object with a \"configs\" array, found \(EnvoyConfigDump.describe(root.kind))", path: "$")
        }
        guard let configs = root["configs"] else {
            let keys = root.members.prefix(3).map { "\"\($0.key)\"" }.joined(separator: ", ")
            throw EnvoyConfigDumpError("not an Envoy config dump: no \"configs\" array" + (keys.isEmpty ? " (empty object)" : " (keys: \(keys))"), path: "$")
        }
        guard configs.isArray else {
            throw EnvoyConfigDumpError("not an Envoy config dump: \"configs\" is \(EnvoyConfigDump.describe(configs.kind)), not an array", path: "$.configs")
        }
        var i = 0
        for config in configs.elements {
            decodeSection(config, path: "$.configs[\(i)]")
            i += 1
        }
    }

    /// Convenience: parse and decode bytes.
    public init(bytes: [UInt8]) throws {
        try self.init(document: try JSONDocument(bytes: bytes))
    }

    /// The sections whose decoding lost something.
    public var damagedSections: Set<EnvoySectionKind> {
        Set(warnings.compactMap { $0.kind == .wrongShape ? $0.section : nil })
    }

    static func describe(_ kind: JSONValue.Kind) -> String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }

    // MARK: Sections

    private mutating func decodeSection(_ config: JSONValue, path: String) {
        guard config.isObject else {
            warn(.wrongShape, "config is \(EnvoyConfigDump.describe(config.kind)), not an object", path, nil)
            return
        }
        guard let typeName = config.typeName else {
            unknownSections.append(config)
            warn(.unknownType, "config has no \"@type\"; kept as raw JSON", path, nil)
            return
        }
        guard let kind = EnvoySectionKind(typeName: typeName) else {
            unknownSections.append(config)
            warn(.unknownType, "unknown config type \(typeName); kept as raw JSON", path, nil)
            return
        }
        if !sectionsPresent.contains(kind) { sectionsPresent.append(kind) }
        if sectionValues[kind] == nil {
            sectionTypeNames[kind] = typeName
            sectionValues[kind] = config
        }
        switch kind {
        case .bootstrap:
            let b = EnvoyBootstrap(entry: config)
            if b.json == nil {
                warn(.wrongShape, "bootstrap section has no \"bootstrap\" object", path, kind)
            }
            bootstrap = b
        case .clusters:
            for (key, value) in config.members {
                let state: EnvoyResourceState
                switch EnvoyFoldedKey(key) {
                case "staticclusters": state = .static
                case "dynamicactiveclusters": state = .active
                case "dynamicwarmingclusters": state = .warming
                default: continue
                }
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    guard let c = resource(entry, "cluster", p, kind) else { continue }
                    clusters.append(EnvoyCluster(state: state, entry: entry, json: c))
                }
            }
        case .listeners:
            decodeListeners(config, path)
        case .routes:
            for (key, value) in config.members {
                let state: EnvoyResourceState
                switch EnvoyFoldedKey(key) {
                case "staticrouteconfigs": state = .static
                case "dynamicrouteconfigs": state = .active
                default: continue
                }
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    guard let rc = resource(entry, "route_config", p, kind) else { continue }
                    routeConfigs.append(EnvoyRouteConfig(state: state, entry: entry, json: rc))
                }
            }
        case .scopedRoutes:
            for (key, value) in config.members {
                let state: EnvoyResourceState
                switch EnvoyFoldedKey(key) {
                case "inlinescopedrouteconfigs": state = .static
                case "dynamicscopedrouteconfigs": state = .active
                default: continue
                }
                for (entry, _) in entries(value, "\(path).\(key)", kind) {
                    scopedRouteConfigs.append(EnvoyScopedRouteConfigs(state: state, entry: entry))
                }
            }
        case .secrets:
            for (key, value) in config.members {
                let state: EnvoyResourceState
                switch EnvoyFoldedKey(key) {
                case "staticsecrets": state = .static
                case "dynamicactivesecrets": state = .active
                case "dynamicwarmingsecrets": state = .warming
                default: continue
                }
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    if let s = entry["secret"], !s.isObject {
                        warn(.wrongShape, "\"secret\" is \(EnvoyConfigDump.describe(s.kind)), not an object", p + ".secret", kind)
                    }
                    secrets.append(EnvoySecret(state: state, entry: entry))
                }
            }
        case .endpoints:
            for (key, value) in config.members {
                let state: EnvoyResourceState
                switch EnvoyFoldedKey(key) {
                case "staticendpointconfigs": state = .static
                case "dynamicendpointconfigs": state = .active
                default: continue
                }
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    guard let e = resource(entry, "endpoint_config", p, kind) else { continue }
                    endpointConfigs.append(EnvoyEndpointConfig(state: state, entry: entry, json: e))
                }
            }
        case .ecds:
            for (key, value) in config.members where EnvoyFoldedKey(key) == "ecdsfilters" {
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    guard let f = resource(entry, "ecds_filter", p, kind) else { continue }
                    extensionConfigs.append(EnvoyExtensionConfig(entry: entry, json: f))
                }
            }
        }
    }

    private mutating func decodeListeners(_ config: JSONValue, _ path: String) {
        let kind = EnvoySectionKind.listeners
        for (key, value) in config.members {
            let k = EnvoyFoldedKey(key)
            switch k {
            case "staticlisteners", "dynamicactivelisteners", "dynamicwarminglisteners", "dynamicdraininglisteners":
                // v3 static listeners, and the v2alpha (Istio <= 1.2) per-state lists.
                let state: EnvoyResourceState = switch k {
                case "staticlisteners": .static
                case "dynamicactivelisteners": .active
                case "dynamicwarminglisteners": .warming
                default: .draining
                }
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    guard let l = resource(entry, "listener", p, kind) else { continue }
                    listeners.append(EnvoyListener(state: state, name: nil, entry: entry, json: l))
                }
            case "dynamiclisteners":
                for (entry, p) in entries(value, "\(path).\(key)", kind) {
                    let name = entry["name"]?.string
                    var any = false
                    for (sk, sv) in entry.members {
                        let state: EnvoyResourceState
                        switch EnvoyFoldedKey(sk) {
                        case "activestate": state = .active
                        case "warmingstate": state = .warming
                        case "drainingstate": state = .draining
                        case "errorstate":
                            any = true
                            guard sv.isObject else {
                                warn(.wrongShape, "\"\(sk)\" is \(EnvoyConfigDump.describe(sv.kind)), not an object", "\(p).\(sk)", kind)
                                continue
                            }
                            let failed = sv["failed_configuration"]
                            listeners.append(EnvoyListener(
                                state: .error, name: name, entry: sv,
                                json: (failed?.isObject ?? false) ? failed! : sv,
                                errorDetails: sv["details"]?.string))
                            continue
                        default: continue
                        }
                        any = true
                        guard sv.isObject else {
                            warn(.wrongShape, "\"\(sk)\" is \(EnvoyConfigDump.describe(sv.kind)), not an object", "\(p).\(sk)", kind)
                            continue
                        }
                        guard let l = resource(sv, "listener", "\(p).\(sk)", kind) else { continue }
                        listeners.append(EnvoyListener(state: state, name: name, entry: sv, json: l))
                    }
                    if !any {
                        warn(.wrongShape, "dynamic listener \(name.map { "\"\($0)\" " } ?? "")has no active, warming, draining or error state", p.description, kind)
                    }
                }
            default: continue
            }
        }
    }

    // MARK: Helpers

    /// The object elements of the array `list` with their index; warns about the rest.
    /// Paths are built only for warnings (a large dump has 100k entries).
    private mutating func entries(_ list: JSONValue, _ path: String, _ kind: EnvoySectionKind) -> [(JSONValue, EnvoyEntryPath)] {
        guard list.isArray else {
            warn(.wrongShape, "\(EnvoyConfigDump.lastKey(path)) is \(EnvoyConfigDump.describe(list.kind)), not an array", path, kind)
            return []
        }
        var out: [(JSONValue, EnvoyEntryPath)] = []
        var i = 0
        for entry in list.elements {
            if entry.isObject {
                out.append((entry, EnvoyEntryPath(base: path, index: i)))
            } else {
                warn(.wrongShape, "entry is \(EnvoyConfigDump.describe(entry.kind)), not an object", "\(path)[\(i)]", kind)
            }
            i += 1
        }
        return out
    }

    /// The resource object under `key` of an entry wrapper, or a warning.
    private mutating func resource(_ entry: JSONValue, _ key: String, _ path: CustomStringConvertible, _ kind: EnvoySectionKind) -> JSONValue? {
        guard let r = entry[key] else {
            warn(.wrongShape, "entry has no \"\(key)\"", path.description, kind)
            return nil
        }
        guard r.isObject else {
            warn(.wrongShape, "\"\(key)\" is \(EnvoyConfigDump.describe(r.kind)), not an object", "\(path.description).\(key)", kind)
            return nil
        }
        return r
    }

    private mutating func warn(_ kind: EnvoyDecodeWarning.Kind, _ message: String, _ path: String, _ section: EnvoySectionKind?) {
        warnings.append(EnvoyDecodeWarning(kind, (section.map { "\($0.displayName): " } ?? "") + message, path: path, section: section))
    }

    static func lastKey(_ path: String) -> String {
        guard let dot = path.lastIndex(of: ".") else { return path }
        return String(path[path.index(after: dot)...])
    }
}

/// A member key folded the way ``JSONValue``'s lookup folds it (no `_`, lowercase), so one
/// `switch` reads snake_case and camelCase alike.
struct EnvoyFoldedKey: Equatable, ExpressibleByStringLiteral {
    let folded: String
    init(_ key: String) {
        var s = ""
        s.reserveCapacity(key.utf8.count)
        for u in key.unicodeScalars where u != "_" {
            s.unicodeScalars.append(u.value >= 0x41 && u.value <= 0x5A ? Unicode.Scalar(u.value | 0x20)! : u)
        }
        folded = s
    }
    init(stringLiteral value: String) { folded = value }
}

/// `base[index]`, spelled out only when a warning needs it.
struct EnvoyEntryPath: CustomStringConvertible {
    let base: String
    let index: Int
    var description: String { "\(base)[\(index)]" }
    static func + (lhs: EnvoyEntryPath, rhs: String) -> String { lhs.description + rhs }
}
