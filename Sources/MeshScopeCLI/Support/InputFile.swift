#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MeshModel

/// Reads a whole input (a path, or `-` for stdin) as bytes, with errors that name the file.
public enum InputFile {
    /// Display name used in messages: the path, or `<stdin>`.
    public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Reads the whole input; more than ``InputLimits/maxDocumentBytes`` is refused (a
    /// file by its size before reading, stdin as soon as it passes the limit).
    public static func read(_ path: String) throws(CLIError) -> [UInt8] {
        let limit = InputLimits.current.maxDocumentBytes
        if path == "-" {
            if let bytes = Console.current.stdinBytes {
                if bytes.count > limit { throw tooLarge(path, "has \(bytes.count) bytes, more", limit) }
                return try nonEmpty(bytes, path)
            }
            guard let bytes = readAll(fd: 0, sizeHint: 1 << 20, limit: limit) else { throw tooLarge(path, "is larger", limit) }
            return try nonEmpty(bytes, path)
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .badInput(path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .badInput(path, "is a directory, not a file") }
        if Int(st.st_size) > limit { throw tooLarge(path, "has \(st.st_size) bytes, more", limit) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .badInput(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A pipe or device has no size up front: the limit also stops the read.
        guard let bytes = readAll(fd: fd, sizeHint: Int(st.st_size), limit: limit) else { throw tooLarge(path, "is larger", limit) }
        return try nonEmpty(bytes, path)
    }

    /// Parses bytes read from anywhere (a file, a pod through a source) as JSON; `source`
    /// names the input in the error (`meshscope: dump.json: not valid JSON: ...`).
    static func jsonDocument(_ bytes: [UInt8], source: String) throws(CLIError) -> JSONDocument {
        do {
            return try JSONDocument(bytes: bytes)
        } catch {
            throw .badInput(source, "not valid JSON: \(error.description)")
        }
    }

    private static func tooLarge(_ path: String, _ what: String, _ limit: Int) -> CLIError {
        .badInput(displayName(path), "the input \(what) than allowed " + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size"))
    }

    private static func nonEmpty(_ bytes: [UInt8], _ path: String) throws(CLIError) -> [UInt8] {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw .badInput(displayName(path), "empty input")
        }
        return bytes
    }

    /// Everything up to end of file; nil once more than `limit` bytes arrived.
    static func readAll(fd: Int32, sizeHint: Int, limit: Int = .max) -> [UInt8]? {
        // Read straight into uninitialised capacity: zero-filling a 100 MB buffer first
        // cost ~10% of a whole `proxy-config` run.
        var capacity = min(max(sizeHint, 4096), limit) + 1
        var result: [UInt8] = []
        while true {
            var eof = false
            let previous = result
            result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                if !previous.isEmpty {
                    _ = previous.withUnsafeBufferPointer { memcpy(buffer.baseAddress!, $0.baseAddress!, previous.count) }
                }
                var used = previous.count
                while used < capacity {
                    let n = Foundation.read(fd, buffer.baseAddress! + used, capacity - used)
                    if n < 0 {
                        if errno == EINTR { continue }
                        eof = true
                        break
                    }
                    if n == 0 {
                        eof = true
                        break
                    }
                    used += n
                }
                count = used
            }
            if result.count > limit { return nil }
            if eof { return result }
            capacity = min(capacity, limit) * 2 + 1
        }
    }
}
