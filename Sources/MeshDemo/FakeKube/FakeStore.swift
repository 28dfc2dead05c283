import Foundation
import MeshModel

/// The fake API server's storage: objects per resource as JSON bytes, a global
/// resourceVersion, a bounded event history for watch resumption, and live watchers.
///
/// Everything happens under one lock, so a write, its history entry and its delivery to
/// watchers are atomic: a watcher never sees versions out of order.
final class FakeStore: @unchecked Sendable {
    struct Entry {
        var bytes: [UInt8]
        var labels: [String: String]
        /// Values field selectors can use: metadata.name, metadata.namespace, spec.nodeName, status.phase.
        var fields: [String: String]
    }

    struct Bucket {
        var resource: APIResource
        var objects: [String: Entry] = [:]
        var sortedKeys: [String]?
    }

    struct Event {
        var rv: Int
        var resourceKey: String
        var namespace: String?
        var labels: [String: String]
        var fields: [String: String]
        var line: [UInt8]
    }

    struct Watcher {
        var resourceKey: String
        var namespace: String?
        var selector: LabelSelector
        var fieldSelector: [(String, String, Bool)]
        var continuation: AsyncStream<[UInt8]>.Continuation
    }

    private let lock = NSLock()
    private var rv = 1000
    private var buckets: [String: Bucket] = [:]
    private var history: [Event] = []
    private var historyStart = 0
    private var compactedRV = 0
    private var watchers: [UUID: Watcher] = [:]
    let historyLimit: Int

    init(resources: [APIResource], historyLimit: Int = 20_000) {
        self.historyLimit = historyLimit
        for r in resources { buckets[r.qualifiedName] = Bucket(resource: r) }
    }

    var currentRV: Int { lock.withLock { rv } }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    static func key(namespace: String?, name: String) -> String { namespace.map { "\($0)/\(name)" } ?? name }

    // MARK: Reads (call under lock)

    func getLocked(_ resource: APIResource, namespace: String?, name: String) -> Entry? {
        buckets[resource.qualifiedName]?.objects[FakeStore.key(namespace: resource.namespaced ? namespace : nil, name: name)]
    }

    func rvLocked() -> Int { rv }
    func compactedLocked() -> Int { compactedRV }

    func sortedKeysLocked(_ resource: APIResource) -> [String] {
        let k = resource.qualifiedName
        if let keys = buckets[k]?.sortedKeys { return keys }
        let keys = (buckets[k]?.objects.keys).map { Array($0).sorted() } ?? []
        buckets[k]?.sortedKeys = keys
        return keys
    }

    func entryLocked(_ resource: APIResource, key: String) -> Entry? { buckets[resource.qualifiedName]?.objects[key] }

    // MARK: Writes (call under lock)

    enum EventType: String { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

    /// Stores an object (already carrying its new resourceVersion) and notifies watchers.
    func putLocked(_ resource: APIResource, object: JSONTree, type: EventType) {
        let name = object["metadata"]?["name"]?.string ?? ""
        let ns = resource.namespaced ? object["metadata"]?["namespace"]?.string : nil
        let key = FakeStore.key(namespace: ns, name: name)
        let entry = FakeStore.entry(object, namespace: ns, name: name)
        let k = resource.qualifiedName
        if buckets[k]?.objects[key] == nil { buckets[k]?.sortedKeys = nil }
        buckets[k]?.objects[key] = entry
        record(resource, entry: entry, namespace: ns, type: type.rawValue)
    }

    func deleteLocked(_ resource: APIResource, namespace: String?, name: String, finalObject: JSONTree) {
        let ns = resource.namespaced ? namespace : nil
        let key = FakeStore.key(namespace: ns, name: name)
        let k = resource.qualifiedName
        guard buckets[k]?.objects[key] != nil else { return }
        buckets[k]?.objects[key] = nil
        buckets[k]?.sortedKeys = nil
        record(resource, entry: FakeStore.entry(finalObject, namespace: ns, name: name), namespace: ns, type: EventType.deleted.rawValue)
    }

    func nextRVLocked() -> Int {
        rv += 1
        return rv
    }

    /// Bulk load without history or watch events (generated data before clients connect).
    func seedLocked(_ resource: APIResource, object: JSONTree) {
        let name = object["metadata"]?["name"]?.string ?? ""
        let ns = resource.namespaced ? object["metadata"]?["namespace"]?.string : nil
        let k = resource.qualifiedName
        buckets[k]?.objects[FakeStore.key(namespace: ns, name: name)] = FakeStore.entry(object, namespace: ns, name: name)
        buckets[k]?.sortedKeys = nil
    }

    private func record(_ resource: APIResource, entry: Entry, namespace: String?, type: String) {
        var line = Array(#"{"type":""#.utf8)
        line += Array(type.utf8)
        line += Array(#"","object":"#.utf8)
        line += entry.bytes
        line += Array("}\n".utf8)
        let event = Event(rv: rv, resourceKey: resource.qualifiedName, namespace: namespace, labels: entry.labels, fields: entry.fields, line: line)
        history.append(event)
        if history.count - historyStart > historyLimit {
            historyStart += 1
            compactedRV = history[historyStart - 1].rv
            if historyStart > 4096 {
                history.removeFirst(historyStart)
                historyStart = 0
            }
        }
        for w in watchers.values where FakeStore.matches(w, event) { w.continuation.yield(line) }
    }

    static func entry(_ object: JSONTree, namespace: String?, name: String) -> Entry {
        var labels: [String: String] = [:]
        if case .object(let l)? = object["metadata"]?["labels"] {
            for (k, v) in l { labels[k] = v.string ?? v.compactJSONString }
        }
        var fields = ["metadata.name": name]
        if let namespace { fields["metadata.namespace"] = namespace }
        if let node = object["spec"]?["nodeName"]?.string { fields["spec.nodeName"] = node }
        if let phase = object["status"]?["phase"]?.string { fields["status.phase"] = phase }
        return Entry(bytes: object.compactJSON(), labels: labels, fields: fields)
    }

    static func matches(_ w: Watcher, _ e: Event) -> Bool {
        guard w.resourceKey == e.resourceKey else { return false }
        if let ns = w.namespace, e.namespace != ns { return false }
        return w.selector.matches(e.labels) && FakeStore.fieldsMatch(w.fieldSelector, e.fields)
    }

    static func fieldsMatch(_ selector: [(String, String, Bool)], _ fields: [String: String]) -> Bool {
        selector.allSatisfy { key, value, equal in (fields[key] ?? "") == value ? equal : !equal }
    }

    // MARK: Compaction and watches

    /// Forgets all history: watches and continue tokens from before now get 410 Gone.
    func compact() {
        lock.withLock {
            compactedRV = rv
            history.removeAll()
            historyStart = 0
        }
    }

    enum WatchStart {
        case stream(AsyncStream<[UInt8]>, UUID)
        case expired(oldest: Int)
    }

    /// Registers a watcher from `fromRV` (0: send the current objects as ADDED first),
    /// replaying history after it.
    func watch(_ resource: APIResource, namespace: String?, selector: LabelSelector, fieldSelector: [(String, String, Bool)], fromRV: Int) -> WatchStart {
        lock.withLock {
            if fromRV != 0 && fromRV < compactedRV { return .expired(oldest: compactedRV) }
            let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
            let id = UUID()
            let w = Watcher(resourceKey: resource.qualifiedName, namespace: resource.namespaced ? namespace : nil, selector: selector, fieldSelector: fieldSelector, continuation: continuation)
            if fromRV == 0 {
                for key in sortedKeysLocked(resource) {
                    guard let e = entryLocked(resource, key: key) else { continue }
                    let ev = Event(rv: rv, resourceKey: w.resourceKey, namespace: e.fields["metadata.namespace"], labels: e.labels, fields: e.fields, line: Array(#"{"type":"ADDED","object":"#.utf8) + e.bytes + Array("}\n".utf8))
                    if FakeStore.matches(w, ev) { continuation.yield(ev.line) }
                }
            } else {
                for e in history[historyStart...] where e.rv > fromRV && FakeStore.matches(w, e) { continuation.yield(e.line) }
            }
            watchers[id] = w
            return .stream(stream, id)
        }
    }

    func stopWatch(_ id: UUID) {
        let w = lock.withLock { watchers.removeValue(forKey: id) }
        w?.continuation.finish()
    }

    /// A bookmark at the current version, sent through the watcher's own stream so it is
    /// ordered after every event already delivered.
    func bookmark(_ id: UUID, kind: String, apiVersion: String) {
        lock.withLock {
            guard let w = watchers[id] else { return }
            let line = #"{"type":"BOOKMARK","object":{"kind":"\#(kind)","apiVersion":"\#(apiVersion)","metadata":{"resourceVersion":"\#(rv)"}}}"# + "\n"
            w.continuation.yield(Array(line.utf8))
        }
    }

    var watcherCount: Int { lock.withLock { watchers.count } }

    func stopAllWatches() {
        let all = lock.withLock { () -> [Watcher] in
            let ws = Array(watchers.values)
            watchers.removeAll()
            return ws
        }
        for w in all { w.continuation.finish() }
    }
}
