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
