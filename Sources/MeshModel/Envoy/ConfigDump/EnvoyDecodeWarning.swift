/// Something in a config dump that could not be decoded as expected. The decoder keeps
/// going, so one bad section never hides the good ones.
///
/// ```swift
/// dump.warnings.first?.description
/// // "dynamic_active_clusters is not an array at $.configs[1].dynamic_active_clusters"
/// ```
public struct EnvoyDecodeWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A section or entry has the wrong JSON shape; what it held is missing from views.
        case wrongShape
        /// A config whose `@type` no decoder knows; kept as raw JSON, used by no view.
        case unknownType
    }

    public var kind: Kind
    public var message: String
    /// JSON path from the document root, e.g. `$.configs[1].dynamic_active_clusters[3]`.
    public var path: String
    /// Which section it belongs to (affects which views are incomplete), if known.
    public var section: EnvoySectionKind?

    public init(_ kind: Kind, _ message: String, path: String, section: EnvoySectionKind?) {
        self.kind = kind
        self.message = message
        self.path = path
        self.section = section
    }

    public var description: String { "\(message) at \(path)" }
}

/// The document is JSON but not an Envoy `/config_dump`.
public struct EnvoyConfigDumpError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var path: String
    public init(_ message: String, path: String) {
        self.message = message
        self.path = path
    }
    public var description: String { "\(message) at \(path)" }
}
