/// One event of a watch stream: a JSON line `{"type":"ADDED","object":{...}}`.
///
/// ```swift
/// let e = try WatchEvent(line: Array(#"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"12"}}}"#.utf8))
/// e.type              // .bookmark
/// e.resourceVersion   // "12"
/// ```
public struct WatchEvent: Sendable {
    public enum EventType: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR" }

    public var type: EventType
    /// The object (for `ERROR`, a Status).
    public var object: JSONValue

    public init(line: [UInt8]) throws(JSONShapeError) {
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: line) } catch { throw JSONShapeError("watch event is not JSON: \(error.message)", path: "$") }
        guard let t = doc.root["type"]?.string, let type = EventType(rawValue: t) else {
            throw JSONShapeError("watch event without a known type", path: "$.type")
        }
        guard let object = doc.root["object"], object.isObject else {
            throw JSONShapeError("watch event without an object", path: "$.object")
        }
        self.type = type
        self.object = object
    }

    public var resourceVersion: String? { object["metadata"]?["resourceVersion"]?.string }

    /// For `ERROR` events: the Status inside.
    public var status: KubeStatus? { type == .error ? KubeStatus(object, httpCode: object["code"]?.int ?? 500) : nil }
}

/// Splits a byte stream into newline-terminated lines (watch streams, chunk boundaries
/// anywhere).
public struct LineSplitter: Sendable {
    private var buffer: [UInt8] = []
    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var start = 0
        while let nl = buffer[start...].firstIndex(of: 0x0A) {
            let line = Array(buffer[start..<nl])
            if !line.isEmpty { lines.append(line) }
            start = nl + 1
        }
        buffer.removeFirst(start)
        return lines
    }

    /// Whatever is left without a newline (a final event with no trailing newline).
    public mutating func finish() -> [UInt8]? {
        defer { buffer = [] }
        return buffer.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) ? nil : buffer
    }
}
