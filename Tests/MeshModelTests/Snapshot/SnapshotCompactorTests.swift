import Foundation
import MeshTestSupport
import Testing
@testable import MeshModel

/// The kept part of a snapshot (``SnapshotCompactor``) against the whole file it came from, on
/// snapshots written from the real Envoy and ztunnel captures: what is kept reads exactly as
/// the file reads, whatever the chunks; what is left out is named; anything unexpected gives up.
@Suite struct SnapshotCompactorTests {
    /// What `check` keeps, in its shape: `/clusters` and ztunnel's dump whole, some stats
    /// lines (the captures' stats are Envoy's plain text: `cluster.NAME.upstream_rq_200: 7`
    /// is named `cluster` to the line filter, `server.uptime: 9` is `server`).
    static let keep = SnapshotKeep(responses: ["clusters", "statsPrometheus", "ztunnelConfigDump"], filteredText: ["statsPrometheus"],
                                   keepLine: { name, _ in name.elementsEqual("cluster".utf8) })

    static func compact(_ bytes: [UInt8], keep: SnapshotKeep = keep, chunk: Int = 1 << 20) -> (bytes: [UInt8]?, leftOut: Set<String>) {
        let c = SnapshotCompactor(keep: keep)
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let n = min(chunk, b.count - i)
                guard c.feed(UnsafeBufferPointer(rebasing: b[i..<(i + n)])) else { break }
                i += n
            }
        }
        return (c.finish(), c.leftOut)
    }

    @Test func theKeptPartReadsAsTheFileReads() throws {
        let file = try SnapshotLayoutTests.fixtureSnapshot()
        let (part, leftOut) = Self.compact(file)
        let bytes = try #require(part)
        let whole = try SnapshotIndex(bytes: file, name: "f.json")
        let kept = try SnapshotIndex(bytes: bytes, name: "f.json")
        #expect(bytes.count < file.count, "\(bytes.count) of \(file.count)")
        #expect(leftOut == ["configDump", "certs"])
        #expect(kept.proxies.map { "\($0.key) \($0.kind) \($0.node) \($0.ip)" } == whole.proxies.map { "\($0.key) \($0.kind) \($0.node) \($0.ip)" })
        #expect(kept.metadata == whole.metadata && kept.completedAt == whole.completedAt && kept.version == whole.version)
        for name in ["kubernetes", "collection", "metadata"] {
            let a = try #require(whole.sections[name]), b = try #require(kept.sections[name])
            #expect(Array(file[a]) == Array(bytes[b]), "\(name)")
        }
        for (p, q) in zip(whole.proxies, kept.proxies) {
            for earlier in [false, true] {
                let keys = try whole.responseKeys(p, earlier: earlier)
                #expect(try kept.responseKeys(q, earlier: earlier) == keys.filter { Self.keep.responses.contains($0) })
                for key in keys {
                    let a = try whole.response(p, key: key, earlier: earlier)
                    let b = try kept.response(q, key: key, earlier: earlier)
                    if !Self.keep.responses.contains(key) {
                        #expect(b == nil, "\(key) is left out")
                    } else if Self.keep.filteredText.contains(key) {
                        // The kept lines, read again with the same filter, are the file's.
                        let x = try #require(try whole.response(p, key: key, earlier: earlier, keepingLines: Self.keep.keepLine))
                        let y = try #require(try kept.response(q, key: key, earlier: earlier, keepingLines: Self.keep.keepLine))
                        #expect(x.body == y.body && x.fetchedAt == y.fetchedAt, "\(p.key) \(key)")
                        #expect(!x.body.isEmpty)
                        #expect(b?.body == x.body)
                    } else {
                        #expect(a?.body == b?.body && a?.fetchedAt == b?.fetchedAt, "\(p.key) \(key)")
                    }
                }
            }
        }
    }

    /// A small snapshot of every shape the compactor meets (identity members, both sections, a
    /// response kept whole, one filtered, one left out, a ztunnel), so that chunks of a byte or
    /// two cross every boundary without feeding the 3 MB captures a byte at a time.
    static func smallSnapshot() throws -> [UInt8] {
        let at = SnapshotFormatTests.takenAt
        let stats = "cluster.a.upstream_rq: 3\nserver.uptime: 9\ncluster.b.upstream_cx_total: 1\n"
        return try SnapshotFormatTests.write([
            SnapshotWriter.Proxy(name: "web-0", namespace: "shop", kind: "sidecar", node: "n1", ip: "10.0.0.1",
                                 responses: ["clusters": .init(fetchedAt: at, body: Array(#"{"cluster_statuses":[{"name":"a"}]}"#.utf8)),
                                             "certs": .init(fetchedAt: at, body: Array(#"{"certificates":[]}"#.utf8)),
                                             "statsPrometheus": .init(fetchedAt: at, body: Array(stats.utf8))],
                                 earlier: ["statsPrometheus": .init(fetchedAt: at, body: Array(stats.utf8))]),
            SnapshotWriter.Proxy(name: "ztunnel-0", namespace: "istio-system", kind: "ztunnel",
                                 responses: ["ztunnelConfigDump": .init(fetchedAt: at, body: Array(#"{"workloads":{}}"#.utf8))]),
        ]).bytes
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func chunkBoundariesChangeNothing(chunk: Int) throws {
        let file = try Self.smallSnapshot()
        let whole = try #require(Self.compact(file, chunk: file.count).bytes)
        #expect(Self.compact(file, chunk: chunk).bytes == whole)
        #expect(whole.count < file.count)
    }

    @Test(arguments: [4093, 65_536])
    func chunkBoundariesChangeNothingOnTheCaptures(chunk: Int) throws {
        let file = try SnapshotLayoutTests.fixtureSnapshot()
        let whole = try #require(Self.compact(file, chunk: file.count).bytes)
        #expect(Self.compact(file, chunk: chunk).bytes == whole)
    }

    @Test func firstOnlyKeepsTheFirstHolders() throws {
        let file = try SnapshotLayoutTests.fixtureSnapshot()
        let keep = SnapshotKeep(responses: ["configDump"], firstOnly: ["configDump": 2])
        let (part, leftOut) = Self.compact(file, keep: keep)
        let kept = try SnapshotIndex(bytes: try #require(part), name: "f.json")
        // Three Envoys hold a dump, the ztunnel none: the first two keep theirs.
        #expect(try kept.proxies.map { try kept.response($0, key: "configDump") != nil } == [true, true, false, false])
        #expect(leftOut.contains("configDump"))
    }

    /// The writer hands large JSON responses over alone, tagged (a gzip file stores each such
    /// chunk as a member readers step over): the document without the chunks a keep leaves
    /// out (``SnapshotKeep/leavesOut(member:before:)``) compacts to exactly what the whole does.
    @Test func responsesStoredAloneAreLeftOutAsTheCompactorLeavesThemOut() throws {
        let (chunks, _) = try SnapshotFormatTests.written(SnapshotLayoutTests.fixtureProxies())
        let whole = chunks.flatMap(\.bytes)
        let tagged = chunks.filter { $0.responses != nil }
        // The captures' config dumps (each over 8 KB; the first in its section never is).
        #expect(tagged.count >= 3)
        for c in tagged {
            let tag = try #require(c.responses)
            let keys = try #require(SnapshotMemberTag.parse(tag)).keys
            #expect(tag.hasPrefix("admin/") && keys.contains("configDump"), "\(tag)")
            #expect(keys.allSatisfy { SnapshotFormat.responseKinds[$0] == true }, "\(tag)")
            #expect(c.bytes.starts(with: Array(",\n\"\(keys[0])\":".utf8)))
        }
        // (The captures' `/clusters` is text stored under a JSON key, over 8 KB: it travels
        // with the dump, so a keep holding it steps over nothing.)
        let statsOnly = SnapshotKeep(responses: ["statsPrometheus"])
        for keep in [Self.keep, SnapshotKeep(responses: ["configDump"], firstOnly: ["configDump": 2]), statsOnly,
                     SnapshotKeep(responses: ["configDump", "certs"]), SnapshotKeep(responses: ["certs"], firstOnly: ["configDump": 1])] {
            var seen: [String: Int] = [:]
            let stepped = chunks.filter { c in
                guard let tag = c.responses else { return true }
                defer { seen[tag, default: 0] += 1 }
                return !keep.leavesOut(member: tag, before: seen[tag, default: 0])
            }
            let expected = try #require(Self.compact(whole, keep: keep).bytes)
            #expect(Self.compact(stepped.flatMap(\.bytes), keep: keep).bytes == expected)
            if keep.responses == statsOnly.responses { #expect(stepped.count == chunks.count - tagged.count) }
        }
        // The tag's sections and keys; what is not one is never left out.
        let keep = SnapshotKeep(responses: ["clusters"], firstOnly: ["clusters": 1])
        #expect(keep.leavesOut(member: "admin/configDump,istiodConfigDump", before: 0))
        #expect(!keep.leavesOut(member: "earlier/clusters,configDump", before: 0))
        #expect(keep.leavesOut(member: "earlier/clusters", before: 1))
        #expect(!keep.leavesOut(member: "kubernetes/configDump", before: 0))
        #expect(!keep.leavesOut(member: "configDump", before: 0))
        #expect(!keep.leavesOut(member: "admin/", before: 0))
    }

    @Test func textItCannotFilterPlainlyIsKeptWhole() throws {
        // A `\u` escape and a non-ASCII byte: the line filter declines, the text is kept as stored.
        let text = "istio_requests_total{a=\"\u{e9}\"} 1\nenvoy_server_uptime 3\n"
        let file = try SnapshotFormatTests.write([SnapshotWriter.Proxy(
            name: "web-0", namespace: "shop", kind: "sidecar",
            responses: ["statsPrometheus": .init(fetchedAt: SnapshotFormatTests.takenAt, body: Array(text.utf8))])]).bytes
        let kept = try SnapshotIndex(bytes: try #require(Self.compact(file).bytes), name: "f.json")
        #expect(try kept.response(kept.proxies[0], key: "statsPrometheus")?.body == Array(text.utf8))
    }

    @Test func itGivesUpOnWhatItDoesNotExpect() throws {
        let file = try SnapshotLayoutTests.fixtureSnapshot()
        // Cut anywhere: the end never comes.
        let lastBrace = try #require(file.lastIndex(of: 0x7D))
        for cut in [0, 1, file.count / 3, file.count / 2, lastBrace - 1, lastBrace] {
            let gaveUp = Self.compact(Array(file.prefix(cut)), chunk: 4096).bytes == nil
            #expect(gaveUp, "cut at \(cut)")
        }
        let text = String(decoding: file, as: UTF8.self)
        for (what, broken) in [
            ("bytes after the document", text + "x"),
            ("a member name with a quote in it", text.replacingOccurrences(of: "\"node\"", with: "\"no\\\"de\"")),
            ("a proxy that is a string", text.replacingOccurrences(of: "\"proxies\":[", with: "\"proxies\":[\"x\",")),
            ("not an object", "[" + text + "]"),
        ] {
            #expect(text != broken)
            let gaveUp = Self.compact(Array(broken.utf8), chunk: 4096).bytes == nil
            #expect(gaveUp, "\(what)")
        }
        // A name written with an escape that decodes plainly is read as its decoded self.
        let escaped = Self.compact(Array(text.replacingOccurrences(of: "\"node\"", with: "\"no\\u0064e\"").utf8)).bytes
        let index = try SnapshotIndex(bytes: try #require(escaped), name: "f.json")
        #expect(index.proxies.map(\.node) == (try SnapshotIndex(bytes: file, name: "f.json")).proxies.map(\.node))
        // Whitespace around the document is no problem, and costs one pass however much of it
        // comes in however small chunks (2 MB of it in 4 KB chunks: quadratic work would not end).
        let spaces = String(repeating: " ", count: 2 << 20)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let padded = Self.compact(Array((spaces + text + "\n" + spaces).utf8), chunk: 4096).bytes
            #expect(padded == Self.compact(file).bytes)
        }
        #expect(elapsed < .seconds(60))
    }

    @Test func keptLinesAsStoredDecodeToTheKeptLines() throws {
        let json = Array(##""# a\/b\n  istio_x{a=\"q\\\"\"} 1\n\tistio_y 2\r\nenvoy_z 3\nistio_last 4""##.utf8)
        let keep: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool = { name, _ in name.starts(with: "istio_".utf8) }
        let (decoded, stored) = json.withUnsafeBufferPointer { b in
            (SnapshotTextLines.kept(in: b, string: 0..<b.count, keep), SnapshotTextLines.keptEscaped(in: b, stringAt: 0, keep)?.lines)
        }
        let lines = try #require(decoded)
        #expect(String(decoding: lines, as: UTF8.self) == "  istio_x{a=\"q\\\"\"} 1\n\tistio_y 2\r\nistio_last 4\n")
        #expect(try JSONDocument(bytes: [0x22] + (try #require(stored)) + [0x22]).root.string == String(decoding: lines, as: UTF8.self))
    }
}
