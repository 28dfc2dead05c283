import CZlib
import Foundation
import MeshClient
import MeshModel
import Testing

/// ``Gzip/inflateChunks(_:limits:chunkSize:_:)`` gives, chunk by chunk, exactly what
/// ``Gzip/decompress(_:limits:alongside:)`` gives whole, and fails where and as it fails.
@Suite struct GzipChunksTests {
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] { try GzipDecompressTests.gzip(bytes) }

    static func chunks(_ input: [UInt8], limits: InputLimits = InputLimits(), size: Int) -> Result<[UInt8], GzipError> {
        var out: [UInt8] = []
        do throws(GzipError) {
            try Gzip.inflateChunks(input, limits: limits, chunkSize: size) { chunk in
                out.append(contentsOf: chunk)
                return true
            }
            return .success(out)
        } catch { return .failure(error) }
    }

    static let text: [UInt8] = (0..<40_000).flatMap { Array("line \($0) of the recorded text\n".utf8) }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func theChunksAreTheWhole(size: Int) throws {
        let one = try Self.gzip(Self.text)
        // Several members, then zero padding, as decompress accepts them.
        let several = try Self.gzip(Array(Self.text.prefix(1000))) + Self.gzip(Self.text) + Self.gzip([]) + [0, 0, 0]
        for input in [one, several] {
            #expect(try Self.chunks(input, size: size).get() == Gzip.decompress(input))
        }
    }

    @Test func itFailsWhereAndAsDecompressFails() throws {
        let whole = try Self.gzip(Self.text)
        var corrupt = whole
        corrupt[whole.count / 2] ^= 0xFF
        var limits = InputLimits()
        limits.maxDecompressedBytes = 100_000
        for (input, l) in [(Array(whole.prefix(whole.count / 2)), InputLimits()), (corrupt, InputLimits()), (whole, limits)] {
            var expected = ""
            do { _ = try Gzip.decompress(input, limits: l) } catch { expected = error.message }
            #expect(!expected.isEmpty)
            guard case .failure(let e) = Self.chunks(input, limits: l, size: 4096) else {
                Issue.record("no error for \(expected)")
                continue
            }
            #expect(e.message == expected)
        }
    }

    /// The CRC-32 and size in a member's trailer are checked (by meshscope, not zlib: see
    /// ``GzipTrailer``), in the last of several members too, by both readers, with the error
    /// zlib gave when it checked: at the byte after the CRC, or after the size.
    @Test func aWrongCheckValueOrSizeFailsAsZlibsCheckFails() throws {
        let first = try Self.gzip(Array(Self.text.prefix(5000)))
        let whole = try Self.gzip(Self.text)
        for (label, at, after) in [("CRC-32", 8, 4), ("size", 4, 0)] {
            for (prefix, member) in [([UInt8](), whole), (first, whole), (whole, first)] {
                var input = prefix + member
                input[input.count - at] ^= 0x01
                let expected = "corrupt gzip data near compressed byte \(input.count - after) (zlib -3)"
                var whole = ""
                do { _ = try Gzip.decompress(input) } catch { whole = error.message }
                #expect(whole == expected, "\(label)")
                guard case .failure(let e) = Self.chunks(input, size: 4096) else {
                    Issue.record("\(label): no error")
                    continue
                }
                #expect(e.message == expected, "\(label)")
            }
        }
        // Not gzip but zlib's own format: zlib checks it (Adler-32) as before.
        #expect(try Self.chunks(Self.zlibFormat(Self.text), size: 4096).get() == Self.text)
    }

    /// `bytes` in zlib's format (RFC 1950): what ``Gzip`` also reads.
    static func zlibFormat(_ bytes: [UInt8]) throws -> [UInt8] {
        let gz = try gzip(bytes)
        // The same deflate data between a zlib header and an Adler-32 trailer.
        #expect(gz[3] == 0, "a gzip header without optional fields: 10 bytes")
        let deflate = Array(gz[10..<(gz.count - 8)])
        var a: UInt32 = 1, b: UInt32 = 0
        for c in bytes { a = (a + UInt32(c)) % 65521; b = (b + a) % 65521 }
        let adler = b << 16 | a
        return [0x78, 0x9C] + deflate + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
    }

    @Test func aReaderThatStopsStopsTheInflating() throws {
        let input = try Self.gzip(Self.text)
        var seen = 0
        try Gzip.inflateChunks(input, chunkSize: 1024) { chunk in
            seen += chunk.count
            return seen < 3000
        }
        #expect(seen == 3072)
    }
}

/// The folded CRC-32 (`meshscope_crc32`) against zlib's `crc32_z` on random lengths (short ones,
/// which zlib computes alone, and long ones not a multiple of 16), offsets and starting values.
@Suite struct FoldedCRCTests {
    @Test func itIsZlibsCRC() {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes.withUnsafeBufferPointer { all in
            for trial in 0..<2_000 {
                let count = trial < 200 ? trial : Int.random(in: 0..<60_000, using: &rng)
                let start = Int.random(in: 0..<(all.count - count), using: &rng)
                let seed: UInt32 = trial % 3 == 0 ? 0 : UInt32.random(in: 0...UInt32.max, using: &rng)
                let p = all.baseAddress! + start
                #expect(meshscope_crc32(seed, p, count) == UInt32(crc32_z(UInt(seed), p, count)), "\(count) bytes at \(start), seed \(seed)")
            }
        }
    }
}
