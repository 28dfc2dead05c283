import Foundation
import MeshTestSupport
import Testing
@testable import MeshModel

/// Skimming a snapshot's proxies while its bytes arrive (``SnapshotPreskim``) must find what
/// the one-pass skim of the whole file finds, however the bytes are cut into arrivals, and the
/// index built with it must be the index built without; cut or mangled files end the skim
/// ahead early without a trap, and whatever it found must still be right.
@Suite struct SnapshotPreskimTests {
    /// `bytes` arriving `chunk` at a time from another thread, skimmed on this one.
    static func preskim(_ bytes: [UInt8], chunk: Int, minimumStep: Int) async throws -> SnapshotPreskim {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        let base = UncheckedBox(UnsafePointer(buffer.baseAddress!))
        let growing = GrowingBytes()
        let total = bytes.count
        // The writer only says how much is there; the reader is joined before the buffer goes.
        let writer = Thread {
            var written = 0
            while written < total {
                written = min(total, written + chunk)
                growing.publish(base.value, count: written)
            }
            growing.finish()
        }
        writer.start()
        return try await onOwnThread { SnapshotLayout.skimProxies(growing, minimumStep: minimumStep) }
    }

    /// One proxy's layout as text: its range, its sections, their responses and fields.
    static func describe(_ p: SnapshotLayout.Proxy) -> String {
        var out = "\(p.range)"
        for name in SnapshotLayout.sectionNames {
            guard let list = p.sections?[name] else { out += " \(name):-"; continue }
            out += " \(name):" + list.map { r in "\(r.member.key)@\(r.member.value)[\(r.fields?.map { "\($0.key)@\($0.value)" }.joined(separator: ",") ?? "-")]" }.joined(separator: ";")
        }
        return out
    }

    static func layout(_ bytes: [UInt8]) throws -> SnapshotLayout { try SnapshotLayoutTests.skim(bytes) }

    @Test(arguments: [(1, 1), (7, 64), (4096, 1), (65_536, 4096), (Int.max / 2, 1 << 22)])
    func findsWhatTheWholeSkimFinds(chunk: Int, minimumStep: Int) async throws {
        let bytes = try SnapshotLayoutTests.fixtureSnapshot()
        let whole = try #require(try Self.layout(bytes).proxies)
        let ahead = try await Self.preskim(bytes, chunk: chunk, minimumStep: minimumStep)
        #expect(ahead.count == whole.count)
        for p in whole {
            let found = try #require(ahead.proxies[p.range.lowerBound], "proxy at \(p.range)")
            #expect(Self.describe(found.0) == Self.describe(p))
            #expect(found.1 == p.range.upperBound)
        }
        // The index is the same with it: the same proxies, each answering the same bytes.
        let plain = try SnapshotIndex(bytes: bytes, name: "t.json")
        let fast = try SnapshotIndex(bytes: bytes, name: "t.json", preskim: ahead)
        #expect(fast.proxies == plain.proxies)
        #expect(fast.sections == plain.sections)
        for p in plain.proxies {
            for key in try plain.responseKeys(p) {
                #expect(try fast.response(p, key: key)?.body == plain.response(p, key: key)?.body)
            }
            #expect(try fast.responseKeys(p, earlier: true) == plain.responseKeys(p, earlier: true))
        }
    }

    /// Cut short, or with a byte changed anywhere: no trap, the skim ahead ends, and every
    /// proxy it found is what skimming those same bytes at that offset gives.
    @Test func cutAndMangledFilesEndTheSkimAheadEarly() async throws {
        let bytes = try SnapshotLayoutTests.fixtureSnapshot()
        var inputs: [[UInt8]] = [[], Array("{".utf8), Array("[1,2]".utf8), Array(#"{"proxies": 5}"#.utf8), Array(#"{"proxies": [}"#.utf8)]
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 30)) { inputs.append(Array(bytes[0..<cut])) }
        for at in stride(from: 7, to: bytes.count, by: max(1, bytes.count / 20)) {
            for byte: UInt8 in [0x22, 0x7D, 0x2C] {
                var m = bytes
                m[at] = byte
                inputs.append(m)
            }
        }
        for input in inputs {
            let ahead = try await Self.preskim(input, chunk: 997, minimumStep: 512)
            let problems = try await onOwnThread { Self.problems(input, ahead) }
            #expect(problems.isEmpty, "\(input.count) bytes: \(problems)")
        }
    }

    /// How the skim ahead of `input` differs from skimming it whole: its proxies, and the index.
    static func problems(_ input: [UInt8], _ ahead: SnapshotPreskim) -> [String] {
        var out: [String] = []
        for (offset, (proxy, end)) in ahead.proxies {
            guard let again = try? JSONSkimmer.withBuffer(input, { b throws(JSONSkimmer.SkimError) in try SnapshotLayout.proxy(b, at: offset) }) else {
                out.append("proxy at \(offset) does not skim whole")
                continue
            }
            if describe(proxy) != describe(again.0) || end != again.1 { out.append("proxy at \(offset) differs") }
        }
        // The index with it fails, or not, as the index without it does.
        let plain = Result { () throws(SnapshotFormatError) in try SnapshotIndex(bytes: input, name: "x.json") }
        let fast = Result { () throws(SnapshotFormatError) in try SnapshotIndex(bytes: input, name: "x.json", preskim: ahead) }
        switch (plain, fast) {
        case (.success(let a), .success(let b)): if a.proxies != b.proxies || a.sections != b.sections { out.append("the indexes differ") }
        case (.failure(let a), .failure(let b)): if a.description != b.description { out.append("\(a) / \(b)") }
        default: out.append("one index failed, the other did not")
        }
        return out
    }
}

private final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
