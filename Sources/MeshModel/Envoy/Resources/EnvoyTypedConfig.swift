/// A proto `Any` (`typed_config`, `transport_socket.typed_config`, `cluster_type.typed_config`,
/// an ECDS filter ...), unwrapped but never thrown away.
///
/// Three spellings reach us: a plain `Any` (`{"@type": "type.googleapis.com/X", ...fields}`),
/// a `TypedStruct` (`{"@type": ".../udpa.type.v1.TypedStruct", "type_url": "X", "value": {...}}`)
/// that carries an extension's config as a Struct, and the v2-era `config` Struct with no
/// type at all. ``value`` is always the object holding the message's own fields, and ``json``
/// the original object, so a type we know nothing about still prints in full.
///
/// ```swift
/// let tc = EnvoyTypedConfig(filter["typed_config"]!)
/// tc.kind        // .httpConnectionManager
/// tc.value["rds"]?["route_config_name"]?.string   // "8080"
/// ```
public struct EnvoyTypedConfig: Sendable {
    /// Message families the views look inside. Everything else is `.other` and kept raw.
    public enum Kind: Sendable, Equatable {
        case httpConnectionManager, tcpProxy, upstreamTLS, downstreamTLS, other
    }

    /// The object as it appears in the dump.
    public let json: JSONValue
    /// The `@type` URL (`type.googleapis.com/...`), or nil for an untyped v2 `config` Struct.
    public let typeURL: String?
    /// The type of the carried message without the URL prefix; for a `TypedStruct`, the inner type.
    public let typeName: String?
    /// The object holding the message's fields.
    public let value: JSONValue
    /// True when the message came wrapped in a `TypedStruct`.
    public let isTypedStruct: Bool
    public let kind: Kind

    /// Decodes a `typed_config`-style Any. Returns nil for non-objects.
    public init?(_ json: JSONValue) {
        guard json.isObject else { return nil }
        self.json = json
        let url = json.member(exactly: "@type")?.string
        typeURL = url
        var name = url.map(EnvoyTypedConfig.stripPrefix)
        var value = json
        var wrapped = false
        if let n = name, n == "udpa.type.v1.TypedStruct" || n == "xds.type.v3.TypedStruct" {
            wrapped = true
            if let inner = json["type_url"]?.string { name = EnvoyTypedConfig.stripPrefix(inner) }
            if let v = json["value"], v.isObject { value = v }
        }
        typeName = name
        self.value = value
        isTypedStruct = wrapped
        kind = EnvoyTypedConfig.kind(of: name)
    }

    /// A v2 filter's untyped `config` Struct; the filter name decides what it is.
    public init?(untypedConfig json: JSONValue, filterName: String) {
        guard json.isObject else { return nil }
        self.json = json
        typeURL = nil
        typeName = nil
        value = json
        isTypedStruct = false
        kind = EnvoyTypedConfig.kind(ofFilterName: filterName)
    }

    static func stripPrefix(_ url: String) -> String {
        if let slash = url.lastIndex(of: "/") { return String(url[url.index(after: slash)...]) }
        return url
    }

    static func kind(of typeName: String?) -> Kind {
        guard let t = typeName else { return .other }
        if t.hasSuffix(".HttpConnectionManager") { return .httpConnectionManager }
        if t.hasSuffix(".TcpProxy") { return .tcpProxy }
        if t.hasSuffix(".UpstreamTlsContext") { return .upstreamTLS }
        if t.hasSuffix(".DownstreamTlsContext") { return .downstreamTLS }
        return .other
    }

    static func kind(ofFilterName name: String) -> Kind {
        switch name {
        case EnvoyFilter.httpConnectionManagerName, EnvoyFilter.legacyHTTPConnectionManagerName: .httpConnectionManager
        case EnvoyFilter.tcpProxyName, EnvoyFilter.legacyTCPProxyName: .tcpProxy
        default: .other
        }
    }
}
