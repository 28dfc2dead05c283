/// Where everything `SnapshotIndex` reads is in a snapshot, found in the one pass over the
/// bytes that opens it: the top-level members, each proxy's object, its `admin` and `earlier`
/// responses and each response's fields (`fetchedAt`, `json`, `text`, …). The bodies
/// themselves (config dumps, recorded Prometheus text) are crossed once and never parsed here.
///
/// Reading the levels one at a time would skim the proxies' bytes once per level (the proxies
/// array, each proxy, its sections, each response): five passes over a 700 MB file instead of one.
///
/// A part it cannot read (a section that is not an object, a response that is not one) is left
/// out, and `SnapshotIndex` reads that part lazily as before, with the same error. Anything
/// wrong at the top level or in the proxies array throws; the caller then reads the file the
/// level-by-level way, whose messages name the place.
///
/// ```swift
/// let layout = try SnapshotLayout.skim(buffer)
/// layout.proxies?[0].sections["admin"]?.map(\.member.key)    // ["configDump", "clusters", …]
/// ```
struct SnapshotLayout: Sendable {
    /// One stored response: its member in the section, and its fields when it is an object.
    struct Response: Sendable {
        var member: JSONSkimmer.Member
        var fields: [JSONSkimmer.Member]?
    }

    /// One proxy's object and the responses of its first `admin` and `earlier` members. A
    /// section the proxy lacks is `[]`; one that could not be read is absent (read lazily).
    struct Proxy: Sendable {
        var range: Range<Int>
        var sections: [String: [Response]]?
    }

    /// The sections the proxy readers ask for.
    static let sectionNames = ["admin", "earlier"]

    /// The top-level members in file order (a repeated name: the last one counts).
    var members: [JSONSkimmer.Member] = []
    /// The last `proxies` member's elements when it is an array; nil when there is none.
    var proxies: [Proxy]?

    /// One pass over a whole snapshot (the object starting at the first non-space byte). A
    /// proxy `preskim` holds (skimmed while the file was inflated) is crossed in one step.
    static func skim(_ b: UnsafeBufferPointer<UInt8>, preskim: SnapshotPreskim? = nil) throws(JSONSkimmer.SkimError) -> SnapshotLayout {
        var layout = SnapshotLayout()
        let start = JSONSkimmer.skipSpace(b, 0)
        _ = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            let end: Int
            if key == "proxies", v < b.count, b[v] == 0x5B {
                var list: [Proxy] = []
                try enter(1, at: v)
                end = try JSONSkimmer.walkElements(b, arrayAt: v) { p throws(JSONSkimmer.SkimError) in
                    if let (proxy, pEnd) = preskim?.proxies[p], pEnd <= b.count {
                        list.append(proxy)
                        return pEnd
                    }
                    let (proxy, pEnd) = try Self.proxy(b, at: p)
                    list.append(proxy)
                    return pEnd
                }
                layout.proxies = list
            } else {
                end = try JSONSkimmer.valueEnd(b, v, outerDepth: 0)
                if key == "proxies" { layout.proxies = nil }
            }
            layout.members.append(JSONSkimmer.Member(key: key, value: v..<end))
            return end
        }
        return layout
    }

    /// A proxy element (depth 2): read into its sections when it is an object; otherwise, or
    /// when its object cannot be read member by member, only its extent.
    static func proxy(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONSkimmer.SkimError) -> (Proxy, Int) {
        if start < b.count, b[start] == 0x7B, let read = try? sections(b, proxyAt: start) { return read }
        let end = try JSONSkimmer.valueEnd(b, start, outerDepth: 1)
        return (Proxy(range: start..<end, sections: nil), end)
    }

    static func sections(_ b: UnsafeBufferPointer<UInt8>, proxyAt start: Int) throws(JSONSkimmer.SkimError) -> (Proxy, Int) {
        try enter(2, at: start)
        var sections: [String: [Response]] = [:]
        var seen: Set<String> = []
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            guard sectionNames.contains(key), !seen.contains(key) else { return try JSONSkimmer.valueEnd(b, v, outerDepth: 2) }
            seen.insert(key)
            if v < b.count, b[v] == 0x7B, let (list, end) = try? responses(b, sectionAt: v) {
                sections[key] = list
                return end
            }
            return try JSONSkimmer.valueEnd(b, v, outerDepth: 2)
        }
        for name in sectionNames where !seen.contains(name) { sections[name] = [] }
        return (Proxy(range: start..<end, sections: sections), end)
    }

    /// An `admin` or `earlier` object (depth 3): each response with its fields.
    static func responses(_ b: UnsafeBufferPointer<UInt8>, sectionAt start: Int) throws(JSONSkimmer.SkimError) -> ([Response], Int) {
        try enter(3, at: start)
        var list: [Response] = []
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            if v < b.count, b[v] == 0x7B, let (fields, end) = try? Self.fields(b, responseAt: v) {
                list.append(Response(member: JSONSkimmer.Member(key: key, value: v..<end), fields: fields))
                return end
            }
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 3)
            list.append(Response(member: JSONSkimmer.Member(key: key, value: v..<end), fields: nil))
            return end
        }
        return (list, end)
    }

    /// One response object (depth 4): its fields, values skimmed.
    static func fields(_ b: UnsafeBufferPointer<UInt8>, responseAt start: Int) throws(JSONSkimmer.SkimError) -> ([JSONSkimmer.Member], Int) {
        try enter(4, at: start)
        var fields: [JSONSkimmer.Member] = []
        let end = try JSONSkimmer.walkMembers(b, objectAt: start) { key, v throws(JSONSkimmer.SkimError) in
            let end = try JSONSkimmer.valueEnd(b, v, outerDepth: 4)
            fields.append(JSONSkimmer.Member(key: key, value: v..<end))
            return end
        }
        return (fields, end)
    }

    /// The depth limit, counted as skimming the file whole counts it.
    static func enter(_ depth: Int, at offset: Int) throws(JSONSkimmer.SkimError) {
        let maxDepth = InputLimits.current.maxJSONDepth
        if depth > maxDepth {
            throw JSONSkimmer.SkimError(message: "JSON nested deeper than \(maxDepth) levels " + InputLimits.hint(String(maxDepth), flag: "--max-json-depth"), offset: offset)
        }
    }
}
