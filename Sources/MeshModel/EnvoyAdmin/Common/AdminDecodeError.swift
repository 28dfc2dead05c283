/// Why an Envoy admin output (`/clusters`, `/stats`, `/certs`, `/server_info`) could not be
/// decoded at all, and where: a line number for text forms, a byte offset or JSON path for JSON.
///
/// ```swift
/// do { _ = try EnvoyClusters.decode(bytes) }
/// catch { print(error) }   // "line 3: expected CLUSTER::HOST::STAT::VALUE, got \"garbage\""
/// ```
public struct AdminDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// One-based line of a text input.
    public var line: Int?
    /// Zero-based byte offset of a JSON input.
    public var byteOffset: Int?
    /// JSON path of the offending value, e.g. `$.cluster_statuses[2].host_statuses`.
    public var path: String?

    public init(_ message: String, line: Int? = nil, byteOffset: Int? = nil, path: String? = nil) {
        self.message = message
        self.line = line
        self.byteOffset = byteOffset
        self.path = path
    }

    init(_ error: JSONParseError) {
        self.init(error.description, line: error.line, byteOffset: error.offset, path: error.path)
    }

    init(_ error: JSONShapeError) {
        self.init(error.message, path: error.path)
    }

    public var description: String {
        if let line, byteOffset == nil { return "line \(line): \(message)" }
        if let path, byteOffset == nil { return "\(path): \(message)" }
        return message
    }
}

/// Lines of a text admin output that did not parse. They are skipped, counted and reported
/// (as a warning) so one bad line never hides the rest.
public struct MalformedLines: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var line: Int
        public var reason: String
    }

    /// The first ``keep`` entries, in line order.
    public private(set) var entries: [Entry] = []
    /// How many lines were skipped in total.
    public private(set) var count = 0
    static let keep = 100

    public init() {}

    public var isEmpty: Bool { count == 0 }

    mutating func add(line: Int, _ reason: String) {
        count += 1
        if entries.count < MalformedLines.keep { entries.append(Entry(line: line, reason: reason)) }
    }

    /// Counts bad lines whose details were not kept.
    mutating func addUnlisted(_ n: Int) {
        if n > 0 { count += n }
    }

    /// One line for stderr: `2 malformed lines skipped (line 4: …; line 9: …)`, or nil when clean.
    public var summary: String? {
        guard count > 0 else { return nil }
        let shown = entries.prefix(3).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
        let more = count > 3 ? "; …" : ""
        return "\(count) malformed line\(count == 1 ? "" : "s") skipped (\(shown)\(more))"
    }
}
