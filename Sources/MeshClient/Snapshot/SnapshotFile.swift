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
    private let gzip: GzipMemberWriter?
    public private(set) var bytesOnDisk = 0

    private init(path: String, temporaryPath: String, fd: Int32, gzip: GzipMemberWriter?) {
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
        return SnapshotFile(path: path, temporaryPath: tmp, fd: fd, gzip: gzip ? try GzipMemberWriter() : nil)
    }

    /// Writes `chunk`; compressed, each chunk is a gzip member of its own, tagged with the
    /// response it holds alone (``GzipMembers``), so readers can step over it.
    public func write(_ chunk: SnapshotWriter.Chunk) throws {
        let bytes = try gzip.map { gz throws(GzipError) in try gz.member(chunk.bytes, tag: chunk.responses) } ?? chunk.bytes
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

    /// Syncs, closes and renames onto the final name.
    public func commit() throws {
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

    /// `path` opened for reading, with its size; refused when larger than `--max-document-size`.
    /// The caller closes it.
    private static func openSized(_ path: String) throws -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(message: "\(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileError(message: "\(path): \(reason)")
        }
        let size = Int(st.st_size)
        let limit = InputLimits.current.maxDocumentBytes
        if size > limit {
            close(fd)
            throw FileError(message: "\(path): the file has \(size) bytes, more than allowed " + InputLimits.hint(InputLimits.sizeText(limit), flag: "--max-document-size"))
        }
        return (fd, size)
    }

    /// Reads a whole file into memory (one copy), decompressing gzip (detected by its magic number).
    /// `skimAhead`: a gzip snapshot's proxies are skimmed on a second thread while it is
    /// inflated (``SnapshotPreskim/skim(_:)``), for ``SnapshotIndex/init(bytes:name:preskim:)``.
    public static func read(path: String, skimAhead: Bool = false) throws -> (bytes: [UInt8], fileBytes: Int, compressed: Bool, preskim: SnapshotPreskim?) {
        let (fd, size) = try openSized(path)
        defer { close(fd) }
        if size == 0 { return ([], 0, false, nil) }
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

extension SnapshotFile {
    /// A snapshot read keeping only what `keep` names (``SnapshotCompactor``): a gzip file is
    /// inflated a chunk at a time (``Gzip/inflateChunks(_:limits:chunkSize:skip:_:)``) and a plain one read
    /// so, and neither is ever held whole. `bytes` is nil when the compactor gave up on
    /// something it does not expect: the caller then reads the file whole
    /// (``read(path:skimAhead:)``), whose reader says what is wrong and where.
    ///
    /// ```swift
    /// let r = try SnapshotFile.readCompacted(path: "mesh.json.gz", keep: keep)
    /// r.bytes?.count     // a tenth of the file, for `check`
    /// ```
    public static func readCompacted(path: String, keep: SnapshotKeep, chunkSize: Int = 4 << 20)
        throws -> (bytes: [UInt8]?, fileBytes: Int, compressed: Bool, leftOut: Set<String>) {
        let (fd, size) = try openSized(path)
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: max(2, chunkSize))
        var offset = 0
        /// Fills `chunk` as far as the file goes: how many bytes it holds (less than its size
        /// only at the end of the file).
        func fill() throws -> Int {
            var have = 0
            while have < chunk.count {
                let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + have, $0.count - have) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw FileError(message: "\(path): read failed: \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                have += n
                offset += n
            }
            return have
        }
        let head = try fill()
        let compressed = head >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B
        // What `check` keeps of a 6,000-proxy snapshot is 1.7 times the compressed file
        // (reserved, not touched: a smaller result costs no memory for it).
        let compactor = SnapshotCompactor(keep: keep, reserving: compressed ? min(size, 256 << 20) * 2 : 0)
        if compressed {
            // The compressed file is held (a twelfth of the document); its output never is.
            var file = [UInt8]()
            file.reserveCapacity(size)
            file.append(contentsOf: chunk[0..<head])
            while head == chunk.count, case let n = try fill(), n > 0 {
                file.append(contentsOf: chunk[0..<n])
                if n < chunk.count { break }
            }
            // Responses stored alone that `keep` leaves out are stepped over, never inflated
            // (a 6,000-proxy snapshot's config dumps: a third of the document).
            let skipped: Set<String>
            do {
                skipped = try Gzip.inflateChunks(file, chunkSize: chunkSize, skip: { keep.leavesOut(member: $0, before: $1) }) { compactor.feed($0) }
            } catch {
                throw FileError(message: "\(path): \(error.message)")
            }
            let stepped = skipped.flatMap { SnapshotMemberTag.parse($0)?.keys ?? [] }
            return (compactor.finish(), offset, true, compactor.leftOut.union(stepped))
        }
        var n = head
        while n > 0 {
            guard chunk.withUnsafeBufferPointer({ compactor.feed(UnsafeBufferPointer(rebasing: $0[0..<n])) }) else { break }
            n = n < chunk.count ? 0 : try fill()
        }
        return (compactor.finish(), offset, false, compactor.leftOut)
    }
}

/// The skim-ahead's result, written by its thread before decompress joins it.
private final class PreskimBox: @unchecked Sendable {
    var value: SnapshotPreskim?
}
