#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MeshModel

/// A snapshot file being written: a temporary file next to the final name, renamed over it
/// only by ``commit()``. A crash, an error or an interrupt leaves at most the temporary file
/// (named `.NAME.partial-PID-RANDOM`), never a half-written file under the final name.
///
/// ```swift
/// let f = try SnapshotFile.create(path: "mesh.json.gz", gzip: true)
/// try f.write(chunk)
/// try f.commit()            // or f.abort()
/// ```
public final class SnapshotFile: @unchecked Sendable {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private let gzip: GzipCompressor?
    public private(set) var bytesOnDisk = 0

    private init(path: String, temporaryPath: String, fd: Int32, gzip: GzipCompressor?) {
        self.path = path
        self.temporaryPath = temporaryPath
        self.fd = fd
        self.gzip = gzip
    }

    public struct FileError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func create(path: String, gzip: Bool) throws -> SnapshotFile {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = dir + "/." + url.lastPathComponent + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(message: "\(path): cannot create \(tmp): \(String(cString: strerror(errno)))") }
        return SnapshotFile(path: path, temporaryPath: tmp, fd: fd, gzip: gzip ? try GzipCompressor() : nil)
    }

    public func write(_ chunk: [UInt8]) throws {
        let bytes = try gzip.map { gz throws(GzipError) in try gz.compress(chunk) } ?? chunk
        try writeRaw(bytes)
    }

    private func writeRaw(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw FileError(message: "\(path): already closed") }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(message: "\(path): write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        bytesOnDisk += bytes.count
    }

    /// Finishes compression, syncs, closes and renames onto the final name.
    public func commit() throws {
        if let gz = gzip { try writeRaw(try gz.finish()) }
        guard fsync(fd) == 0 else { throw FileError(message: "\(path): fsync failed: \(String(cString: strerror(errno)))") }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FileError(message: "\(path): cannot rename \(temporaryPath) into place: \(reason)")
        }
    }

    /// Closes and deletes the temporary file; the final name is untouched.
    public func abort() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }

    deinit { if fd >= 0 { close(fd); unlink(temporaryPath) } }

    /// Reads a whole file into memory (one copy), decompressing gzip (detected by its magic number).
    /// `skimAhead`: a gzip snapshot's proxies are skimmed on a second thread while it is
    /// inflated (``SnapshotPreskim/skim(_:)``), for ``SnapshotIndex/init(bytes:name:preskim:)``.
    public static func read(path: String, skimAhead: Bool = false) throws -> (bytes: [UInt8], fileBytes: Int, compressed: Bool, preskim: SnapshotPreskim?) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(message: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(message: "\(path): \(String(cString: strerror(errno)))") }
        let size = Int(st.st_size)
        if size == 0 { return ([], 0, false, nil) }
        let limit = InputLimits.current.maxDocumentBytes
        if size > limit {
            throw FileError(message: "\(path): the file has \(size) bytes, more than allowed " + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size"))
        }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            var offset = 0
            while offset < size {
                let n = Foundation.read(fd, buf.baseAddress! + offset, size - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    break
                }
                if n == 0 { break }
                offset += n
            }
            count = offset
        }
        if let failure { throw FileError(message: "\(path): read failed: \(failure)") }
        if Gzip.isGzip(bytes) {
            let ahead = PreskimBox()
            var alongside: (@Sendable (GrowingBytes) -> Void)?
            if skimAhead { alongside = { @Sendable growing in ahead.value = SnapshotPreskim.skim(growing) } }
            let out: [UInt8]
            do { out = try Gzip.decompress(bytes, alongside: alongside) } catch {
                throw FileError(message: "\(path): \(error.message)")
            }
            return (out, bytes.count, true, ahead.value)
        }
        return (bytes, bytes.count, false, nil)
    }
}

/// The skim-ahead's result, written by its thread before decompress joins it.
private final class PreskimBox: @unchecked Sendable {
    var value: SnapshotPreskim?
}
