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

public final class GzipCompressor {
    /// zlib keeps a pointer back to its stream, so it lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false
    private var outBuffer = [UInt8](repeating: 0, count: 256 * 1024)

    public init(level: Int32 = 6) throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = meshscope_deflate_init_gzip(stream, level)
        guard rc == Z_OK else {
            stream.deallocate()
            throw GzipError(message: "zlib deflateInit2 failed (\(rc))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
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
    static func sizeHint(_ input: [UInt8]) -> Int {
        let n = input.count
        guard n >= 18 else { return 0 }
        let size = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return min(size, min(n, Int.max / 32) * 32)
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
        let maxBytes = max(0, limits.maxDecompressedBytes)
        let (ratioBytes, overflow) = max(1, input.count).multipliedReportingOverflow(by: max(1, limits.maxDecompressionRatio))
        let maxForRatio = overflow ? Int.max : max(ratioBytes, ratioThreshold)
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
                        let total = directCount + spill.count
                        if total + produced > maxBytes {
                            failure = "the decompressed data is larger than allowed " + InputLimits.hint(InputLimits.sizeText(maxBytes), flag: "--max-decompressed-size")
                            return
                        }
                        if total + produced > maxForRatio {
                            failure = "expands more than \(limits.maxDecompressionRatio) times its \(compressedBytes) compressed bytes (a gzip bomb?) " + InputLimits.hint(String(limits.maxDecompressionRatio), flag: "--max-decompression-ratio")
                            return
                        }
                        if toDirect {
                            directCount += produced
                            if let growing, let base = direct.baseAddress { growing.publish(UnsafePointer(base), count: directCount) }
                        } else {
                            spill.append(contentsOf: chunk[0..<produced])
                        }
                        if rc == Z_STREAM_END { break }
                        if rc != Z_OK {
                            let at = offset + Int(sp.pointee.total_in)
                            failure = rc == Z_BUF_ERROR ? "the gzip data ends early (after \(at) compressed bytes)" : "corrupt gzip data near compressed byte \(at) (zlib \(rc))"
                            return
                        }
                    }
                    offset += Int(sp.pointee.total_in)
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
