/// The stats view: NAME, VALUE; `-o wide` adds TYPE and, given an earlier snapshot and the
/// interval between them, RATE/s, before VALUE (kept last: a histogram's P50/P90/P99/P100
/// summary is long and would otherwise push every later column far right). Histograms
/// follow the stats.
///
/// ```swift
/// let t = StatsTable.build(snapshot, include: { $0.hasPrefix("server.") })
/// print(t.render())
/// // NAME              VALUE
/// // server.live       1
/// ```
public enum StatsTable {
    public static func build(_ snapshot: StatsSnapshot, include: (String) -> Bool = { _ in true },
                             previous: StatsSnapshot? = nil, interval: Double? = nil) -> Table {
        var columns: [Table.Column] = [.init("NAME"), .init("TYPE", wideOnly: true)]
        var rates: [CounterRate]?
        if let previous, let interval {
            rates = snapshot.rates(since: previous, interval: interval)
            columns.append(.init("RATE/s", wideOnly: true, numeric: true))
        }
        columns.append(.init("VALUE", numeric: true))
        var table = Table(columns: columns)
        for (i, s) in snapshot.stats.enumerated() where include(s.name) {
            var row = [s.name, s.kind.rawValue]
            if let rates { row.append(rates[i].cell) }
            row.append(s.value.display)
            table.rows.append(row)
        }
        for h in snapshot.histograms where include(h.name) {
            var row = [h.name, "histogram"]
            if rates != nil { row.append("-") }
            row.append(h.display)
            table.rows.append(row)
        }
        return table
    }
}

extension StatsSnapshot {
    /// The structured form for `-o json|yaml`: every stat with its type (and rate when given),
    /// then histograms with all their quantiles.
    public func outputNode(include: (String) -> Bool = { _ in true }, rates: [CounterRate]? = nil) -> JSONTree {
        var statNodes: [JSONTree] = []
        for (i, s) in stats.enumerated() where include(s.name) {
            var pairs: [(String, JSONTree)] = [("name", .string(s.name)), ("type", .string(s.kind.rawValue))]
            switch s.value {
            case .integer(let v): pairs.append(("value", v <= UInt64(Int.max) ? .int(Int(v)) : .double(Double(v))))
            case .real(let v): pairs.append(("value", .double(v)))
            case .text(let t): pairs.append(("value", .string(t)))
            }
            if let rates {
                switch rates[i] {
                case .rate(let r): pairs.append(("rate", .double(r)))
                case .reset(let r):
                    pairs.append(("rate", .double(r)))
                    pairs.append(("reset", .bool(true)))
                case .new, .notCounter: break
                }
            }
            statNodes.append(.object(pairs))
        }
        var histogramNodes: [JSONTree] = []
        for h in histograms where include(h.name) {
            let qs: [JSONTree] = h.quantiles.map { q in
                .object([
                    ("percentile", .double(q.percentile)),
                    ("interval", q.interval.map { .double($0) } ?? .null),
                    ("cumulative", q.cumulative.map { .double($0) } ?? .null),
                ])
            }
            histogramNodes.append(.object([("name", .string(h.name)), ("quantiles", .array(qs))]))
        }
        return .object([("stats", .array(statNodes)), ("histograms", .array(histogramNodes))])
    }
}
