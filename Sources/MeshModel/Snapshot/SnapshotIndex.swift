import Foundation

/// A snapshot file opened for reading: one pass over the bytes finds the top-level sections,
/// each proxy's byte range and where each of its responses and their fields are
/// (``SnapshotLayout``); nothing else is parsed until asked for. The Kubernetes
/// section is parsed on first use; one proxy's responses are located and returned without
/// parsing them (a JSON response is its original bytes).
///
/// ```swift
/// let snap = try SnapshotIndex(bytes: fileBytes, name: "mesh.json")
/// snap.metadata.context                 // "prod-eu"
/// snap.proxies.count                    // 412
/// let p = snap.proxy(name: "web-0", namespace: "shop")!
/// let dump = try snap.response(p, key: "configDump")?.body   // as the proxy sent it
/// ```
public final class SnapshotIndex: Sendable {
    public struct Proxy: Sendable, Equatable {
        public var name: String
        public var namespace: String
        public var kind: String
        public var node: String
        public var ip: String
        /// Byte range of the proxy's object in the file.
        public var range: Range<Int>

        public var key: String { namespace + "/" + name }
    }

    public let name: String
    public let bytes: [UInt8]
    public let version: Int
    public let metadata: SnapshotMetadata
    public let proxies: [Proxy]
    /// From `collection`; empty when the file has none (an interrupted or hand-written one).
    public let failures: [SnapshotFailure]
    public let completedAt: Date?
    public let redactions: SnapshotRedactions
    /// Byte ranges of the top-level members.
    public let sections: [String: Range<Int>]
    private let byKey: [String: Int]
    private let metadataDocument: JSONDocument
    /// Each proxy's responses and their fields, by the offset of the proxy's object, as the
    /// opening pass found them (``SnapshotLayout``); a proxy or section missing here is read
    /// lazily (``rangeMemo``).
    private let layouts: [Int: [String: [SnapshotLayout.Response]]]
    /// Each proxy's response members, located once: finding them skims the proxy's whole
    /// object, and `check` on a snapshot asks each proxy for several responses.
    private let rangeMemo = RangeMemo()

    private final class RangeMemo: @unchecked Sendable {
        let lock = NSLock()
        var ranges: [String: [JSONSkimmer.Member]] = [:]
    }

    /// Indexes `bytes` (the whole file, decompressed). `name` is used in messages. `preskim`:
    /// the proxies already skimmed while the file was inflated (``SnapshotPreskim``), each
    /// then crossed in one step; the index is the same without it.
    public init(bytes: [UInt8], name: String, preskim: SnapshotPreskim? = nil) throws(SnapshotFormatError) {
        self.name = name
        self.bytes = bytes
        var sections: [String: Range<Int>] = [:]
        var proxyRanges: [Range<Int>] = []
        var layouts: [Int: [String: [SnapshotLayout.Response]]] = [:]
        do {
            try JSONSkimmer.withBuffer(bytes) { b throws(JSONSkimmer.SkimError) in
                let start = JSONSkimmer.skipSpace(b, 0)
                guard start < b.count, b[start] == 0x7B else {
                    throw JSONSkimmer.SkimError(message: "a snapshot is a JSON object; found \(start < b.count ? "'\(Character(Unicode.Scalar(b[start])))'" : "an empty file")", offset: start)
                }
                // One pass finds every level; a file it cannot read whole is read level by level,
                // whose errors name the place.
                if let layout = try? SnapshotLayout.skim(b, preskim: preskim) {
                    for m in layout.members { sections[m.key] = m.value }
                    for p in layout.proxies ?? [] {
                        proxyRanges.append(p.range)
                        if let s = p.sections { layouts[p.range.lowerBound] = s }
                    }
                    return
                }
                for m in try JSONSkimmer.members(b, objectAt: start) { sections[m.key] = m.value }
                if let p = sections["proxies"], b[p.lowerBound] == 0x5B {
                    proxyRanges = try JSONSkimmer.elements(b, arrayAt: p.lowerBound)
                }
            }
        } catch {
            throw SnapshotFormatError("\(name): not a readable snapshot: \(error.description)")
        }
        self.layouts = layouts
        self.sections = sections
        func small(_ key: String) throws(SnapshotFormatError) -> JSONDocument? {
            guard let r = sections[key] else { return nil }
            do { return try JSONDocument(bytes: Array(bytes[r])) } catch {
                throw SnapshotFormatError("\(name): \(key): \(error.description) (the section starts at byte \(r.lowerBound))")
            }
        }
        guard let versionDoc = try small(SnapshotFormat.versionKey) else {
            throw SnapshotFormatError("\(name) is not a meshscope snapshot: no \"\(SnapshotFormat.versionKey)\" member at the top level")
        }
        guard let v = versionDoc.root.int else {
            throw SnapshotFormatError("\(name): \"\(SnapshotFormat.versionKey)\" is \(versionDoc.root.rawText), expected a format version number")
        }
        if v > SnapshotFormat.version {
            throw SnapshotFormatError("\(name) is a version \(v) snapshot; this meshscope (\(SnapshotFormat.meshscopeVersion)) reads versions up to \(SnapshotFormat.version): upgrade meshscope to open it")
        }
        if v < 1 {
            throw SnapshotFormatError("\(name) is a version \(v) snapshot (a pre-release format with a different layout); this meshscope reads version 1: take the snapshot again")
        }
        version = v
        guard let meta = try small("metadata") else {
            throw SnapshotFormatError("\(name): no \"metadata\" member (every version 1 snapshot has one)")
        }
        metadataDocument = meta
        do { metadata = try SnapshotMetadata.decode(meta.root) } catch {
            throw SnapshotFormatError("\(name): \(error.message)")
        }
        let collection = try small("collection")
        failures = collection?.root.member(exactly: "failures")?.elements.map(SnapshotFailure.decode) ?? []
        completedAt = collection?.root.member(exactly: "completedAt")?.string.flatMap(Timestamp.parse)
        redactions = SnapshotRedactions.decode(collection?.root.member(exactly: "redactions"))

        // Each proxy's identity comes first in its object: read it without skimming the responses.
        var proxies: [Proxy] = []
        proxies.reserveCapacity(proxyRanges.count)
        for (n, r) in proxyRanges.enumerated() {
            guard let p = SnapshotIndex.identity(bytes, r) else {
                throw SnapshotFormatError("\(name): proxies[\(n)] (byte \(r.lowerBound)) has no name and namespace")
            }
            proxies.append(p)
        }
        self.proxies = proxies
        var byKey: [String: Int] = [:]
        for (i, p) in proxies.enumerated() { byKey[p.key] = i }
        self.byKey = byKey
    }

    /// Reads the leading scalar members (name, namespace, kind, node, ip) of a proxy object.
    static func identity(_ bytes: [UInt8], _ r: Range<Int>) -> Proxy? {
        var fields: [String: String] = [:]
        let wanted: Set<String> = ["name", "namespace", "kind", "node", "ip"]
        // The identity members are written before anything large; stop at the first object value.
        bytes.withUnsafeBufferPointer { b in
            var i = JSONSkimmer.skipSpace(b, r.lowerBound + 1)
            while i < r.upperBound, b[i] == 0x22 {
                guard let keyEnd = try? JSONSkimmer.stringEnd(b, i) else { return }
                let key = JSONSkimmer.decodeKey(b, i, keyEnd)
                i = JSONSkimmer.skipSpace(b, keyEnd)
                guard i < r.upperBound, b[i] == 0x3A else { return }
                i = JSONSkimmer.skipSpace(b, i + 1)
                guard i < r.upperBound, b[i] == 0x22 || !(b[i] == 0x7B || b[i] == 0x5B) else { return }
                guard let end = try? JSONSkimmer.valueEnd(b, i) else { return }
                if wanted.contains(key), let doc = try? JSONDocument(bytes: Array(b[i..<end])) { fields[key] = doc.root.string }
                i = JSONSkimmer.skipSpace(b, end)
                guard i < r.upperBound, b[i] == 0x2C else { return }
                i = JSONSkimmer.skipSpace(b, i + 1)
            }
        }
        guard let name = fields["name"], let namespace = fields["namespace"] else { return nil }
        return Proxy(name: name, namespace: namespace, kind: fields["kind"] ?? "", node: fields["node"] ?? "", ip: fields["ip"] ?? "", range: r)
    }

    public func proxy(name: String, namespace: String) -> Proxy? {
        byKey[namespace + "/" + name].map { proxies[$0] }
    }

    /// Which responses a proxy holds (`admin` keys; `earlier` with `earlier: true`).
    public func responseKeys(_ p: Proxy, earlier: Bool = false) throws(SnapshotFormatError) -> [String] {
        let section = earlier ? "earlier" : "admin"
        if let known = layouts[p.range.lowerBound]?[section] { return known.map(\.member.key) }
        return try responseRanges(p, section: section).map(\.key)
    }

    /// A response's member and its fields: from the opening pass, else read now.
    private func located(_ p: Proxy, key: String, earlier: Bool) throws(SnapshotFormatError) -> (JSONSkimmer.Member, [JSONSkimmer.Member])? {
        let section = earlier ? "earlier" : "admin"
        let m: JSONSkimmer.Member
        if let known = layouts[p.range.lowerBound]?[section] {
            guard let r = known.first(where: { $0.member.key == key }) else { return nil }
            if let fields = r.fields { return (r.member, fields) }
            m = r.member
        } else {
            guard let found = try responseRanges(p, section: section).first(where: { $0.key == key }) else { return nil }
            m = found
        }
        do { return (m, try JSONSkimmer.members(bytes, objectAt: m.value.lowerBound)) } catch {
            throw SnapshotFormatError("\(name): proxy \(p.key) \(key): \(error.description)")
        }
    }

    private func responseRanges(_ p: Proxy, section: String) throws(SnapshotFormatError) -> [JSONSkimmer.Member] {
        let memoKey = "\(p.range.lowerBound) \(section)"
        if let known = rangeMemo.lock.withLock({ rangeMemo.ranges[memoKey] }) { return known }
        let found: [JSONSkimmer.Member]
        do {
            let members = try JSONSkimmer.members(bytes, objectAt: p.range.lowerBound)
            // Both sections are found in the one pass over the proxy's object.
            var sections: [String: [JSONSkimmer.Member]] = [:]
            for name in Set(["admin", "earlier", section]) {
                guard let m = members.first(where: { $0.key == name }) else {
                    sections[name] = []
                    continue
                }
                // Only the section asked for may fail the call; a broken other one is left to its own call.
                if name == section {
                    sections[name] = try JSONSkimmer.members(bytes, objectAt: m.value.lowerBound)
                } else if let list = try? JSONSkimmer.members(bytes, objectAt: m.value.lowerBound) {
                    sections[name] = list
                }
            }
            found = sections[section] ?? []
            rangeMemo.lock.withLock {
                for (name, list) in sections { rangeMemo.ranges["\(p.range.lowerBound) \(name)"] = list }
            }
        } catch {
            throw SnapshotFormatError("\(name): proxy \(p.key): \(error.description)")
        }
        return found
    }

    /// One stored response, its body exactly as the proxy sent it (after redaction).
    public func response(_ p: Proxy, key: String, earlier: Bool = false) throws(SnapshotFormatError) -> SnapshotResponse? {
        guard let (_, fields) = try located(p, key: key, earlier: earlier) else { return nil }
        return try response(p, key: key, fields: fields, filter: false) { _, _ in true }
    }

    /// One stored text response (recorded Prometheus text) with only the lines `keep` accepts
    /// (by their leading name and the rest of the line as stored, see ``SnapshotTextLines``):
    /// the same lines, in the same order, as filtering
    /// ``response(_:key:earlier:)``'s body, without decoding the rest. A response stored any
    /// other way (JSON, base64, a string with `\u` escapes) is returned whole.
    ///
    /// ```swift
    /// let stats = try snap.response(p, key: "statsPrometheus") { name, _ in name.starts(with: "istio_".utf8) }
    /// ```
    public func response(_ p: Proxy, key: String, earlier: Bool = false,
                         keepingLines keep: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) throws(SnapshotFormatError) -> SnapshotResponse? {
        guard let (_, fields) = try located(p, key: key, earlier: earlier) else { return nil }
        return try response(p, key: key, fields: fields, filter: true, keep)
    }

    private func response(_ p: Proxy, key: String, fields: [JSONSkimmer.Member], filter: Bool,
                          _ keep: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) throws(SnapshotFormatError) -> SnapshotResponse? {
        func scalar(_ k: String) throws(SnapshotFormatError) -> JSONValue? {
            guard let f = fields.first(where: { $0.key == k }) else { return nil }
            do { return try JSONDocument(bytes: Array(bytes[f.value])).root } catch {
                throw SnapshotFormatError("\(name): proxy \(p.key) \(key).\(k): \(error.description) (byte \(f.value.lowerBound))")
            }
        }
        let at = try scalar("fetchedAt")?.string.flatMap(Timestamp.parse) ?? metadata.takenAt
        if let j = fields.first(where: { $0.key == "json" }) {
            var body = Array(bytes[j.value])
            if let t = try scalar("trailing")?.string { body.append(contentsOf: t.utf8) }
            return SnapshotResponse(fetchedAt: at, body: body)
        }
        if filter, let t = fields.first(where: { $0.key == "text" }),
           let kept = bytes.withUnsafeBufferPointer({ SnapshotTextLines.kept(in: $0, string: t.value, keep) }) {
            return SnapshotResponse(fetchedAt: at, body: kept)
        }
        if let t = try scalar("text") {
            guard let s = t.string else { throw SnapshotFormatError("\(name): proxy \(p.key) \(key).text is not a string") }
            return SnapshotResponse(fetchedAt: at, body: Array(s.utf8))
        }
        if let b = try scalar("base64") {
            guard let s = b.string, let data = Data(base64Encoded: s) else { throw SnapshotFormatError("\(name): proxy \(p.key) \(key).base64 is not base64") }
            return SnapshotResponse(fetchedAt: at, body: [UInt8](data))
        }
        throw SnapshotFormatError("\(name): proxy \(p.key) \(key) has none of json, text, base64")
    }

    /// The failures recorded for one proxy.
    public func failures(of p: Proxy) -> [SnapshotFailure] { failures.filter { $0.proxy == p.key } }

    /// The `kubernetes` section, parsed (objects stay on the tape).
    public func kubernetes() throws(SnapshotFormatError) -> SnapshotKubernetes {
        guard let r = sections["kubernetes"] else { return SnapshotKubernetes(resources: [], objects: [:]) }
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: Array(bytes[r])) } catch {
            throw SnapshotFormatError("\(name): kubernetes: \(error.description) (the section starts at byte \(r.lowerBound))")
        }
        let resources = doc.root.member(exactly: "apiResources")?.elements.map { v in
            APIResource(group: v.member(exactly: "group")?.string ?? "", version: v.member(exactly: "version")?.string ?? "v1",
                        name: v.member(exactly: "name")?.string ?? "", singularName: v.member(exactly: "singularName")?.string ?? "",
                        kind: v.member(exactly: "kind")?.string ?? "", namespaced: v.member(exactly: "namespaced")?.bool ?? true,
                        verbs: v.member(exactly: "verbs")?.elements.compactMap(\.string) ?? [],
                        shortNames: v.member(exactly: "shortNames")?.elements.compactMap(\.string) ?? [],
                        categories: v.member(exactly: "categories")?.elements.compactMap(\.string) ?? [])
        } ?? []
        var objects: [String: [JSONValue]] = [:]
        if let all = doc.root.member(exactly: "objects") {
            for (k, list) in all.members { objects[k] = Array(list.elements) }
        }
        let forbidden = doc.root.member(exactly: "forbidden")?.elements.compactMap(ForbiddenAccess.init) ?? []
        return SnapshotKubernetes(resources: resources, objects: objects, forbidden: forbidden)
    }

    /// The `summary` section, parsed; nil when absent.
    public func summary() -> JSONValue? {
        guard let r = sections["summary"] else { return nil }
        return try? JSONDocument(bytes: Array(bytes[r])).root
    }
}

/// The Kubernetes objects of a snapshot, raw, by qualified resource name (`pods`,
/// `endpointslices.discovery.k8s.io`, `virtualservices.networking.istio.io`).
public struct SnapshotKubernetes: Sendable {
    public var resources: [APIResource]
    public var objects: [String: [JSONValue]]
    /// What the collecting user could not read (absent in files from before it was recorded).
    public var forbidden: [ForbiddenAccess]

    public init(resources: [APIResource], objects: [String: [JSONValue]], forbidden: [ForbiddenAccess] = []) {
        self.resources = resources
        self.objects = objects
        self.forbidden = forbidden
    }
}
