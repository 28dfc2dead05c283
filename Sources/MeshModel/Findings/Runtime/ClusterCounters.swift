import Foundation

/// Envoy's per-cluster counters, from any stats format: `cluster.NAME.upstream_rq_5xx` (text,
/// JSON) or `envoy_cluster_upstream_rq_5xx{cluster_name="NAME"}` (Prometheus). Cluster names
/// hold dots (`outbound|9080||ratings.bookinfo.svc.cluster.local`), so the counter is found
/// by its known suffix.
///
/// Built once per stats read (``ProxyFacts/clusterCounters(before:)``), not once per rule:
/// at 6,000 proxies the two rate rules building it from both reads of every proxy were a
/// tenth of `check`. Names are read as bytes; a name with a non-ASCII or control byte
/// goes the String way (``init(strings:)``), which agrees with the byte way on ASCII names.
///
/// ```swift
/// ClusterCounters(stats).values["outbound|9080||ratings…"]?[0]   // upstream_rq_5xx: 12
/// ```
struct ClusterCounters: Sendable, Equatable {
    /// The counters kept, in the order ``Counts`` holds them.
    static let names = ["upstream_rq_5xx", "upstream_rq_total", "upstream_cx_connect_fail", "upstream_cx_total"]

    /// One cluster's counters, by their index in ``names`` (nil: not in the read).
    struct Counts: Sendable, Equatable {
        var values: (Double?, Double?, Double?, Double?) = (nil, nil, nil, nil)

        subscript(_ i: Int) -> Double? {
            get {
                switch i {
                case 0: values.0
                case 1: values.1
                case 2: values.2
                case 3: values.3
                default: nil
                }
            }
            set {
                switch i {
                case 0: values.0 = newValue
                case 1: values.1 = newValue
                case 2: values.2 = newValue
                case 3: values.3 = newValue
                default: break
                }
            }
        }

        subscript(_ name: String) -> Double? { ClusterCounters.names.firstIndex(of: name).flatMap { self[$0] } }

        static func == (a: Counts, b: Counts) -> Bool { (0..<4).allSatisfy { a[$0] == b[$0] || (a[$0]?.isNaN == true && b[$0]?.isNaN == true) } }
    }

    var values: [String: Counts] = [:]

    init(_ stats: StatsSnapshot) {
        for s in stats.stats {
            guard let v = s.value.doubleValue else { continue }
            var name = s.name
            let plain = name.withUTF8 { b -> Bool in
                guard Self.isPlain(b) else { return false }
                add(bytes: b, v)
                return true
            }
            if !plain { add(string: s.name, v) }
        }
    }

    /// The String way only (what ``init(_:)`` does for a name that is not plain ASCII); tests
    /// hold the byte way to it.
    init(strings stats: StatsSnapshot) {
        for s in stats.stats {
            guard let v = s.value.doubleValue else { continue }
            add(string: s.name, v)
        }
    }

    /// Printable ASCII only: there bytes compare as Characters do.
    static func isPlain(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var odd: UInt8 = 0
        for c in b { odd |= ((c &- 0x20) | c) & 0x80 }
        return odd == 0
    }

    private mutating func add(bytes b: UnsafeBufferPointer<UInt8>, _ v: Double) {
        if b.starts(with: Self.promPrefix) {
            guard let brace = b.firstIndex(of: 0x7B) else { return }
            let family = UnsafeBufferPointer(rebasing: b[Self.promPrefix.count..<brace])
            guard let counter = Self.counterBytes.firstIndex(where: { $0.elementsEqual(family) }),
                  let cluster = Self.label(in: UnsafeBufferPointer(rebasing: b[brace...])) else { return }
            values[cluster, default: Counts()][counter] = (values[cluster]?[counter] ?? 0) + v
        } else if b.starts(with: Self.textPrefix) {
            for (counter, suffix) in Self.dottedCounterBytes.enumerated() where b.count >= suffix.count {
                let tail = b.count - suffix.count
                guard UnsafeBufferPointer(rebasing: b[tail...]).elementsEqual(suffix), tail > Self.textPrefix.count else { continue }
                values[String(decoding: UnsafeBufferPointer(rebasing: b[Self.textPrefix.count..<tail]), as: UTF8.self), default: Counts()][counter] = v
            }
        }
    }

    /// The value of `cluster_name="…"` in a label set's bytes (from its `{`): the first
    /// `{cluster_name="`, else the first `,cluster_name="`, up to the next quote.
    private static func label(in labels: UnsafeBufferPointer<UInt8>) -> String? {
        guard let start = find(Self.openLabel, in: labels) ?? find(Self.nextLabel, in: labels) else { return nil }
        let rest = UnsafeBufferPointer(rebasing: labels[(start + Self.openLabel.count)...])
        guard let end = rest.firstIndex(of: 0x22) else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: rest[..<end]), as: UTF8.self)
    }

    /// Where `needle` first starts in `hay` (both ASCII).
    private static func find(_ needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>) -> Int? {
        guard hay.count >= needle.count, let first = needle.first else { return nil }
        var i = hay.startIndex
        let last = hay.endIndex - needle.count
        while i <= last {
            if hay[i] == first && UnsafeBufferPointer(rebasing: hay[i..<(i + needle.count)]).elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static let promPrefix = Array("envoy_cluster_".utf8)
    private static let textPrefix = Array("cluster.".utf8)
    private static let counterBytes = names.map { Array($0.utf8) }
    private static let dottedCounterBytes = names.map { Array(("." + $0).utf8) }
    private static let openLabel = Array("{cluster_name=\"".utf8)
    private static let nextLabel = Array(",cluster_name=\"".utf8)

    private mutating func add(string name: String, _ v: Double) {
        if name.hasPrefix("envoy_cluster_") {
            guard let brace = name.firstIndex(of: "{") else { return }
            let family = name[name.index(name.startIndex, offsetBy: 14)..<brace]
            guard let counter = Self.names.firstIndex(where: { $0 == family }),
                  let cluster = Self.label("cluster_name", in: name[brace...]) else { return }
            values[cluster, default: Counts()][counter] = (values[cluster]?[counter] ?? 0) + v
        } else if name.hasPrefix("cluster.") {
            for (i, counter) in Self.names.enumerated() where name.hasSuffix("." + counter) {
                let cluster = name.dropFirst(8).dropLast(counter.count + 1)
                if !cluster.isEmpty { values[String(cluster), default: Counts()][i] = v }
            }
        }
    }

    /// The value of `name="…"` in a Prometheus label set (escapes kept as printed).
    static func label(_ name: String, in labels: Substring) -> String? {
        guard let r = labels.range(of: "{" + name + "=\"") ?? labels.range(of: "," + name + "=\"") else { return nil }
        let rest = labels[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}

/// A proxy's ``ClusterCounters``, built on first use and shared by every rule of an
/// evaluation; a new box replaces it when the stats it was built from change.
final class ProxyFactsDerived: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [Bool: ClusterCounters] = [:]

    func counters(before: Bool, _ build: () -> ClusterCounters) -> ClusterCounters {
        lock.lock()
        defer { lock.unlock() }
        if let c = counters[before] { return c }
        let built = build()
        counters[before] = built
        return built
    }
}

extension ProxyFacts {
    /// The cluster counters of ``previousStats`` (`before`) or ``stats``, built once.
    func clusterCounters(before: Bool) -> ClusterCounters {
        derived.counters(before: before) { ClusterCounters((before ? previousStats : stats) ?? StatsSnapshot(format: .prometheus)) }
    }
}
