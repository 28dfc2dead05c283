import CZlib
import Foundation
import MeshModel

/// gzip through the system zlib: a streaming compressor (snapshots are written in chunks)
/// and a whole-buffer decompressor (a snapshot is indexed in memory anyway).
///
/// ```swift
/// var gz = try GzipCompressor(level: 6)
/// var out = try gz.compress(Array("hello".utf8))
/// out += try gz.finish()
/// try Gzip.decompress(out)      // "hello"
/// ```
public struct GzipError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A zlib deflate stream, ended and freed with its owner. zlib keeps a pointer back to its
/// stream, so it lives at a fixed address.
final class DeflateStream {
    let pointer: UnsafeMutablePointer<z_stream>

    /// `gzip`: zlib writes the gzip header and trailer; otherwise raw deflate.
    init(level: Int32, gzip: Bool) throws(GzipError) {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let rc = gzip ? meshscope_deflate_init_gzip(pointer, level) : meshscope_deflate_init_raw(pointer, level)
        guard rc == Z_OK else {
            pointer.deallocate()
            throw GzipError(message: "zlib deflateInit2 failed (\(rc))")
        }
    }

    deinit {
        deflateEnd(pointer)
        pointer.deallocate()
    }
}

public final class GzipCompressor {
    private let owner: DeflateStream
    private var stream: UnsafeMutablePointer<z_stream> { owner.pointer }
    private var finished = false
    private var outBuffer = [UInt8](repeating: 0, count: 256 * 1024)

    public init(level: Int32 = 6) throws(GzipError) {
        owner = try DeflateStream(level: level, gzip: true)
    }

    /// Compresses `chunk`; returns whatever compressed bytes are ready.
    public func compress(_ chunk: [UInt8]) throws(GzipError) -> [UInt8] {
        try run(chunk, flush: Z_NO_FLUSH)
    }

    /// Flushes the rest and the gzip trailer.
    public func finish() throws(GzipError) -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return try run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) throws(GzipError) -> [UInt8] {
        var result: [UInt8] = []
        var failure: Int32?
        var input = input
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.pointee.next_in = inBuf.baseAddress
            stream.pointee.avail_in = UInt32(inBuf.count)
            outBuffer.withUnsafeMutableBufferPointer { outBuf in
                repeat {
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = UInt32(outBuf.count)
                    let rc = deflate(stream, flush)
                    if rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR { failure = rc; return }
                    result.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.pointee.avail_out))])
                    if rc == Z_STREAM_END { return }
                } while stream.pointee.avail_out == 0 || (flush == Z_FINISH)
            }
        }
        stream.pointee.next_in = nil
        if let failure { throw GzipError(message: "zlib deflate failed (\(failure))") }
        return result
    }
}

public enum Gzip {
    /// Whether `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// Output size past which ``InputLimits/maxDecompressionRatio`` applies: small inputs
    /// may compress extremely well (a file of spaces), large real ones do not.
    public static let ratioThreshold = 64 << 20

    /// The decompressed size the last member's trailer records (ISIZE, the size modulo 4 GiB),
    /// trusted only as far as 32 times the compressed size (JSON compresses about 12×): a
    /// 724 MB snapshot grown by doubling held its 512 MB and 1 GB buffers at once while
    /// copying (1.1 GB peak); reserved at its size it holds one. A wrong claim costs at most
    /// that reservation, whose untouched pages take no memory, and the limits still apply.
    /// A file of meshscope's members (``GzipMembers``) says every member's size, so the
    /// document's whole size is known there too.
    static func sizeHint(_ input: [UInt8]) -> Int {
        let n = input.count
        guard n >= 18 else { return 0 }
        let size = input.withUnsafeBufferPointer(GzipMembers.inflatedSize)
            ?? Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return min(size, min(n, Int.max / 32) * 32)
    }

    /// The output sizes past which inflating stops: `limits.maxDecompressedBytes`, and (past
    /// ``ratioThreshold``) `limits.maxDecompressionRatio` times the compressed size.
    static func bounds(_ compressed: Int, _ limits: InputLimits) -> (maxBytes: Int, maxForRatio: Int) {
        let maxBytes = max(0, limits.maxDecompressedBytes)
        let (ratioBytes, overflow) = max(1, compressed).multipliedReportingOverflow(by: max(1, limits.maxDecompressionRatio))
        return (maxBytes, overflow ? Int.max : max(ratioBytes, ratioThreshold))
    }

    /// Why `total` decompressed bytes are too many, or nil.
    static func overLimit(_ total: Int, _ maxBytes: Int, _ maxForRatio: Int, _ compressed: Int, _ limits: InputLimits) -> String? {
        if total > maxBytes {
            return "the decompressed data is larger than allowed " + InputLimits.hint(InputLimits.sizeText(maxBytes), flag: "--max-decompressed-size")
        }
        if total > maxForRatio {
            return "expands more than \(limits.maxDecompressionRatio) times its \(compressed) compressed bytes (a gzip bomb?) " + InputLimits.hint(String(limits.maxDecompressionRatio), flag: "--max-decompression-ratio")
        }
        return nil
    }

    static func corrupt(_ rc: Int32, at: Int) -> String {
        rc == Z_BUF_ERROR ? "the gzip data ends early (after \(at) compressed bytes)" : "corrupt gzip data near compressed byte \(at) (zlib \(rc))"
    }

    /// Inflates a gzip file (concatenated members too) a chunk at a time: zlib fills the next
    /// chunk on a thread of its own while `consume` reads the last one on the calling thread,
    /// so a reader that keeps little (``SnapshotCompactor``) holds a few chunks, never the
    /// whole output. `consume` returning false stops inflating. Limits as ``decompress(_:limits:alongside:)``.
    ///
    /// `skip` is asked of every tagged member (``GzipMembers``) before it is inflated, with
    /// its tag and how many members with that tag came before it; a member it answers true
    /// for is stepped over, never inflated. Returns the tags stepped over.
    ///
    /// ```swift
    /// try Gzip.inflateChunks(file) { chunk in compactor.feed(chunk) }
    /// try Gzip.inflateChunks(file, skip: { tag, _ in tag == "admin/configDump" }) { compactor.feed($0) }
    /// ```
    @discardableResult
    public static func inflateChunks(_ input: [UInt8], limits: InputLimits = .current, chunkSize: Int = 4 << 20,
                                     skip: (@Sendable (_ tag: String, _ before: Int) -> Bool)? = nil,
                                     _ consume: (UnsafeBufferPointer<UInt8>) -> Bool) throws(GzipError) -> Set<String> {
        let pipe = InflatePipe(slots: 3, size: max(1, chunkSize))
        let (maxBytes, maxForRatio) = bounds(input.count, limits)
        let joined = DispatchSemaphore(value: 0)
        let thread = Thread {
            pipe.end(failure: produce(input, into: pipe, limits: limits, maxBytes: maxBytes, maxForRatio: maxForRatio, skip: skip))
            joined.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        while let (slot, count) = pipe.takeReady() {
            let more = consume(UnsafeBufferPointer(start: pipe.slots[slot].baseAddress, count: count))
            pipe.giveBack(slot)
            if !more {
                pipe.stop()
                break
            }
        }
        joined.wait()
        if let failure = pipe.failure { throw GzipError(message: failure) }
        return pipe.skipped
    }

    /// The producer of ``inflateChunks(_:limits:chunkSize:skip:_:)``: fills free slots, hands them over
    /// full (the last one as far as it got); the failure, if any.
    private static func produce(_ input: [UInt8], into pipe: InflatePipe, limits: InputLimits, maxBytes: Int, maxForRatio: Int,
                                skip: (@Sendable (String, Int) -> Bool)?) -> String? {
        input.withUnsafeBufferPointer { inBuf -> String? in
            var offset = 0
            var total = 0
            var slot: Int?
            var filled = 0
            var tagged: [String: Int] = [:]
            defer { if let slot { pipe.put(slot, count: filled) } }
            while offset < inBuf.count {
                if let skip, let tag = GzipMembers.header(inBuf, at: offset).flatMap({ h in h.tag.map { (h.length, $0) } }) {
                    let before = tagged[tag.1, default: 0]
                    tagged[tag.1] = before + 1
                    if skip(tag.1, before) {
                        pipe.skipped.insert(tag.1)
                        offset += tag.0
                        while offset < inBuf.count && inBuf[offset] == 0 { offset += 1 }
                        continue
                    }
                }
                let sp = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
                sp.initialize(to: z_stream())
                defer { sp.deallocate() }
                guard meshscope_inflate_init_auto(sp) == Z_OK else { return "zlib inflateInit2 failed" }
                defer { inflateEnd(sp) }
                // A gzip member's CRC-32 is computed here, folded (``GzipTrailer``), not by zlib.
                var trailer = GzipTrailer.starting(UnsafeBufferPointer(rebasing: inBuf[offset...]))
                if trailer != nil { guard meshscope_inflate_unchecked(sp) == Z_OK else { return "zlib inflateValidate failed" } }
                sp.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + offset)
                sp.pointee.avail_in = UInt32(min(inBuf.count - offset, Int(UInt32.max)))
                while true {
                    if slot == nil {
                        guard let free = pipe.takeFree() else { return nil }   // the reader stopped
                        slot = free
                        filled = 0
                    }
                    let buffer = pipe.slots[slot!]
                    sp.pointee.next_out = buffer.baseAddress! + filled
                    sp.pointee.avail_out = UInt32(min(buffer.count - filled, Int(UInt32.max)))
                    let asked = Int(sp.pointee.avail_out)
                    let rc = inflate(sp, Z_NO_FLUSH)
                    let produced = asked - Int(sp.pointee.avail_out)
                    trailer?.add(UnsafeBufferPointer(start: buffer.baseAddress! + filled, count: produced))
                    total += produced
                    if let over = overLimit(total, maxBytes, maxForRatio, inBuf.count, limits) { return over }
                    filled += produced
                    if filled == buffer.count {
                        pipe.put(slot!, count: filled)
                        slot = nil
                    }
                    if rc == Z_STREAM_END { break }
                    if rc != Z_OK { return corrupt(rc, at: offset + Int(sp.pointee.total_in)) }
                }
                let memberEnd = offset + Int(sp.pointee.total_in)
                if let trailer, let at = trailer.mismatch(UnsafeBufferPointer(rebasing: inBuf[..<memberEnd])) {
                    return corrupt(Z_DATA_ERROR, at: at)
                }
                offset = memberEnd
                // Trailing zero padding after the last member is allowed.
                while offset < inBuf.count && inBuf[offset] == 0 { offset += 1 }
            }
            return nil
        }
    }

    /// Decompresses a gzip file (concatenated members too).
    ///
    /// Stops at `limits.maxDecompressedBytes` and, once past ``ratioThreshold``, when the
    /// output outgrows `limits.maxDecompressionRatio` times the input: a 2 MB gzip bomb
    /// fails after a few hundred MB instead of filling memory. zlib writes straight into the
    /// result, sized from the trailer (``sizeHint(_:)``): a 724 MB snapshot is not copied
    /// out of a staging chunk. Output past that size (a wrong or multi-member trailer) goes
    /// through a 1 MB chunk and is appended after.
    ///
    /// `alongside`, when given, runs on a thread of its own while zlib inflates, reading the
    /// output as it grows (``GrowingBytes``: published every 4 MB); decompress returns once
    /// it is done. Opening a snapshot skims its proxies there, on the second core.
    public static func decompress(_ input: [UInt8], limits: InputLimits = .current,
                                  alongside: (@Sendable (GrowingBytes) -> Void)? = nil) throws(GzipError) -> [UInt8] {
        let (maxBytes, maxForRatio) = bounds(input.count, limits)
        let capacity = max(0, min(max(min(min(input.count, Int.max / 4) * 4, 256 << 20), sizeHint(input)), maxBytes, maxForRatio))
        var spill: [UInt8] = []
        var chunk: [UInt8] = []
        var failure: String?
        let compressedBytes = input.count
        var out = [UInt8](unsafeUninitializedCapacity: capacity) { direct, directCount in
            directCount = 0
            // The reader beside: started before inflating, joined before the buffer is handed back.
            let growing = alongside == nil ? nil : GrowingBytes()
            let joined = DispatchSemaphore(value: 0)
            if let alongside, let growing {
                let scoped = InputLimits.current
                let thread = Thread {
                    InputLimits.withLimits(scoped) { alongside(growing) }
                    joined.signal()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            defer {
                if let growing {
                    growing.finish()
                    joined.wait()
                }
            }
            // With a reader, zlib writes 4 MB at a time so the reader sees them.
            let step = growing == nil ? Int(UInt32.max) : 4 << 20
            // zlib never writes its input; reading it in place spares a copy of the whole file.
            input.withUnsafeBufferPointer { inBuf in
                var offset = 0
                while offset < inBuf.count && failure == nil {
                    let sp = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
                    sp.initialize(to: z_stream())
                    defer { sp.deallocate() }
                    guard meshscope_inflate_init_auto(sp) == Z_OK else { failure = "zlib inflateInit2 failed"; return }
                    defer { inflateEnd(sp) }
                    var trailer = GzipTrailer.starting(UnsafeBufferPointer(rebasing: inBuf[offset...]))
                    if trailer != nil, meshscope_inflate_unchecked(sp) != Z_OK { failure = "zlib inflateValidate failed"; return }
                    sp.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + offset)
                    sp.pointee.avail_in = UInt32(min(inBuf.count - offset, Int(UInt32.max)))
                    while true {
                        let room = direct.count - directCount
                        let toDirect = room > 0
                        let asked: Int
                        let rc: Int32
                        if toDirect {
                            sp.pointee.next_out = direct.baseAddress! + directCount
                            sp.pointee.avail_out = UInt32(min(room, step))
                            asked = Int(sp.pointee.avail_out)
                            rc = inflate(sp, Z_NO_FLUSH)
                        } else {
                            if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: 1 << 20) }
                            asked = chunk.count
                            rc = chunk.withUnsafeMutableBufferPointer { c in
                                sp.pointee.next_out = c.baseAddress
                                sp.pointee.avail_out = UInt32(c.count)
                                return inflate(sp, Z_NO_FLUSH)
                            }
                        }
                        let produced = asked - Int(sp.pointee.avail_out)
                        if let over = overLimit(directCount + spill.count + produced, maxBytes, maxForRatio, compressedBytes, limits) {
                            failure = over
                            return
                        }
                        if toDirect {
                            trailer?.add(UnsafeBufferPointer(start: direct.baseAddress! + directCount, count: produced))
                            directCount += produced
                            if let growing, let base = direct.baseAddress { growing.publish(UnsafePointer(base), count: directCount) }
                        } else {
                            chunk.withUnsafeBufferPointer { trailer?.add(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                            spill.append(contentsOf: chunk[0..<produced])
                        }
                        if rc == Z_STREAM_END { break }
                        if rc != Z_OK {
                            failure = corrupt(rc, at: offset + Int(sp.pointee.total_in))
                            return
                        }
                    }
                    let memberEnd = offset + Int(sp.pointee.total_in)
                    if let trailer, let at = trailer.mismatch(UnsafeBufferPointer(rebasing: inBuf[..<memberEnd])) {
                        failure = corrupt(Z_DATA_ERROR, at: at)
                        return
                    }
                    offset = memberEnd
                    // Trailing zero padding after the last member is allowed.
                    while offset < inBuf.count && inBuf[offset] == 0 { offset += 1 }
                }
            }
        }
        if let failure { throw GzipError(message: failure) }
        if !spill.isEmpty { out.append(contentsOf: spill) }
        return out
    }
}

/// A gzip member's check values, kept by both inflating loops (``Gzip/inflateChunks(_:limits:chunkSize:skip:_:)``
/// and ``Gzip/decompress(_:limits:alongside:)``): zlib's own CRC-32 (a table a byte at a
/// time, a third of the inflating thread on a 1 GB snapshot) is turned off
/// (`inflateValidate`) and the output's CRC is folded with carry-less multiplication
/// (`meshscope_crc32`, zlib's answer on CPUs without it), then both checks zlib would have made
/// (CRC-32 and ISIZE, the size modulo 4 GiB) are made against the member's trailer.
struct GzipTrailer {
    private var crc: UInt32 = 0
    private var size: UInt32 = 0

    /// A check for the member `input` starts with when it is gzip (nil: zlib's own format,
    /// which zlib checks itself).
    static func starting(_ input: UnsafeBufferPointer<UInt8>) -> GzipTrailer? {
        input.count >= 2 && input[0] == 0x1F && input[1] == 0x8B ? GzipTrailer() : nil
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count > 0 else { return }
        crc = meshscope_crc32(crc, bytes.baseAddress, bytes.count)
        size &+= UInt32(truncatingIfNeeded: bytes.count)
    }

    /// Where a check fails, given the input up to the member's end (its last 8 bytes are the
    /// trailer, which zlib has read past): the offset zlib itself stops at (after the CRC, or
    /// after the size), so the error reads as it did when zlib checked; nil when both agree.
    func mismatch(_ upToEnd: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = upToEnd.count
        guard n >= 18 else { return n }
        func word(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(upToEnd[at + $1]) << (8 * $1) }
        }
        if word(n - 8) != crc { return n - 4 }
        if word(n - 4) != size { return n }
        return nil
    }
}

/// The chunks between ``Gzip/inflateChunks(_:limits:chunkSize:skip:_:)``'s two threads: free slots go to
/// zlib, filled ones to the reader, in order.
private final class InflatePipe: @unchecked Sendable {
    let slots: [UnsafeMutableBufferPointer<UInt8>]
    private let condition = NSCondition()
    private var free: [Int]
    private var ready: [(Int, Int)] = []
    private var ended = false
    private var stopped = false
    private(set) var failure: String?
    /// The tags of the members stepped over: written by the producer alone, read once it is joined.
    var skipped: Set<String> = []

    init(slots n: Int, size: Int) {
        slots = (0..<n).map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size) }
        free = Array(0..<n)
    }

    deinit { for s in slots { s.deallocate() } }

    /// A slot to fill; nil once the reader has stopped.
    func takeFree() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !stopped { condition.wait() }
        return stopped ? nil : free.removeFirst()
    }

    func put(_ slot: Int, count: Int) {
        condition.lock()
        ready.append((slot, count))
        condition.broadcast()
        condition.unlock()
    }

    func end(failure: String?) {
        condition.lock()
        self.failure = failure
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next filled slot and its byte count; nil when no more will come.
    func takeReady() -> (Int, Int)? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !ended { condition.wait() }
        return ready.isEmpty ? nil : ready.removeFirst()
    }

    func giveBack(_ slot: Int) {
        condition.lock()
        free.append(slot)
        condition.broadcast()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
