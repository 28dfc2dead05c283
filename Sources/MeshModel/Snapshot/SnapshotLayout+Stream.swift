/// The proxies of a snapshot skimmed while it is still being inflated, by the offset of each
/// proxy's object: what ``SnapshotLayout/proxy(_:at:)`` gives there on the whole file.
/// ``SnapshotIndex/init(bytes:name:preskim:)`` then crosses each such proxy in one step
/// instead of skimming its bytes again, and still reads everything else (and checks every
/// boundary) as before, so the index is the same with or without it.
public struct SnapshotPreskim: Sendable {
    var proxies: [Int: (SnapshotLayout.Proxy, Int)] = [:]

    public init() {}

    /// How many proxies were skimmed ahead.
    public var count: Int { proxies.count }

    /// Skims the proxies of a snapshot whose bytes are still arriving (run it on a thread of
    /// its own; see ``SnapshotLayout/skimProxies(_:)``).
    ///
    /// ```swift
    /// let bytes = try Gzip.decompress(file, alongside: { ahead.value = SnapshotPreskim.skim($0) })
    /// let index = try SnapshotIndex(bytes: bytes, name: path, preskim: ahead.value)
    /// ```
    public static func skim(_ growing: GrowingBytes) -> SnapshotPreskim { SnapshotLayout.skimProxies(growing) }
}

extension SnapshotLayout {
    /// Not enough bytes yet (or something a later byte may still settle).
    private struct More: Error {}
    /// Wrong whatever follows: stop skimming ahead, the whole skim will say what is wrong.
    private struct Stop: Error {}

    /// Skims the proxies of a snapshot as its bytes arrive (`growing`), up to the end of the
    /// `proxies` array. A proxy object is skimmed once it is whole in the bytes there (its
    /// closing brace is); a step that fails for want of bytes is tried again with at least
    /// twice as many (or 4 MB more), so a large value costs at most about twice its skim.
    /// Anything odd ends the skim ahead early; what it found so far stays good.
    static func skimProxies(_ growing: GrowingBytes, minimumStep: Int = 1 << 22) -> SnapshotPreskim {
        var out = SnapshotPreskim()
        func attempt<T>(_ start: Int, _ step: (UnsafeBufferPointer<UInt8>) throws -> T) -> T? {
            var need = start + 1
            while true {
                let (b, complete) = growing.wait(atLeast: need)
                do { return try step(b) } catch is Stop { return nil } catch {
                    if complete { return nil }
                    need = b.count + max(1, minimumStep, b.count - min(start, b.count))
                }
            }
        }
        /// The first byte that is not space at or after `i`, when there is one yet.
        func next(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws -> Int {
            let k = JSONSkimmer.skipSpace(b, i)
            guard k < b.count else { throw More() }
            return k
        }
        guard var i = attempt(0, { b -> Int in
            let s = try next(b, 0)
            guard b[s] == 0x7B else { throw Stop() }
            return s + 1
        }) else { return out }
        while true {
            // A member: its name, and where its value starts.
            guard let (key, v, first) = attempt(i, { b -> (String, Int, UInt8) in
                let k = try next(b, i)
                guard b[k] == 0x22 else { throw Stop() }
                let keyEnd = try JSONSkimmer.stringEnd(b, k)
                let c = try next(b, keyEnd)
                guard b[c] == 0x3A else { throw Stop() }
                let v = try next(b, c + 1)
                return (JSONSkimmer.decodeKey(b, k, keyEnd), v, b[v])
            }) else { return out }
            if key == "proxies" && first == 0x5B {
                // The elements: each proxy object once it is whole, then the comma or the end.
                guard let firstElement = attempt(v + 1, { b -> Int? in
                    let k = try next(b, v + 1)
                    return b[k] == 0x5D ? nil : k
                }), var p = firstElement else { return out }
                while true {
                    guard let (proxy, end) = attempt(p, { b in try Self.proxy(b, at: p) }) else { return out }
                    out.proxies[p] = (proxy, end)
                    guard let following = attempt(end, { b -> Int? in
                        let c = try next(b, end)
                        if b[c] == 0x5D { return nil }
                        guard b[c] == 0x2C else { throw Stop() }
                        return try next(b, c + 1)
                    }), let n = following else { return out }
                    p = n
                }
            }
            // Any other member: crossed whole, then the comma to the next one.
            guard let after = attempt(v, { b -> Int in
                let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 0)
                let c = try next(b, end)
                guard b[c] == 0x2C else { throw Stop() }
                return c + 1
            }) else { return out }
            i = after
        }
    }
}
