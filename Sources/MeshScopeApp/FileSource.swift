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

/// `--file DUMP`: one JSON document from disk, re-read when the file changes.
public struct FileSource: Sendable {
    public var path: String

    public init(path: String) { self.path = path }

    /// Modification time and size: a cheap "did it change" check before re-reading.
    public func stamp() -> (Date, Int)? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let date = attrs[.modificationDate] as? Date else { return nil }
        return (date, (attrs[.size] as? NSNumber)?.intValue ?? 0)
    }

    public func load() throws(TUIError) -> SourceData {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TUIError(.badInput, "\(path): no such file")
        }
        guard !isDir.boolValue else { throw TUIError(.badInput, "\(path): is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TUIError(.badInput, "\(path): cannot read file")
        }
        let bytes = [UInt8](data)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw TUIError(.badInput, "\(path): empty input")
        }
        do {
            let doc = try JSONDocument(bytes: bytes)
            return SourceData(name: (path as NSString).lastPathComponent, document: doc, byteCount: bytes.count, producedAt: stamp()?.0)
        } catch {
            throw TUIError(.badInput, "\(path): \(error)")
        }
    }
}
