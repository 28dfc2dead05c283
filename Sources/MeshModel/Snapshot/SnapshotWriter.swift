import Foundation

/// Streams a snapshot document to a sink, section by section, so a snapshot of thousands of
/// proxies is never held whole in memory: each proxy's responses are written (redacted, see
/// ``SnapshotRedaction``) and dropped before the next one arrives.
///
/// ```swift
/// var w = SnapshotWriter { chunk in try file.write(chunk) }   // chunk.bytes, chunk.responses
/// try w.begin(metadata)
/// try w.kubernetes(resources: catalog, objects: [("pods", podValues)])
/// try w.proxy(SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar",
///                                  responses: ["serverInfo": response]))
/// try w.finish(completedAt: Date(), failures: [], summary: .object([]))
/// ```
public struct SnapshotWriter {
    public typealias Sink = (Chunk) throws -> Void

    /// Bytes of the document, in order. Large JSON proxy responses (at least ``aloneBytes``
    /// each, not their section's first) come in a chunk of their own, `,"KEY":VALUE` (one or
    /// more, side by side), named by `responses`: the document without that chunk is still
    /// whole, so a gzip file stores it as a tagged member that readers can step over
    /// (docs/snapshot-format.md).
    public struct Chunk: Sendable {
        public var bytes: [UInt8]
        /// `section/key[,key…]`: the responses this chunk holds alone; nil for any other chunk.
        public var responses: String?

        public init(bytes: [UInt8], responses: String? = nil) {
            self.bytes = bytes
            self.responses = responses
        }
    }

    /// JSON responses at least this large travel alone (config dumps, a large `/clusters`):
    /// smaller ones are not worth a gzip member's header and a fresh compression window.
    /// Neighbours travel together (a proxy's dump and istiod's view of it compress a third
    /// better side by side). Text responses (metrics) never do: nearly every reader reads
    /// them, and alone each would compress worse (a 6,000-proxy snapshot grew by a fifth).
    public static let aloneBytes = 8 << 10

    /// One proxy's entry.
    public struct Proxy: Sendable {
        public var name: String
        public var namespace: String
        public var kind: String
        public var node: String
        public var ip: String
        /// Latest responses by key (``SnapshotFormat/responseKinds``).
        public var responses: [String: SnapshotResponse]
        /// Earlier samples kept for rates (metrics text).
        public var earlier: [String: SnapshotResponse]
        public var summary: JSONTree?

        public init(name: String, namespace: String, kind: String, node: String = "", ip: String = "",
                    responses: [String: SnapshotResponse] = [:], earlier: [String: SnapshotResponse] = [:], summary: JSONTree? = nil) {
            self.name = name
            self.namespace = namespace
            self.kind = kind
            self.node = node
            self.ip = ip
            self.responses = responses
            self.earlier = earlier
            self.summary = summary
        }
    }

    private let sink: Sink
    private var buffer: [UInt8] = []
    private let flushThreshold: Int
    private var proxiesWritten = 0
    private var state = State.start

    private enum State { case start, metadata, kubernetes, proxies, finished }

    public private(set) var bytesWritten = 0
    public private(set) var redactions = SnapshotRedactions()

    public init(flushThreshold: Int = 1 << 20, sink: @escaping Sink) {
        self.sink = sink
        self.flushThreshold = flushThreshold
    }

    private mutating func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    private mutating func flushIfNeeded() throws {
        if buffer.count >= flushThreshold { try flush() }
    }

    public mutating func flush() throws { try flush(responses: nil) }

    private mutating func flush(responses: String?) throws {
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer.removeAll(keepingCapacity: true)
        bytesWritten += chunk.count
        try sink(Chunk(bytes: chunk, responses: responses))
    }

    private mutating func node(_ n: JSONTree) {
        var w = JSONWriter(indent: 0)
        w.write(n)
        // indent 0 still breaks lines; keep them (harmless) but drop the indentation cost.
        buffer.append(contentsOf: w.take())
    }

    public mutating func begin(_ metadata: SnapshotMetadata) throws {
        precondition(state == .start, "begin once")
        append("{\"\(SnapshotFormat.versionKey)\":\(SnapshotFormat.version),\n\"metadata\":")
        node(metadata.output)
        state = .metadata
        try flushIfNeeded()
    }

    /// The Kubernetes section: the resource types (as discovery described them, so `get vs`
    /// resolves offline) and the objects by qualified resource name, each one redacted; and
    /// `forbidden`, what the user could not read (``ForbiddenAccess``), when anything was refused.
    public mutating func kubernetes(resources: [APIResource], objects: [(String, [JSONValue])], forbidden: [ForbiddenAccess] = []) throws {
        precondition(state == .metadata, "kubernetes after begin")
        append(",\n\"kubernetes\":{\"apiResources\":[")
        for (n, r) in resources.enumerated() {
            if n > 0 { append(",") }
            node(.object([
                ("group", .string(r.group)), ("version", .string(r.version)), ("name", .string(r.name)),
                ("singularName", .string(r.singularName)), ("kind", .string(r.kind)), ("namespaced", .bool(r.namespaced)),
                ("verbs", .array(r.verbs.map { .string($0) })), ("shortNames", .array(r.shortNames.map { .string($0) })),
                ("categories", .array(r.categories.map { .string($0) })),
            ]))
        }
        append("],\n\"objects\":{")
        for (n, (name, items)) in objects.enumerated() {
            if n > 0 { append(",") }
            JSONWriter.appendString(name, to: &buffer)
            append(":[")
            var first = true
            for item in items {
                if item["kind"]?.string == "Secret" {
                    redactions.secrets += 1
                    continue
                }
                if !first { append(",") }
                first = false
                append("\n")
                var c = SnapshotRedaction.Copier(mode: .kubernetes)
                c.copy(item)
                buffer.append(contentsOf: c.out)
                add(c.redactions)
                try flushIfNeeded()
            }
            append("]")
        }
        append("}")
        if !forbidden.isEmpty {
            append(",\n\"forbidden\":[")
            for (n, f) in forbidden.enumerated() {
                if n > 0 { append(",") }
                buffer.append(contentsOf: f.tree.compactJSON())
            }
            append("]")
        }
        append("}")
        state = .kubernetes
        try flushIfNeeded()
    }

    private mutating func add(_ r: SnapshotRedactions) {
        redactions.keyMaterial += r.keyMaterial
        redactions.lastAppliedAnnotations += r.lastAppliedAnnotations
        redactions.environmentValues += r.environmentValues
        redactions.secrets += r.secrets
        redactions.managedFields += r.managedFields
    }

    /// Writes one proxy. Returns the keys of responses that should have been JSON and were
    /// not, with the parse error (they are kept as text, as they came).
    @discardableResult
    public mutating func proxy(_ p: Proxy) throws -> [(key: String, error: String)] {
        precondition(state == .kubernetes || state == .proxies, "proxies after kubernetes")
        append(state == .kubernetes ? ",\n\"proxies\":[\n" : ",\n")
        state = .proxies
        proxiesWritten += 1
        append("{\"name\":")
        JSONWriter.appendString(p.name, to: &buffer)
        append(",\"namespace\":")
        JSONWriter.appendString(p.namespace, to: &buffer)
        append(",\"kind\":")
        JSONWriter.appendString(p.kind, to: &buffer)
        append(",\"node\":")
        JSONWriter.appendString(p.node, to: &buffer)
        append(",\"ip\":")
        JSONWriter.appendString(p.ip, to: &buffer)
        var notJSON: [(String, String)] = []
        for (section, responses) in [("admin", p.responses), ("earlier", p.earlier)] where section == "admin" || !responses.isEmpty {
            append(",\n\"\(section)\":{")
            var alone: [String] = []
            for (n, key) in responses.keys.sorted().enumerated() {
                let r = responses[key]!
                let json = SnapshotFormat.responseKinds[key] ?? false
                let large = json && n > 0 && r.body.count >= Self.aloneBytes
                if large && alone.isEmpty {
                    try flush()                  // what came before, in a chunk of its own
                } else if !large && !alone.isEmpty {
                    try flush(responses: SnapshotMemberTag.make(section: section, keys: alone))
                    alone = []
                }
                if large { alone.append(key) }
                if n > 0 { append(",\n") }
                JSONWriter.appendString(key, to: &buffer)
                append(":")
                if let e = response(r, json: json), section == "admin" {
                    notJSON.append((key, e))
                }
            }
            if !alone.isEmpty { try flush(responses: SnapshotMemberTag.make(section: section, keys: alone)) }
            append("}")
        }
        if let summary = p.summary {
            append(",\n\"summary\":")
            node(summary)
        }
        append("}")
        try flushIfNeeded()
        return notJSON
    }

    /// `{"fetchedAt": …, "json": VALUE}` (verbatim, or redacted compact), `{"text": …}` or
    /// `{"base64": …}` for bytes that are not UTF-8. Returns the parse error of a body that
    /// should have been JSON.
    private mutating func response(_ r: SnapshotResponse, json: Bool) -> String? {
        append("{\"fetchedAt\":\"\(SnapshotFormat.time(r.fetchedAt))\",")
        var parseError: String?
        if json {
            var parsed: JSONDocument?
            do { parsed = try JSONDocument(bytes: r.body) } catch { parseError = "not JSON: \(error.description)" }
            if let doc = parsed {
                let root = doc.root
                append("\"json\":")
                // Envoy already redacts its dumps; only key material that is actually there is rewritten.
                if EnvoyRedaction.hasUnredactedKeyMaterial(root) || ByteText.contains(root.rawBytes, SensitiveFields.pemNeedle) {
                    var c = SnapshotRedaction.Copier(mode: .response)
                    c.copy(root)
                    buffer.append(contentsOf: c.out)
                    add(c.redactions)
                } else {
                    buffer.append(contentsOf: root.rawBytes)
                    // Whitespace after the value, so the body reads back byte for byte.
                    let end = root.rawBytes.endIndex
                    if end < r.body.count {
                        append(",\"trailing\":")
                        JSONWriter.appendString(String(decoding: r.body[end...], as: UTF8.self), to: &buffer)
                    }
                }
                append("}")
                return nil
            }
        }
        if let text = String(validating: r.body, as: UTF8.self) {
            let (clean, n) = SnapshotRedaction.scrubPEM(text)
            redactions.keyMaterial += n
            append("\"text\":")
            JSONWriter.appendString(clean, to: &buffer)
        } else if !ByteText.contains(r.body[...], SensitiveFields.pemNeedle) {
            append("\"base64\":\"\(Data(r.body).base64EncodedString())\"")
        } else {
            redactions.keyMaterial += 1
            append("\"text\":\"\(SnapshotRedaction.redactedKey)\"")
        }
        append("}")
        return parseError
    }

    /// Closes the proxies list and writes what the collection found; flushes everything.
    public mutating func finish(completedAt: Date, failures: [SnapshotFailure], summary: JSONTree) throws {
        precondition(state != .finished && state != .start, "finish once, after begin")
        if state == .metadata { append(",\n\"kubernetes\":{\"apiResources\":[],\"objects\":{}}") }
        append(state == .proxies ? "\n],\n" : ",\n\"proxies\":[],\n")
        append("\"collection\":")
        node(.object([
            ("completedAt", .string(SnapshotFormat.time(completedAt))),
            ("proxies", .int(proxiesWritten)),
            ("failures", .array(failures.map(\.output))),
            ("redactions", redactions.output),
        ]))
        append(",\n\"summary\":")
        node(summary)
        append("}\n")
        state = .finished
        try flush()
    }
}

/// The name of a chunk of responses stored alone (``SnapshotWriter/Chunk/responses``), the tag
/// of its gzip member: `SECTION/KEY[,KEY…]` (docs/snapshot-format.md). Written and read here only.
///
/// ```swift
/// SnapshotMemberTag.make(section: "admin", keys: ["configDump", "istiodConfigDump"])  // "admin/configDump,istiodConfigDump"
/// SnapshotMemberTag.parse("admin/configDump")?.keys                                    // ["configDump"]
/// ```
public enum SnapshotMemberTag {
    public static func make(section: String, keys: [String]) -> String { section + "/" + keys.joined(separator: ",") }

    /// The section and keys; nil for a tag that names no key.
    public static func parse(_ tag: String) -> (section: String, keys: [String])? {
        guard let slash = tag.firstIndex(of: "/") else { return nil }
        let keys = tag[tag.index(after: slash)...].split(separator: ",").map(String.init)
        return keys.isEmpty ? nil : (String(tag[..<slash]), keys)
    }
}
