import Foundation
import MeshClient
import MeshModel
import MeshScopeCLI
import Testing

/// gzip bombs: decompression stops at the size and ratio limits, with errors naming the
/// file and the flag.
@Suite struct GzipLimitTests {
    /// `count` zero bytes, gzip-compressed by zlib.
    static func zeros(_ count: Int) throws -> [UInt8] {
        let gz = try GzipCompressor(level: 6)
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        var out: [UInt8] = []
        var left = count
        while left > 0 {
            out += try gz.compress(left >= chunk.count ? chunk : Array(chunk[..<left]))
            left -= min(left, chunk.count)
        }
        return out + (try gz.finish())
    }

    @Test func sizeLimitStopsDecompression() throws {
        let bomb = try Self.zeros(8 << 20)
        var limits = InputLimits()
        limits.maxDecompressedBytes = 1 << 20
        #expect(throws: GzipError.self) { try Gzip.decompress(bomb, limits: limits) }
        do { _ = try Gzip.decompress(bomb, limits: limits) } catch {
            #expect(error.message == "the decompressed data is larger than allowed (limit 1Mi; raise it with --max-decompressed-size)")
        }
        // Exactly at the limit is fine; below 64 MiB the ratio (here ~1000) does not apply.
        limits.maxDecompressedBytes = 8 << 20
        let plain = try Gzip.decompress(bomb, limits: limits)
        #expect(plain.count == 8 << 20)
        #expect(plain.allSatisfy { $0 == 0 })
    }

    @Test func ratioLimitStopsABombPast64MiB() throws {
        let size = Gzip.ratioThreshold + (8 << 20)
        let bomb = try Self.zeros(size)
        #expect(bomb.count * 200 < Gzip.ratioThreshold)   // the input really is a bomb
        do {
            _ = try Gzip.decompress(bomb)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "expands more than 200 times its \(bomb.count) compressed bytes (a gzip bomb?) (limit 200; raise it with --max-decompression-ratio)")
        }
    }

    @Test func snapshotAndDiffNameTheFileAndFlag() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-gzbomb-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/bomb.json.gz"
        try Data(try Self.zeros(4 << 20)).write(to: URL(fileURLWithPath: file))
        for args in [["get", "pods", "--snapshot", file], ["diff", file, file]] {
            let out = await MeshScopeMain.invoke(args + ["--max-decompressed-size", "1Mi"])
            #expect(out.code == 1, "\(args)")
            #expect(out.stderr.hasPrefix("meshscope: "), "\(args)")
            #expect(out.stderr.contains("\(file): the decompressed data is larger than allowed (limit 1Mi; raise it with --max-decompressed-size)"), "\(args): \(out.stderr)")
        }
    }

    @Test func snapshotLargerThanTheDocumentLimitIsRefused() async throws {
        let dir = NSTemporaryDirectory() + "meshscope-snapsize-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/big.json"
        try Data(repeating: 0x20, count: 5000).write(to: URL(fileURLWithPath: file))
        let out = await MeshScopeMain.invoke(["get", "pods", "--snapshot", file, "--max-document-size", "4096"])
        #expect(out.code == 1)
        #expect(out.stderr.contains("\(file): the file has 5000 bytes, more than allowed (limit 4Ki; raise it with --max-document-size)"), "\(out.stderr)")
    }
}
