/// Which of a snapshot's stored responses a reader needs (``SnapshotCompactor``): `check` on a
/// 6,000-proxy snapshot reads a tenth of the file (each proxy's `/clusters`, a few metric
/// families of both stats samples, istiod's sync state, ztunnel's dump), and holding the rest
/// was most of its memory.
///
/// ```swift
/// let keep = SnapshotKeep(responses: ["clusters", "statsPrometheus"], filteredText: ["statsPrometheus"],
///                         keepLine: { name, _ in name.starts(with: "istio_".utf8) })
/// ```
public struct SnapshotKeep: Sendable {
    /// The responses kept (in `admin` and `earlier`); every other one is left out.
    public var responses: Set<String>
    /// Responses kept for the first so many proxies that hold them, in file order, and left
    /// out of the rest (`configDump`: `check` reads dumps only of a small mesh).
    public var firstOnly: [String: Int]
    /// Kept text responses (recorded Prometheus text) whose lines are filtered by `keepLine`,
    /// as ``SnapshotTextLines/kept(in:string:_:)`` filters them; filtering again gives the same lines.
    public var filteredText: Set<String>
    public var keepLine: @Sendable (_ name: UnsafeBufferPointer<UInt8>, _ rest: UnsafeBufferPointer<UInt8>) -> Bool

    public init(responses: Set<String>, firstOnly: [String: Int] = [:], filteredText: Set<String> = [],
                keepLine: @escaping @Sendable (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool = { _, _ in true }) {
        self.responses = responses
        self.firstOnly = firstOnly
        self.filteredText = filteredText
        self.keepLine = keepLine
    }

    /// Whether responses stored alone (a gzip member tagged `section/key[,key…]`, see
    /// docs/snapshot-format.md) are left out, `before` being how many members with the same
    /// tag came before: the compactor would drop every one of them. A `firstOnly` key passes
    /// its first `limit` members of a tag, and the compactor keeps the first `limit` it sees:
    /// every response among the file's first `limit` is among those, so the two keep the same.
    ///
    /// ```swift
    /// let keep = SnapshotKeep(responses: ["clusters"])
    /// keep.leavesOut(member: "admin/configDump,istiodConfigDump", before: 0)   // true
    /// keep.leavesOut(member: "admin/clusters", before: 0)                      // false
    /// ```
    public func leavesOut(member tag: String, before: Int) -> Bool {
        guard let (section, keys) = SnapshotMemberTag.parse(tag), SnapshotLayout.sectionNames.contains(section) else { return false }
        return keys.allSatisfy { key in
            guard responses.contains(key) else { return true }
            return firstOnly[key].map { before >= $0 } ?? false
        }
    }
}

/// Shrinks a snapshot as its bytes arrive, keeping what a ``SnapshotKeep`` names: the
/// result is a snapshot document itself (every top-level member, every proxy with its
/// identity, its `admin` and `earlier` sections holding only the kept responses), opened by
/// ``SnapshotIndex`` as any other. Bytes are fed in chunks (a gzip file as it inflates), and
/// only the item being read (a top-level member or one proxy) is held besides the result, so
/// memory is bounded by the result, not the file.
///
/// Anything it does not expect (a member name with escapes, bytes after the document, a
/// proxy that is not an object, JSON it cannot cross) makes it give up: ``finish()`` returns
/// nil and the caller reads the file whole, whose reader reports the problem with its place.
/// A value cut short by the chunk's end is tried again once at least twice as many bytes of it
/// are in, so a large member costs at most about twice its skim.
///
/// ```swift
/// let c = SnapshotCompactor(keep: keep)
/// for chunk in inflated { guard c.feed(chunk) else { break } }
/// let bytes = c.finish()          // nil: read the file whole
/// c.leftOut                       // ["configDump", "certs", …]
/// ```
public final class SnapshotCompactor {
    public let keep: SnapshotKeep
    /// Response names left out of at least one proxy.
    public private(set) var leftOut: Set<String> = []
    /// Why it gave up, when it did.
    public private(set) var gaveUp: String?
    private var output: [UInt8] = []
    /// Bytes fed and not yet consumed, from the start of the item being read.
    private var window: [UInt8] = []
    private var stage = Stage.start
    /// The window size at which the item cut short is tried again.
    private var retryAt = 0
    private var kept: [String: Int] = [:]

    private enum Stage { case start, members(first: Bool), proxies(first: Bool), end }

    /// A step needs bytes not fed yet.
    private struct More: Error {}

    /// `reserving`: the bytes the result is expected to reach, reserved at once. A result
    /// grown by doubling was copied whole at each step, into pages faulted in afresh (a fifth
    /// of the skimming thread on a 1 GB snapshot); pages reserved and never written cost nothing.
    public init(keep: SnapshotKeep, reserving: Int = 0) {
        self.keep = keep
        if reserving > 0 { output.reserveCapacity(reserving) }
    }

    /// Takes the next bytes; false once it has given up (feeding more is pointless).
    @discardableResult
    public func feed(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        // Items whole in the chunk are read where they are; only an item cut by the chunk's
        // end is copied, and the next chunk's bytes go after it just until it is whole.
        var start = 0
        while start < chunk.count && gaveUp == nil {
            if window.isEmpty {
                let rest = UnsafeBufferPointer(rebasing: chunk[start...])
                let (consumed, short) = items(rest, complete: false)
                window.append(contentsOf: UnsafeBufferPointer(rebasing: rest[consumed...]))
                retryAt = short ? window.count + max(Self.step, window.count) : 0
                return gaveUp == nil
            }
            let pending = window.count
            let n = min(chunk.count - start, max(retryAt - pending, 1))
            window.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<(start + n)]))
            start += n
            guard window.count >= retryAt else { continue }
            let (consumed, short) = window.withUnsafeBufferPointer { items($0, complete: false) }
            if consumed >= pending {
                // The item carried over is done: what is left of the window is the chunk's own.
                start -= window.count - consumed
                window.removeAll(keepingCapacity: true)
                retryAt = 0
            } else {
                window.removeFirst(consumed)
                retryAt = short ? window.count + max(Self.step, window.count) : 0
            }
        }
        return gaveUp == nil
    }

    /// The compacted document once every byte is fed; nil when it gave up or the input is
    /// not a whole snapshot object.
    public func finish() -> [UInt8]? {
        guard gaveUp == nil else { return nil }
        _ = window.withUnsafeBufferPointer { items($0, complete: true) }
        guard gaveUp == nil else { return nil }
        guard case .end = stage else {
            gaveUp = "the document ends early"
            return nil
        }
        return output
    }

    private func giveUp(_ why: String) { if gaveUp == nil { gaveUp = why } }

    /// How many more bytes at least an item cut short waits for before it is tried again.
    static let step = 1 << 16

    /// Every item `b` holds whole, from its start: how many bytes they took, and whether an
    /// item was cut short by the end of `b` (when `complete`, that is the end of the input).
    private func items(_ b: UnsafeBufferPointer<UInt8>, complete: Bool) -> (consumed: Int, short: Bool) {
        var consumed = 0
        while gaveUp == nil {
            let mark = output.count
            let saved = kept
            do {
                guard let next = try step(b, consumed) else { break }
                consumed = next
            } catch {
                // Cut short by the end of the bytes so far (or not crossable: known at the end).
                output.removeLast(output.count - mark)
                kept = saved
                if complete { giveUp("the document ends early or cannot be crossed") }
                return (consumed, true)
            }
        }
        return (consumed, false)
    }

    /// One item from `i`: where the next starts, nil at the end of what can be read.
    private func step(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws -> Int? {
        // Space at the end of the bytes so far is crossed, never carried over: however much
        // of it comes, between items or around the document, it is read once.
        let k = JSONSkimmer.skipSpace(b, i)
        if k == b.count && k > i { return k }
        switch stage {
        case .start:
            let k = try next(b, i)
            guard b[k] == 0x7B else { giveUp("not a JSON object"); return nil }
            output.append(0x7B)
            stage = .members(first: true)
            return k + 1
        case .members(let first):
            var k = try next(b, i)
            if b[k] == 0x7D {
                output.append(0x7D)
                stage = .end
                return k + 1
            }
            if !first {
                guard b[k] == 0x2C else { giveUp("expected ',' or '}' at the top level"); return nil }
                k = try next(b, k + 1)
            }
            guard b[k] == 0x22 else { giveUp("expected a member name at the top level"); return nil }
            let keyEnd = try JSONSkimmer.stringEnd(b, k)
            let c = try next(b, keyEnd)
            guard b[c] == 0x3A else { giveUp("expected ':' at the top level"); return nil }
            let v = try next(b, c + 1)
            if !first { output.append(0x2C) }
            if JSONSkimmer.decodeKey(b, k, keyEnd) == "proxies" && b[v] == 0x5B {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: b[k..<keyEnd]))
                output.append(contentsOf: [0x3A, 0x5B])
                stage = .proxies(first: true)
                return v + 1
            }
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 0)
            _ = try next(b, end)   // a number is whole only once what follows it is in
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[k..<end]))
            stage = .members(first: false)
            return end
        case .proxies(let first):
            var k = try next(b, i)
            if b[k] == 0x5D {
                output.append(0x5D)
                stage = .members(first: false)
                return k + 1
            }
            if !first {
                guard b[k] == 0x2C else { giveUp("expected ',' or ']' in the proxies"); return nil }
                k = try next(b, k + 1)
                output.append(0x2C)
            }
            guard b[k] == 0x7B else { giveUp("a proxy that is not an object"); return nil }
            let end = try proxy(b, at: k)
            stage = .proxies(first: false)
            return end
        case .end:
            if k < b.count { giveUp("bytes after the document") }
            return nil
        }
    }

    /// The first byte at or after `i` that is not space.
    private func next(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws(More) -> Int {
        let k = JSONSkimmer.skipSpace(b, i)
        guard k < b.count else { throw More() }
        return k
    }

    /// A proxy object (depth 2): its members as they are, its first `admin` and `earlier`
    /// sections with only the kept responses.
    private func proxy(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws -> Int {
        try SnapshotLayout.enter(2, at: start)
        output.append(0x7B)
        var first = true
        var seen: Set<String> = []
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            try member(key, &first)
            if SnapshotLayout.sectionNames.contains(key), !seen.contains(key), v < b.count, b[v] == 0x7B {
                seen.insert(key)
                return try section(b, at: v)
            }
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 2)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[v..<end]))
            return end
        }
        output.append(0x7D)
        return end
    }

    /// An `admin` or `earlier` section (depth 3).
    private func section(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONSkimmer.SkimError) -> Int {
        try SnapshotLayout.enter(3, at: start)
        output.append(0x7B)
        var first = true
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            var wanted = keep.responses.contains(key)
            if wanted, let limit = keep.firstOnly[key] {
                wanted = kept[key, default: 0] < limit
                kept[key, default: 0] += 1
            }
            guard wanted else {
                leftOut.insert(key)
                return try JSONSkimmer.valueEnd(b, v, outerDepth: 3)
            }
            try member(key, &first)
            if keep.filteredText.contains(key), v < b.count, b[v] == 0x7B {
                return try filtered(b, responseAt: v)
            }
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 3)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[v..<end]))
            return end
        }
        output.append(0x7D)
        return end
    }

    /// A text response (depth 4) with only the kept lines in its `text`.
    private func filtered(_ b: UnsafeBufferPointer<UInt8>, responseAt start: Int) throws(JSONSkimmer.SkimError) -> Int {
        try SnapshotLayout.enter(4, at: start)
        output.append(0x7B)
        var first = true
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            try member(key, &first)
            if key == "text", let (lines, end) = SnapshotTextLines.keptEscaped(in: b, stringAt: v, keep.keepLine) {
                output.append(0x22)
                output.append(contentsOf: lines)
                output.append(0x22)
                return end
            }
            // Not a plain text (or cut short, or not text): crossed, and kept whole.
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 4)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: b[v..<end]))
            return end
        }
        output.append(0x7D)
        return end
    }

    /// `,"key":` (no comma first). A name that needs escaping is not one meshscope writes.
    private func member(_ key: String, _ first: inout Bool) throws(JSONSkimmer.SkimError) {
        guard key.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) else {
            giveUp("a member name that needs escaping")
            throw JSONSkimmer.SkimError(message: "giving up", offset: 0)
        }
        if !first { output.append(0x2C) }
        first = false
        output.append(0x22)
        output.append(contentsOf: key.utf8)
        output.append(contentsOf: [0x22, 0x3A])
    }
}
