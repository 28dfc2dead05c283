import Foundation
import MeshClient
import MeshModel
import MeshTestSupport
import Testing

/// ``Gzip/decompress(_:limits:alongside:)`` lets a second thread read the output as it grows:
/// the output is the same as without it, the reader sees every byte zlib wrote straight into
/// the result (never more than is written), and it ends on every input, good or bad.
@Suite struct GzipAlongsideTests {
    /// What the reader saw: how many bytes in all and a checksum of them.
    final class Seen: @unchecked Sendable {
        var count = 0
        var sum: UInt64 = 0
    }

    /// Reads the growing bytes as a reader would: a piece at a time, each byte once.
    static func reader(_ seen: Seen) -> @Sendable (GrowingBytes) -> Void {
        { growing in
            var read = 0
            while true {
                let (b, complete) = growing.wait(atLeast: read + 1)
                for i in read..<b.count { seen.sum = seen.sum &* 31 &+ UInt64(b[i]) }
                read = max(read, b.count)
                if complete { break }
            }
            seen.count = read
        }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 &* 31 &+ UInt64($1) } }

    @Test(arguments: [0, 1, 4095, (9 << 20) + 7])
    func sameOutputAndTheReaderSeesEveryByte(size: Int) async throws {
        let plain = GzipDecompressTests.text(size)
        let gz = try GzipDecompressTests.gzip(plain)
        let seen = Seen()
        let out = try await onOwnThread { try Gzip.decompress(gz, alongside: Self.reader(seen)) }
        #expect(out == plain)
        #expect(seen.count == plain.count)
        #expect(seen.sum == Self.checksum(plain))
    }

    @Test func badInputEndsTheReaderToo() async throws {
        let plain = GzipDecompressTests.text(300_000)
        let gz = try GzipDecompressTests.gzip(plain)
        var flipped = gz
        flipped[gz.count / 2] ^= 0x55
        for input in [Array(gz[..<(gz.count / 2)]), flipped, [0x1F, 0x8B]] {
            let seen = Seen()
            let failed = try await onOwnThread { (try? Gzip.decompress(input, alongside: Self.reader(seen))) == nil }
            #expect(failed)
            #expect(seen.count <= plain.count)
        }
        // Several members: the second one spills past the first's buffer; the reader sees the direct part.
        let a = GzipDecompressTests.text(5 << 20), b = GzipDecompressTests.text(10)
        let seen = Seen()
        let out = try await onOwnThread { try Gzip.decompress(try GzipDecompressTests.gzip(a) + GzipDecompressTests.gzip(b), alongside: Self.reader(seen)) }
        #expect(out == a + b)
        #expect(seen.count <= out.count)
    }

    /// A gzip snapshot opens to the same index as its plain bytes, with its proxies skimmed ahead.
    @Test func gzipSnapshotOpensToTheSameIndex() async throws {
        let plain = try ParallelFactsTests.snapshotBytes(proxies: 120)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-alongside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.json.gz").path
        try Data(try GzipDecompressTests.gzip(plain)).write(to: URL(fileURLWithPath: path))
        let read = try await onOwnThread { try SnapshotFile.read(path: path, skimAhead: true) }
        #expect(read.bytes == plain)
        #expect(read.compressed)
        let ahead = try #require(read.preskim)
        #expect(ahead.count == 120)
        let source = try await SnapshotMeshSource.open(path: path)
        let reference = try SnapshotIndex(bytes: plain, name: path)
        #expect(source.index.proxies == reference.proxies)
        for p in reference.proxies {
            #expect(try source.index.response(p, key: "statsPrometheus")?.body == reference.response(p, key: "statsPrometheus")?.body)
        }
    }
}
