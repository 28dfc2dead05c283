import Foundation
import MeshModel

/// Why the TUI could not start or load; the CLI prints it as `meshscope: MESSAGE`.
public struct TUIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case badInput, usage, unavailable }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

/// `--file PATH` (repeatable): files from disk, each detected by content and decoded with
/// the CLI's decoders, combined into one ``SourceData``; re-read when a file changes.
/// A file whose size and mtime did not change is not decoded again.
///
/// ```swift
/// let source = FileSource(paths: ["config_dump.json", "clusters.txt", "stats.txt"])
/// var data = try source.load()
/// data = try source.load(previous: data)   // rates for /clusters, /stats and metrics
/// ```
public struct FileSource: Sendable {
    public var paths: [String]
    /// Sparkline length kept per edge.
    static let historyLength = 60

    public init(path: String) { self.paths = [path] }
    public init(paths: [String]) { self.paths = paths }

    public var path: String { paths.first ?? "" }

    /// Modification time and size: a cheap "did it change" check before re-reading.
    public static func stamp(_ path: String) -> (Date, Int)? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let date = attrs[.modificationDate] as? Date else { return nil }
        return (date, (attrs[.size] as? NSNumber)?.intValue ?? 0)
    }

    public func stamp() -> (Date, Int)? { FileSource.stamp(path) }

    /// Every file's stamp, in `paths` order (nil for a missing file).
    public func stamps() -> [(Date, Int)?] { paths.map(FileSource.stamp) }

    static func read(_ path: String) throws(TUIError) -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TUIError(.badInput, "\(path): no such file")
        }
        guard !isDir.boolValue else { throw TUIError(.badInput, "\(path): is a directory, not a file") }
        // Checked before reading: a huge file is refused without being loaded into memory.
        let limit = InputLimits.current.maxDocumentBytes
        if let size = stamp(path)?.1, size > limit {
            throw TUIError(.badInput, "\(path): the input has \(size) bytes, more than allowed "
                + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TUIError(.badInput, "\(path): cannot read file")
        }
        let bytes = [UInt8](data)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw TUIError(.badInput, "\(path): empty input")
        }
        return bytes
    }

    /// Loads every file. With `previous` (the last good load), unchanged files are reused
    /// and changed `/clusters`, `/stats` and metrics files get rates against their last read.
    public func load(previous: SourceData? = nil) throws(TUIError) -> SourceData {
        var out = SourceData(name: paths.map { ($0 as NSString).lastPathComponent }.joined(separator: " + "))
        var total = 0
        var newest: Date?
        for path in paths {
            let st = FileSource.stamp(path)
            let old = previous?.files.first { $0.path == path }
            if let old, let prev = previous, let st, old.modified == st.0, old.byteCount == st.1 {
                // Unchanged: carry the decoded value (and its rates) over.
                Self.carry(old.kind, from: prev, into: &out)
                out.files.append(old)
                total += old.byteCount
                newest = max(newest ?? st.0, st.0)
                continue
            }
            let bytes = try FileSource.read(path)
            total += bytes.count
            let modified = st?.0
            if let modified { newest = max(newest ?? modified, modified) }
            let interval: Double? = {
                guard let m = modified, let o = old?.modified else { return nil }
                let d = m.timeIntervalSince(o)
                return d > 0 ? d : nil
            }()
            let kind = try decode(path, bytes, interval: interval, previous: previous, into: &out)
            out.files.append(LoadedFile(path: path, kind: kind, modified: modified, byteCount: bytes.count))
        }
        out.byteCount = total
        out.producedAt = newest
        return out
    }

    static func carry(_ kind: SourceKind, from p: SourceData, into out: inout SourceData) {
        switch kind {
        case .envoyDump:
            out.envoy = p.envoy
            out.document = out.document ?? p.envoy?.document
        case .ztunnelDump: out.ztunnel = p.ztunnel
        case .proxyStatus: out.proxyStatus = (out.proxyStatus ?? []) + (p.proxyStatus ?? [])
        case .clusters:
            out.hosts = p.hosts
            out.hostRates = p.hostRates
        case .stats:
            out.stats = p.stats
            out.previousStats = p.previousStats
            out.statsInterval = p.statsInterval
        case .metrics:
            out.metrics = p.metrics
            out.edges = p.edges
            out.edgeHistory = p.edgeHistory
        case .json: out.document = out.document ?? p.document
        }
        if out.document == nil { out.document = p.document }
    }

    private func decode(_ path: String, _ bytes: [UInt8], interval: Double?, previous: SourceData?, into out: inout SourceData) throws(TUIError) -> SourceKind {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        if first == 0x7B || first == 0x5B {
            let doc: JSONDocument
            do { doc = try JSONDocument(bytes: bytes) } catch { throw TUIError(.badInput, "\(path): \(error)") }
            let kind = SourceDetection.kind(of: doc)
            switch kind {
            case .envoyDump:
                do {
                    let dump = try EnvoyConfigDump(document: doc)
                    out.envoy = dump
                    out.warnings += dump.warnings.map { "\(path): \($0.description)" }
                } catch {
                    throw TUIError(.badInput, "\(path): \(error.description)")
                }
            case .ztunnelDump:
                let dump = ZtunnelDump.decode(doc)
                out.ztunnel = ZtunnelIndex(dump)
                out.warnings += dump.issues.map { "\(path): \($0)" }
            case .proxyStatus:
                let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let syncz = IstiodSyncz.decode(doc, istiod: base)
                out.proxyStatus = (out.proxyStatus ?? []) + syncz.proxies
                out.warnings += syncz.issues.map { "\(path): \($0)" }
            case .clusters:
                try decodeClusters(path, bytes, interval: interval, previous: previous, into: &out)
            case .stats:
                try decodeStats(path, bytes, interval: interval, previous: previous, into: &out)
            case .metrics, .json:
                break
            }
            if out.document == nil || kind == .envoyDump { out.document = doc }
            return kind
        }
        let kind = SourceDetection.textKind(bytes)
        switch kind {
        case .clusters: try decodeClusters(path, bytes, interval: interval, previous: previous, into: &out)
        case .metrics:
            let text = PrometheusText.parse(bytes)
            if text.malformedCount > 0, let f = text.malformed.first {
                out.warnings.append("\(path): skipped \(text.malformedCount) malformed line\(text.malformedCount == 1 ? "" : "s") (first at line \(f.line): \(f.reason))")
            }
            let before = interval == nil ? nil : previous?.metrics
            let edges = TrafficEdges.build(current: text, previous: before, interval: before == nil ? nil : interval)
            out.metrics = text
            out.edges = edges
            var history = previous?.edgeHistory ?? [:]
            for e in edges {
                guard let r = e.rates else { continue }
                let key = SourceData.edgeKey(e)
                var h = history[key] ?? []
                h.append(r.requests ?? (r.sent + r.received))
                if h.count > FileSource.historyLength { h.removeFirst(h.count - FileSource.historyLength) }
                history[key] = h
            }
            out.edgeHistory = history
        default: try decodeStats(path, bytes, interval: interval, previous: previous, into: &out)
        }
        return kind
    }

    private func decodeClusters(_ path: String, _ bytes: [UInt8], interval: Double?, previous: SourceData?, into out: inout SourceData) throws(TUIError) {
        do {
            let c = try EnvoyClusters.decode(bytes)
            out.hosts = c
            if let interval, let before = previous?.hosts { out.hostRates = EndpointHostsTable.Rates(previous: before, interval: interval) }
        } catch {
            throw TUIError(.badInput, "\(path): \(error)")
        }
    }

    private func decodeStats(_ path: String, _ bytes: [UInt8], interval: Double?, previous: SourceData?, into out: inout SourceData) throws(TUIError) {
        do {
            let s = try StatsSnapshot.decode(bytes)
            out.stats = s
            if let interval, let before = previous?.stats {
                out.previousStats = before
                out.statsInterval = interval
            }
        } catch {
            throw TUIError(.badInput, "\(path): \(error)")
        }
    }
}
