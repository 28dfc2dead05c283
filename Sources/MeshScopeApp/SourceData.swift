import Foundation
import MeshModel

/// The data the views read: an immutable snapshot of what the source delivered.
/// Today that is one JSON document (`--file DUMP`); live sources add fields here.
///
/// ```swift
/// let data = SourceData(name: "config_dump.json", document: try JSONDocument(bytes: bytes))
/// try data.requireDocument().root["configs"]?.count
/// ```
public struct SourceData: Sendable {
    /// What the data came from, for the header (`dump.json`, `demo`, a context name).
    public var name: String
    /// The loaded document (`--file`).
    public var document: JSONDocument?
    /// Size of the raw input in bytes.
    public var byteCount: Int
    /// When the source produced this data (file mtime, poll time).
    public var producedAt: Date?

    public init(name: String, document: JSONDocument? = nil, byteCount: Int = 0, producedAt: Date? = nil) {
        self.name = name
        self.document = document
        self.byteCount = byteCount == 0 ? (document?.bytes.count ?? 0) : byteCount
        self.producedAt = producedAt
    }

    public static let empty = SourceData(name: "")

    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public func requireDocument() throws(Unavailable) -> JSONDocument {
        guard let document else { throw Unavailable(description: "no document loaded (start with --file DUMP)") }
        return document
    }
}

/// Where data comes from and how fresh it is: what the header shows.
public struct SourceInfo: Sendable, Equatable {
    public enum Kind: String, Sendable { case file, snapshot, demo, cluster }
    public var kind: Kind
    /// `file config_dump.json`, a kube context...
    public var label: String
    public var context: String
    /// How often the runtime re-reads the source.
    public var refreshInterval: TimeInterval
    /// Snapshots and file dumps cannot be written back.
    public var supportsSnapshots: Bool

    public init(kind: Kind, label: String, context: String = "-", refreshInterval: TimeInterval = 2, supportsSnapshots: Bool = false) {
        self.kind = kind
        self.label = label
        self.context = context
        self.refreshInterval = refreshInterval
        self.supportsSnapshots = supportsSnapshots
    }
}
