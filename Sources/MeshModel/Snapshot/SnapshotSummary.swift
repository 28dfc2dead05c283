import Foundation

/// What a snapshot holds, for `meshscope snapshot --summary`: when and where it was taken,
/// object counts per kind, proxies per kind with the bytes of their responses, failures, and
/// what the user was not allowed to read (one line per refusal, as `kubernetes.forbidden`
/// records it).
///
/// ```swift
/// let s = try SnapshotSummary(index)
/// print(s.render(fileBytes: 1_234_567, compressedBytes: nil))
/// ```
public struct SnapshotSummary: Sendable {
    public var metadata: SnapshotMetadata
    public var version: Int
    public var completedAt: Date?
    /// Objects per qualified resource name.
    public var objects: [(kind: String, count: Int)]
    /// Per proxy kind: how many, and bytes per response key.
    public var proxies: [(kind: String, count: Int, responses: [String: (count: Int, bytes: Int)])]
    public var failures: [SnapshotFailure]
    /// The reads refused when it was taken (`kubernetes.forbidden`).
    public var forbidden: [ForbiddenAccess]
    public var redactions: SnapshotRedactions

    public init(_ index: SnapshotIndex) throws(SnapshotFormatError) {
        metadata = index.metadata
        version = index.version
        completedAt = index.completedAt
        failures = index.failures
        redactions = index.redactions
        let kube = try index.kubernetes()
        forbidden = kube.forbidden
        objects = kube.objects.map { (kind: $0.key, count: $0.value.count) }.sorted { $0.kind < $1.kind }
        var byKind: [String: (count: Int, responses: [String: (count: Int, bytes: Int)])] = [:]
        for p in index.proxies {
            var entry = byKind[p.kind] ?? (0, [:])
            entry.count += 1
            for key in try index.responseKeys(p) {
                let size = (try index.response(p, key: key)?.body.count) ?? 0
                let old = entry.responses[key] ?? (0, 0)
                entry.responses[key] = (old.count + 1, old.bytes + size)
            }
            byKind[p.kind] = entry
        }
        let order = ["sidecar", "gateway", "waypoint", "ztunnel", "istiod"]
        proxies = byKind.map { (kind: $0.key, count: $0.value.count, responses: $0.value.responses) }
            .sorted { (order.firstIndex(of: $0.kind) ?? 99, $0.kind) < (order.firstIndex(of: $1.kind) ?? 99, $1.kind) }
    }

    /// The text `snapshot --summary` prints.
    public func render(path: String, fileBytes: Int, compressed: Bool) -> String {
        var out = ""
        let m = metadata
        func line(_ k: String, _ v: String) { out += (k + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + v + "\n" }
        line("Snapshot", "\(path) (\(SnapshotSummary.size(fileBytes))\(compressed ? " gzip" : ""))")
        line("Format", "version \(version), written by meshscope \(m.meshscopeVersion)")
        var taken = Timestamp.rfc3339(m.takenAt)
        if let c = completedAt { taken += " (collected in \(String(format: "%.1f", max(0, c.timeIntervalSince(m.takenAt))))s)" } else { taken += " (incomplete: no collection record)" }
        line("Taken", taken)
        line("Source", "\(m.sourceKind) \(m.sourceName), context \(m.context), server \(m.serverGitVersion ?? "version unknown")")
        line("Namespaces", m.namespaces.map { $0.joined(separator: ",") } ?? "all")
        var opts = [m.options.stats ? "stats" : "no stats (--no-stats)"]
        if m.options.stats { opts.append(m.options.rateInterval.map { "rates over \(LiveTablesFormat.seconds($0))" } ?? "no rates (one sample)") }
        if let sel = m.options.proxySelector { opts.append("proxies \(sel)") }
        line("Options", opts.joined(separator: ", "))
        let r = redactions
        line("Redacted", "\(r.keyMaterial) key material, \(r.environmentValues) env values, \(r.lastAppliedAnnotations) last-applied annotations, \(r.secrets) secrets")
        out += "\n"
        let objectRows = objects.map { [$0.kind, String($0.count)] }
        out += Table(columns: [Table.Column("RESOURCE"), Table.Column("OBJECTS", numeric: true)], rows: objectRows).render(wide: false)
        out += "\n"
        let keys = SnapshotFormat.responseKinds.keys.sorted()
        var proxyRows: [[String]] = []
        for p in proxies {
            let held = keys.filter { p.responses[$0] != nil }
            let bytes = held.reduce(0) { $0 + (p.responses[$1]?.bytes ?? 0) }
            let detail = held.map { "\($0) \(p.responses[$0]!.count)" }.joined(separator: ", ")
            proxyRows.append([p.kind, String(p.count), SnapshotSummary.size(bytes), detail])
        }
        out += Table(columns: [Table.Column("PROXY KIND"), Table.Column("PROXIES", numeric: true), Table.Column("RESPONSE BYTES", numeric: true), Table.Column("RESPONSES")],
                     rows: proxyRows).render(wide: false)
        out += "\n"
        if failures.isEmpty {
            out += "Failures:    none\n"
        } else {
            out += "Failures:    \(failures.count)\n"
            for f in failures { out += "  \(f.description)\n" }
        }
        if forbidden.isEmpty {
            out += "Forbidden:   none\n"
        } else {
            // The file's words may be the server's: made inert for the terminal.
            out += "Forbidden:   \(forbidden.count)\n"
            for f in forbidden { out += "  \(TerminalText.escaped(f.message))\(f.serverMessage.map { " (server: \(TerminalText.escaped($0)))" } ?? "")\n" }
        }
        return out
    }

    /// `12.3 MB`, `940 KB`, `512 B`.
    public static func size(_ n: Int) -> String {
        if n >= 1 << 30 { return String(format: "%.1f GB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return String(format: "%.0f KB", Double(n) / Double(1 << 10)) }
        return "\(n) B"
    }
}

enum LiveTablesFormat {
    static func seconds(_ s: Double) -> String {
        guard s.isFinite, abs(s) < 1e15 else { return "\(s)s" }
        return s == s.rounded() ? "\(Int(s))s" : String(format: "%.1fs", s)
    }
}
