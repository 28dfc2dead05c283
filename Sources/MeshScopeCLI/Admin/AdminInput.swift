import MeshModel

/// Reading an Envoy admin capture from `--file`: one stderr line naming the file and the
/// place (line, byte offset or JSON path) when it cannot be decoded, a warning when some
/// lines were skipped.
enum AdminInput {
    static func decode<T>(_ path: String, _ decode: ([UInt8]) throws(AdminDecodeError) -> T) throws(CLIError) -> T {
        try self.decode(bytes: try InputFile.read(path), name: InputFile.displayName(path), decode)
    }

    /// The same for bytes read from elsewhere (a pod through a source); `name` names them in messages.
    static func decode<T>(bytes: [UInt8], name: String, _ decode: ([UInt8]) throws(AdminDecodeError) -> T) throws(CLIError) -> T {
        do {
            return try decode(bytes)
        } catch {
            throw .badInput(name, error.description)
        }
    }

    /// `meshscope: FILE: warning: 2 malformed lines skipped (line 4: …)`; the good lines were printed.
    static func warn(_ path: String, _ malformed: MalformedLines) {
        warn(name: InputFile.displayName(path), malformed)
    }

    static func warn(name: String, _ malformed: MalformedLines) {
        guard let summary = malformed.summary else { return }
        Console.current.error("meshscope: \(name): warning: \(summary)")
    }
}
