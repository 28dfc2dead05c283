import Foundation
import MeshClient
import MeshModel

/// Files a user points meshscope at: kubeconfigs, manifests (apply's parser), snapshots.
/// None of them touches the network.
extension FuzzTargets {
    /// An error that reaches the terminal as `meshscope: …` must be one safe line.
    static func checkErrorLine(_ message: String, _ what: String, into o: inout FuzzOutcome) {
        if message.contains("\n") { o.terminal.append("\(what): error message over several lines: \(message.prefix(200))") }
        TerminalSafety.expectTerminalSafe(message, what: "\(what) error", into: &o)
    }

    static func kubeconfig() -> FuzzTarget {
        FuzzTarget(name: .kubeconfig, seeds: Seeds.kubeconfigs.map { FuzzCase($0) }, formats: [.yaml], iterations: 400) { c in
            let dir = CLIHarness.directory(.kubeconfig)
            let path = CLIHarness.file(.kubeconfig, "config", c.parts[0])
            let loader = KubeconfigLoader(environment: .init(variables: [:], home: dir, serviceAccountRoot: dir + "/no-service-account"))
            let context = [nil, "prod", "dev", "a", "missing"][c.choose(5, salt: 20)]
            var o = FuzzOutcome()
            do {
                _ = try loader.load(.init(kubeconfig: path, context: context, namespace: nil))
            } catch {
                checkErrorLine(String(describing: error), "kubeconfig", into: &o)
            }
            return o
        }
    }

    static func manifest() -> FuzzTarget {
        FuzzTarget(name: .manifest, seeds: Seeds.manifests.map { FuzzCase($0) }, formats: [.yaml], iterations: 400) { c in
            var o = FuzzOutcome()
            do {
                _ = try ManifestParser.parse(c.parts[0], source: "fuzz.yaml")
            } catch {
                checkErrorLine(String(describing: error), "manifest", into: &o)
            }
            return o
        }
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        guard let z = try? GzipCompressor(), let body = try? z.compress(bytes), let tail = try? z.finish() else { return [] }
        return body + tail
    }

    /// The document cut into up to eight of meshscope's gzip members (``GzipMembers``), each
    /// tagged or not as the case chooses: tags that may not name what their member holds.
    static func members(_ bytes: [UInt8], _ c: FuzzCase, tagged: Bool) -> [UInt8] {
        guard let w = try? GzipMemberWriter() else { return [] }
        var cuts = Set((0..<c.choose(8, salt: 23)).map { k in bytes.isEmpty ? 0 : c.choose(bytes.count, salt: UInt64(24 + k)) })
        cuts.insert(bytes.count)
        var out: [UInt8] = []
        var start = 0
        for (k, end) in cuts.sorted().enumerated() where end > start {
            let tag = tagged && c.choose(2, salt: UInt64(40 + k)) == 0 ? ["admin/configDump", "earlier/statsPrometheus", "admin/clusters,x"][k % 3] : nil
            out += (try? w.member(Array(bytes[start..<end]), tag: tag)) ?? []
            start = end
        }
        return out
    }

    /// The snapshot is written as it is, gzipped, or gzipped and then damaged (variant); or as
    /// meshscope's gzip members, untagged, or tagged at random and damaged.
    static func snapshot() -> FuzzTarget {
        FuzzTarget(name: .snapshot, seeds: [FuzzCase(Seeds.snapshot)], formats: [.json], iterations: 35) { c in
            var bytes = c.parts[0]
            let form = c.choose(6, salt: 21)
            if form >= 1 { bytes = form >= 4 ? members(bytes, c, tagged: form == 5) : gzip(bytes) }
            if form == 3 || form == 5, !bytes.isEmpty {
                var rng = FuzzRandom(seed: c.variant)
                bytes = Mutator(.binary, config: FuzzConfig.current).bytes(bytes, other: [], &rng)
            }
            let path = CLIHarness.file(.snapshot, form >= 1 ? "snapshot.json.gz" : "snapshot.json", bytes)
            var o = FuzzOutcome()
            // Opening skims a gzip file's proxies on a second thread while it inflates: the
            // index built with that skim is the one built without it (or fails the same way).
            if form >= 1, let ahead = try? SnapshotFile.read(path: path, skimAhead: true), let preskim = ahead.preskim {
                let plain = Result { () throws(SnapshotFormatError) in try SnapshotIndex(bytes: ahead.bytes, name: path) }
                let fast = Result { () throws(SnapshotFormatError) in try SnapshotIndex(bytes: ahead.bytes, name: path, preskim: preskim) }
                switch (plain, fast) {
                case (.success(let a), .success(let b)): if a.proxies != b.proxies || a.sections != b.sections { o.problem("snapshot: the index with the skim ahead differs") }
                case (.failure(let a), .failure(let b)): if a.description != b.description { o.problem("snapshot: the skim ahead fails differently: \(a) / \(b)") }
                default: o.problem("snapshot: the index with the skim ahead fails where the other does not, or the reverse")
                }
            }
            if let read = try? SnapshotFile.read(path: path), let index = try? SnapshotIndex(bytes: read.bytes, name: path) {
                // What `check` reads: a response keeping only some lines (read out of the stored
                // string without decoding it whole) holds only lines of the whole body.
                let keep: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool = { name, _ in
                    name.starts(with: "istio_".utf8) || name.starts(with: "envoy_cluster".utf8)
                }
                for p in index.proxies {
                    for earlier in [false, true] {
                        for key in (try? index.responseKeys(p, earlier: earlier)) ?? [] {
                            let whole = try? index.response(p, key: key, earlier: earlier)
                            guard let kept = try? index.response(p, key: key, earlier: earlier, keepingLines: keep), let whole else { continue }
                            let lines = Set(whole.body.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) })
                            if kept.body.split(separator: 0x0A, omittingEmptySubsequences: true).contains(where: { !lines.contains(Array($0)) }) {
                                o.problem("snapshot: a kept line of \(key) is not a line of its whole body")
                            }
                        }
                    }
                }
                _ = try? index.kubernetes()
                // `check` opens a snapshot keeping only what it reads, a chunk at a time: at any
                // chunk size, a kept part it opens holds the same proxies, objects and kept
                // responses as the whole file.
                // (Members whose tags may lie are only read, not compared.)
                let checkKeep = MeshFactsCollector.snapshotKeep(.init(dumps: .none))
                let part = try? SnapshotFile.readCompacted(path: path, keep: checkKeep, chunkSize: 1 + c.choose(64, salt: 22))
                if form != 5, let part, let bytes = part.bytes {
                    if let kept = try? SnapshotIndex(bytes: bytes, name: path) {
                        if kept.proxies.map(\.key) != index.proxies.map(\.key) || kept.proxies.map(\.kind) != index.proxies.map(\.kind) {
                            o.problem("snapshot: the kept part has other proxies")
                        }
                        if (try? kept.kubernetes())?.objects.mapValues(\.count) != (try? index.kubernetes())?.objects.mapValues(\.count) {
                            o.problem("snapshot: the kept part has other objects")
                        }
                        for (p, q) in zip(index.proxies, kept.proxies) {
                            for key in ["clusters", "syncz", "connections", "ztunnelConfigDump"] {
                                if let whole = try? index.response(p, key: key), (try? kept.response(q, key: key))?.body != whole.body {
                                    o.problem("snapshot: the kept \(key) differs from the file's")
                                }
                            }
                            if let wholeLines = try? index.response(p, key: "statsPrometheus", keepingLines: checkKeep.keepLine),
                               (try? kept.response(q, key: "statsPrometheus", keepingLines: checkKeep.keepLine))?.body != wholeLines.body {
                                o.problem("snapshot: the kept stats lines differ from the file's")
                            }
                        }
                    }
                }
            }
            o.merge(await CLIHarness.run(["check", "--snapshot", path, "--fail-on", "none"], output: .terminal))
            o.merge(await CLIHarness.run(["snapshot", "--summary", path], output: .terminal))
            return o
        }
    }
}
