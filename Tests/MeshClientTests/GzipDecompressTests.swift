import Foundation
import MeshClient
import MeshModel
import Testing

/// ``Gzip/decompress(_:limits:)`` inflates straight into a result sized from the trailer and
/// spills what does not fit (several members, a trailer that undersells): either way the
/// output is the input that was compressed.
@Suite struct GzipDecompressTests {
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let gz = try GzipCompressor(level: 6)
        return try gz.compress(bytes) + gz.finish()
    }

    /// Bytes that compress but not to nothing: text-like lines with a counter.
    static func text(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 64)
        var i = 0
        while out.count < count {
            out += Array("envoy_cluster_upstream_rq_total{cluster_name=\"outbound|\(i % 977)||r.ns.svc\"} \(i &* 2_654_435_761 % 100_003)\n".utf8)
            i += 1
        }
        return Array(out[..<count])
    }

    @Test(arguments: [0, 1, 4095, 1 << 20, (1 << 20) + 1, 3 << 20])
    func roundTrips(size: Int) throws {
        let plain = Self.text(size)
        #expect(try Gzip.decompress(try Self.gzip(plain)) == plain)
    }

    @Test func severalMembersSpillPastTheLastTrailer() throws {
        // The last member's trailer says 10 bytes; the first member's 5 MiB go past it.
        let a = Self.text(5 << 20), b = Self.text(10)
        let both = try Self.gzip(a) + Self.gzip(b)
        #expect(try Gzip.decompress(both) == a + b)
        // Zero padding after the last member is allowed.
        #expect(try Gzip.decompress(both + [0, 0, 0]) == a + b)
        // Many small members, then a large one.
        let parts = (0..<20).map { Self.text(1000 + $0) } + [Self.text(2 << 20)]
        #expect(try Gzip.decompress(parts.flatMap { try Self.gzip($0) }) == parts.flatMap { $0 })
    }

    @Test func truncatedOrCorruptInputThrows() throws {
        let plain = Self.text(300_000)
        let gz = try Self.gzip(plain)
        for cut in [10, 11, 100, gz.count / 2, gz.count - 9, gz.count - 4, gz.count - 1] {
            #expect(throws: GzipError.self, "cut at \(cut)") { try Gzip.decompress(Array(gz[..<cut])) }
        }
        // A trailer claiming a different size: zlib's length check refuses it.
        var wrong = gz
        wrong[wrong.count - 4] ^= 0x01
        #expect(throws: GzipError.self) { try Gzip.decompress(wrong) }
        // A trailer claiming 4 GiB - 1 reserves at most 32 times the input, and still fails.
        var huge = gz
        for i in 1...4 { huge[huge.count - i] = 0xFF }
        #expect(throws: GzipError.self) { try Gzip.decompress(huge) }
        var flipped = gz
        flipped[gz.count / 2] ^= 0x55
        #expect(throws: GzipError.self) { try Gzip.decompress(flipped) }
    }

    @Test func limitsHoldWhenTheTrailerIsRight() throws {
        let plain = Self.text(3 << 20)
        let gz = try Self.gzip(plain)
        var limits = InputLimits()
        limits.maxDecompressedBytes = 3 << 20
        #expect(try Gzip.decompress(gz, limits: limits) == plain)
        limits.maxDecompressedBytes = (3 << 20) - 1
        #expect(throws: GzipError.self) { try Gzip.decompress(gz, limits: limits) }
    }
}
