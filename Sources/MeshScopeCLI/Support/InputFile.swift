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
        let fd = try openFile(path, limit: limit)
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
        // A pipe or device has no size up front: the limit also stops the read.
        guard let bytes = readAll(fd: fd, sizeHint: size, limit: limit) else { throw tooLarge(path, "is larger", limit) }
        return try nonEmpty(bytes, path)
    }

    /// Calls `body` with each line of the input (split at `\n`, the newline left out), as
    /// ``FlowIngest/forEachLine(_:_:)`` on what ``read(_:)`` returns: the same checks, the
    /// same errors (an input of blanks is still "empty input", said after its lines). A file
    /// is read a megabyte at a time into one buffer instead of whole: a log of a gigabyte
    /// costs a megabyte of memory, and reading it whole faulted in a fresh page every 4 KB.
    /// stdin is read whole, as ``read(_:)`` reads it.
    /// `chunk`: the first read's size (tests and the fuzz suite make it tiny, so every
    /// boundary case is met on small inputs).
    public static func forEachLine(_ path: String, chunk: Int = 1 << 20, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(CLIError) {
        if path == "-" {
            FlowIngest.forEachLine(try read(path), body)
            return
        }
        let limit = InputLimits.current.maxDocumentBytes
        let fd = try openFile(path, limit: limit)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(1, chunk))
        // The unfinished line at the front of the buffer, carried into the next read.
        var held = 0
        var total = 0
        var content = false
        func lines(_ b: UnsafeBufferPointer<UInt8>) {
            // Only the first line with something in it is looked at byte by byte.
            if !content { content = b.contains { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 } }
            body(b)
        }
        while true {
            if held == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + held, $0.count - held) }
            if n < 0, errno == EINTR { continue }
            // A read error ends the input, as in ``readAll(fd:sizeHint:limit:)``.
            if n <= 0 { break }
            total += n
            // A file that grew past its size at `stat`.
            if total > limit { throw tooLarge(path, "is larger", limit) }
            let filled = held + n
            held = buffer.withUnsafeMutableBufferPointer { b in
                let done = FlowIngest.forEachTerminatedLine(UnsafeBufferPointer(rebasing: b[0..<filled]), lines)
                let rest = filled - done
                if rest > 0, done > 0, let base = b.baseAddress { memmove(base, base + done, rest) }
                return rest
            }
        }
        if held > 0 { buffer.withUnsafeBufferPointer { lines(UnsafeBufferPointer(rebasing: $0[0..<held])) } }
        if !content { throw .badInput(displayName(path), "empty input") }
    }

    /// The file at `path` opened for reading, after the checks ``read(_:)`` makes first.
    private static func openFile(_ path: String, limit: Int) throws(CLIError) -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .badInput(path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .badInput(path, "is a directory, not a file") }
        if Int(st.st_size) > limit { throw tooLarge(path, "has \(st.st_size) bytes, more", limit) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .badInput(path, "cannot open: \(String(cString: strerror(errno)))") }
        return fd
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
