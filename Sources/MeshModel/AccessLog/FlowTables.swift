/// The tables and structured output of `flows` and `top`, and the words for their flags.
///
/// Flags show as codes in the tables (`UH`) and are explained once below them
/// (``legend(_:)``: `UH: no healthy upstream host (503)`); `-o json` carries the
/// explanation with each flag.
public enum FlowTables {
    public static func flows(_ flows: [Flow]) -> Table {
        var t = Table(columns: [
            .init("TIME"), .init("SOURCE"), .init("DESTINATION"), .init("METHOD"), .init("ROUTE"), .init("STATUS", numeric: true),
            .init("FLAGS"), .init("DURATION", numeric: true), .init("BYTES", numeric: true),
            .init("REPORTER", wideOnly: true), .init("DETAILS", wideOnly: true), .init("UPSTREAM CLUSTER", wideOnly: true),
            .init("UPSTREAM HOST", wideOnly: true), .init("REQUEST ID", wideOnly: true),
        ])
        t.rows = flows.map { row($0) }
        return t
    }

    /// One flow's cells, in the order of ``flows(_:)``'s columns; without `wide`, only the
    /// columns shown without `-o wide` (a follower builds no cell it does not print).
    public static func row(_ f: Flow, wide: Bool = true) -> [String] {
        let e = f.entry
        let method: String = e.method ?? (e.format == .ztunnel ? "TCP" : "-")
        let flags: String = e.flags.isEmpty ? (e.error == nil ? "-" : "error") : e.flags.map(\.code).joined(separator: ",")
        let duration: String = e.durationMs.map { "\($0)ms" } ?? "-"
        var cells: [String] = [
            shortTime(e.startTime ?? e.receivedAt), f.source.name, f.destination.name, method, f.route,
            e.status.map(String.init) ?? "-", flags, duration, String((e.bytesSent ?? 0) &+ (e.bytesReceived ?? 0)),
        ]
        guard wide else { return cells }
        let reporter: String = f.reporter.map { ($0.pod ?? $0.workload) + "." + $0.namespace } ?? "-"
        let details: String = e.responseCodeDetails ?? e.error ?? e.message ?? "-"
        cells += [reporter, details, e.upstreamCluster ?? "-", e.upstreamHost ?? "-", e.requestID ?? "-"]
        return cells
    }

    /// `2025-01-30T10:53:16.283Z` → `10:53:16.283`: the date is the same for a whole tail.
    static func shortTime(_ t: String?) -> String {
        guard let t else { return "-" }
        let b = Array(t.utf8)
        if b.count >= 19, b[10] == UInt8(ascii: "T") || b[10] == 0x20 {
            var end = 19
            if end < b.count, b[end] == UInt8(ascii: ".") { end = min(b.count, 23) }
            return String(decoding: b[11..<end], as: UTF8.self)
        }
        return t
    }

    public static func flowNode(_ f: Flow) -> JSONTree {
        let e = f.entry
        func s(_ v: String?) -> JSONTree { v.map { .string($0) } ?? .null }
        func i(_ v: Int?) -> JSONTree { v.map { .int($0) } ?? .null }
        func end(_ x: Flow.End) -> JSONTree {
            .object([("name", .string(x.name)), ("workload", s(x.workload)), ("namespace", s(x.namespace)), ("pod", s(x.pod)), ("address", s(x.address))])
        }
        var fields: [(String, JSONTree)] = [
            ("format", .string(e.format.rawValue)), ("time", s(e.startTime)), ("receivedAt", s(e.receivedAt)),
            ("reporter", f.reporter.map { r in .object([("pod", s(r.pod)), ("namespace", .string(r.namespace)), ("workload", .string(r.workload))]) } ?? .null),
            ("source", end(f.source)), ("destination", end(f.destination)),
            ("method", s(e.method)), ("authority", s(e.authority)), ("path", s(e.path)), ("protocol", s(e.protocolName)),
            ("status", i(e.status)),
            ("flags", .array(e.flags.map { .object([("code", .string($0.code)), ("name", .string($0.longName)), ("explanation", .string($0.explanation))]) })),
            ("responseCodeDetails", s(e.responseCodeDetails)), ("connectionTerminationDetails", s(e.connectionTerminationDetails)),
            ("upstreamTransportFailureReason", s(e.upstreamTransportFailureReason)),
            ("durationMs", i(e.durationMs)), ("upstreamServiceTimeMs", i(e.upstreamServiceTimeMs)),
            ("bytesReceived", i(e.bytesReceived)), ("bytesSent", i(e.bytesSent)),
            ("upstreamCluster", s(e.upstreamCluster)), ("upstreamHost", s(e.upstreamHost)), ("upstreamLocalAddress", s(e.upstreamLocalAddress)),
            ("downstreamLocalAddress", s(e.downstreamLocalAddress)), ("downstreamRemoteAddress", s(e.downstreamRemoteAddress)),
            ("requestedServerName", s(e.requestedServerName)), ("routeName", s(e.routeName)), ("requestId", s(e.requestID)),
            ("userAgent", s(e.userAgent)), ("forwardedFor", s(e.forwardedFor)),
        ]
        if e.format == .ztunnel {
            fields += [("message", s(e.message)), ("direction", s(e.direction)), ("sourceIdentity", s(e.sourceIdentity)),
                       ("destinationIdentity", s(e.destinationIdentity)), ("destinationService", s(e.destinationService)), ("error", s(e.error))]
        }
        return .object(fields)
    }

    public static func top(_ rows: [FlowTop.Row]) -> Table {
        var t = Table(columns: [
            .init("SOURCE"), .init("DESTINATION"), .init("ROUTE"), .init("REQUESTS", numeric: true), .init("SUCCESS", numeric: true),
            .init("P50", numeric: true), .init("P99", numeric: true), .init("BYTES", numeric: true), .init("FLAGS"),
        ])
        t.rows = rows.map { r in
            [r.source, r.destination, r.route, String(r.requests), percent(ok: r.requests - r.failures, of: r.requests), r.p50Ms.map { "\($0)ms" } ?? "-",
             r.p99Ms.map { "\($0)ms" } ?? "-", String(r.bytes),
             r.flags.isEmpty ? "-" : r.flags.prefix(3).map { "\($0.code):\($0.count)" }.joined(separator: " ")]
        }
        return t
    }

    public static func topNode(_ rows: [FlowTop.Row]) -> JSONTree {
        .array(rows.map { r in
            .object([
                ("source", .string(r.source)), ("destination", .string(r.destination)), ("route", .string(r.route)),
                ("requests", .int(r.requests)), ("failures", .int(r.failures)), ("successRate", .double(r.successRate)),
                ("p50Ms", r.p50Ms.map { .int($0) } ?? .null), ("p99Ms", r.p99Ms.map { .int($0) } ?? .null), ("bytes", .int(r.bytes)),
                ("flags", .array(r.flags.map { f in
                    .object([("code", .string(f.code)), ("count", .int(f.count)),
                             ("explanation", .string(ResponseFlag.lookup(f.code)?.explanation ?? "not a flag Envoy documents"))])
                })),
            ])
        })
    }

    /// `99.5%`, rounded down from whole counts, so `100%` means nothing failed.
    static func percent(ok: Int, of total: Int) -> String {
        if total <= 0 || ok >= total { return "100%" }
        let tenths = max(0, ok) * 1000 / total
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// One line per flag code that appears: `UH: no healthy upstream host (503)`.
    public static func legend(_ codes: some Sequence<String>) -> String {
        var seen = Set<String>()
        var lines: [String] = []
        for c in codes where seen.insert(c).inserted {
            lines.append("  " + c + ": " + (ResponseFlag.lookup(c)?.explanation ?? "not a flag Envoy documents"))
        }
        return lines.isEmpty ? "" : "Flags:\n" + lines.joined(separator: "\n") + "\n"
    }
}
