import Foundation

extension TrafficEdges {
    /// SOURCE, DESTINATION, SERVICE, SECURITY, OPEN, OPENED, CLOSED, SENT, RECEIVED, REQUESTS,
    /// ERRORS (`-` where the metrics have no HTTP requests, ``pending`` while Prometheus's
    /// totals are), then per-second rates when the edges carry them. Wide adds REPORTER,
    /// PROTOCOL and both principals.
    ///
    /// ```swift
    /// TrafficEdges.table(edges).render()
    /// ```
    public static func table(_ edges: [TrafficEdge]) -> Table {
        let withRates = edges.contains { $0.rates != nil }
        // Latency and cluster only where a source measured them (Prometheus), so scraped
        // tables keep their columns.
        let withLatency = edges.contains { $0.latency != nil }
        let withCluster = edges.contains { $0.cluster != nil }
        var columns: [Table.Column] = [
            .init("SOURCE", keepsEnd: true), .init("DESTINATION", keepsEnd: true), .init("SERVICE"), .init("SECURITY"),
            .init("OPEN", numeric: true), .init("OPENED", numeric: true), .init("CLOSED", numeric: true),
            .init("SENT", numeric: true), .init("RECEIVED", numeric: true),
            .init("REQUESTS", numeric: true), .init("ERRORS", numeric: true),
        ]
        if withRates {
            columns += [
                .init("OPENED/S", numeric: true), .init("CLOSED/S", numeric: true), .init("SENT/S", numeric: true),
                .init("RECEIVED/S", numeric: true), .init("REQUESTS/S", numeric: true), .init("ERRORS/S", numeric: true),
            ]
        }
        if withLatency { columns += [.init("P50 MS", numeric: true), .init("P99 MS", numeric: true)] }
        if withCluster { columns.append(.init("CLUSTER")) }
        columns += [
            .init("ERRORS BY FLAG", wideOnly: true), .init("REPORTER", wideOnly: true), .init("PROTOCOL", wideOnly: true),
            .init("SOURCE PRINCIPAL", wideOnly: true), .init("DESTINATION PRINCIPAL", wideOnly: true),
        ]
        var table = Table(columns: columns, layout: TabWriter(minWidth: 0, padding: 3))
        table.rows = edges.map { e in
            var row = [
                e.source, e.destination, e.service, e.security.rawValue,
            ] + totalCells(e, [e.open, e.opened, e.closed, e.sent, e.received]) + [
                e.requests.map { totalCell(e, $0) } ?? "-", e.errors.map { totalCell(e, $0) } ?? "-",
            ]
            if withRates {
                if let r = e.rates {
                    row += [rate(r.opened), rate(r.closed), rate(r.sent), rate(r.received), r.requests.map(rate) ?? "-", r.errors.map(rate) ?? "-"]
                } else {
                    row += Array(repeating: "-", count: 6)
                }
            }
            if withLatency { row += [e.latency?.p50.map(milliseconds) ?? "-", e.latency?.p99.map(milliseconds) ?? "-"] }
            if withCluster { row.append(e.cluster ?? "-") }
            row += [e.errorSummary ?? "-", e.reporter, e.protocols.joined(separator: ","), e.sourcePrincipal, e.destinationPrincipal]
            return row
        }
        return table
    }

    /// What a table shows for a total that is not known yet (``TrafficEdge/totalsPending``):
    /// never `0`, which would read as a measured zero.
    public static let pending = "…"

    /// A total of `e` (``count(_:)``), or ``pending``.
    public static func totalCell(_ e: TrafficEdge, _ v: Double) -> String { e.totalsPending ? pending : count(v) }

    static func totalCells(_ e: TrafficEdge, _ values: [Double]) -> [String] { values.map { totalCell(e, $0) } }

    /// Counters are integers; print them without a fraction (Go's `%v` of a whole float).
    static func count(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e18 { return String(Int64(v)) }
        return String(v)
    }

    static func rate(_ v: Double) -> String { RateFormat.rate(v) }

    /// `12.5`, `1200`: milliseconds to one decimal, whole from 100 up.
    static func milliseconds(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        return v >= 100 ? count(v.rounded()) : String((v * 10).rounded() / 10)
    }

    /// The edges as data for `-o json|yaml`.
    public static func output(_ edges: [TrafficEdge]) -> JSONTree {
        .array(edges.map { e in
            var pairs: [(String, JSONTree?)] = [
                ("source", .string(e.source)), ("destination", .string(e.destination)), ("service", .string(e.service)),
                ("security", .string(e.security.rawValue)), ("reporter", .string(e.reporter)),
                ("sourcePrincipal", .string(e.sourcePrincipal)), ("destinationPrincipal", .string(e.destinationPrincipal)),
                ("protocols", .array(e.protocols.map { .string($0) })),
            ]
            if e.totalsPending {
                // Not answered yet: left out, never written as zeros.
                pairs.append(("totalsPending", .bool(true)))
            } else {
                pairs += [
                    ("open", number(e.open)), ("opened", number(e.opened)), ("closed", number(e.closed)),
                    ("sent", number(e.sent)), ("received", number(e.received)),
                    ("requests", e.requests.map(number)), ("errors", e.errors.map(number)), ("responseFlags", flags(e.flags, number: number)),
                ]
            }
            if let r = e.rates {
                pairs.append(("ratesPerSecond", .compact([
                    ("opened", .double(r.opened)), ("closed", .double(r.closed)), ("sent", .double(r.sent)),
                    ("received", .double(r.received)), ("requests", r.requests.map { .double($0) }),
                    ("errors", r.errors.map { .double($0) }), ("responseFlags", flags(r.flags, number: { .double($0) })),
                ])))
            }
            if let l = e.latency {
                pairs.append(("latencyMs", .compact([("p50", l.p50.map { .double($0) }), ("p99", l.p99.map { .double($0) })])))
            }
            if let c = e.cluster { pairs.append(("cluster", .string(c))) }
            return .compact(pairs)
        })
    }

    /// Flagged requests by flag, flags sorted; nil (left out) when none was flagged.
    static func flags(_ flags: [String: Double], number: (Double) -> JSONTree) -> JSONTree? {
        flags.isEmpty ? nil : .object(JSONObject(flags.sorted { $0.key < $1.key }.map { ($0.key, number($0.value)) }))
    }

    static func number(_ v: Double) -> JSONTree {
        v == v.rounded() && abs(v) < 1e18 ? .int(Int(v)) : .double(v)
    }
}
