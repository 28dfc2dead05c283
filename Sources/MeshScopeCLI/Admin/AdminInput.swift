import MeshModel

/// Reading an Envoy admin capture from `--file`: one stderr line naming the file and the
/// place (line, byte offset or JSON path) when it cannot be decoded, a warning when some
/// lines were skipped.
enum AdminInput {
    static func decode<T>(_ path: String, _ decode: ([UInt8]) throws(AdminDecodeError) -> T) throws(CLIError) -> T {
        let bytes = try InputFile.read(path)
        do {
            return try decode(bytes)
        } catch {
            throw .badInput(InputFile.displayName(path), error.description)
        }
    }

    /// `meshscope: FILE: warning: 2 malformed lines skipped (line 4: …)`; the good lines were printed.
    static func warn(_ path: String, _ malformed: MalformedLines) {
        guard let summary = malformed.summary else { return }
        Console.current.error("meshscope: \(InputFile.displayName(path)): warning: \(summary)")
    }
}
