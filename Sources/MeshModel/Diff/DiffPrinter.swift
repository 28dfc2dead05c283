/// Prints a ``ConfigDiffResult``: a summary table, then per changed resource a header,
/// its changed field paths and the unified diff of its normalized YAML. The one printer
/// for every diff form (files, snapshots, istiod vs Envoy, apply previews, the TUI pane).
///
/// ```swift
/// let text = DiffPrinter.render(result, DiffPrinter.Options(color: console.isTerminal))
/// // TYPE       ADDED   REMOVED   CHANGED   UNCHANGED
/// // cluster    0       0         1         4
/// // …
/// // ~ cluster inbound-vip|9080|http|ratings… → inbound-vip|9999|http|ratings…
/// //   changed: name, eds_cluster_config
/// // --- a/cluster/inbound-vip|9080|http|ratings.default.svc.cluster.local
/// // +++ b/cluster/inbound-vip|9999|http|ratings.default.svc.cluster.local
/// // @@ -1,13 +1,6 @@
/// ```
public enum DiffPrinter {
    public struct Options: Sendable {
        /// ANSI colours: red deletions, green additions, cyan hunk headers.
        public var color = false
        public var summary = true

        public init(color: Bool = false, summary: Bool = true) {
            self.color = color
            self.summary = summary
        }
    }

    public static func render(_ diff: ConfigDiffResult, _ options: Options = Options()) -> String {
        var out = ""
        if options.summary {
            out += summaryTable(diff).render()
        }
        if !diff.hasDifferences {
            out += "\nNo differences.\n"
            return out
        }
        for r in diff.resources {
            out += "\n" + resource(r, labels: diff.labels, options)
        }
        return out
    }

    /// One resource's part of ``render(_:_:)``: its header, changed field paths and unified diff
    /// (what the TUI's Diff view shows for the selected row).
    public static func resource(_ r: ResourceDiff, labels: (old: String, new: String), _ options: Options = Options()) -> String {
        var out = header(r, options) + changedLine(r)
        // Like git: the side a resource is missing from is /dev/null.
        let old = r.change == .added ? "/dev/null" : "\(labels.old)/\(r.type)/\(r.previousName ?? r.name)"
        let new = r.change == .removed ? "/dev/null" : "\(labels.new)/\(r.type)/\(r.name)"
        out += paint("--- \(old)\n+++ \(new)\n", bold, options)
        out += colorize(r.unified, options)
        return out
    }

    /// `  changed: PATHS\n` (nothing when no paths): every path when they fit, else grouped
    /// and counted (``ChangedPathSummary``); the structured output keeps every path.
    public static func changedLine(_ r: ResourceDiff) -> String {
        guard !r.paths.isEmpty else { return "" }
        let changes = r.changes.isEmpty ? r.paths.map { FieldChange($0, .changed) } : r.changes
        return "  changed: " + ChangedPathSummary.line(changes) + "\n"
    }

    public static func summaryTable(_ diff: ConfigDiffResult) -> Table {
        Table(columns: [Table.Column("TYPE"), Table.Column("ADDED", numeric: true), Table.Column("REMOVED", numeric: true),
                        Table.Column("CHANGED", numeric: true), Table.Column("UNCHANGED", numeric: true)],
              rows: diff.summaries.map { [$0.type, String($0.added), String($0.removed), String($0.changed), String($0.unchanged)] })
    }

    /// The structured diff (`-o json|yaml`).
    public static func structured(_ diff: ConfigDiffResult) -> JSONTree {
        .object([
            "summary": .array(diff.summaries.map { s in
                .object(["type": .string(s.type), "added": .int(s.added), "removed": .int(s.removed),
                         "changed": .int(s.changed), "unchanged": .int(s.unchanged)])
            }),
            "resources": .array(diff.resources.map { r in
                .compact([
                    ("type", .string(r.type)), ("name", .string(r.name)),
                    ("previousName", r.previousName.map(JSONTree.string)),
                    ("change", .string(r.change.rawValue)),
                    ("paths", .array(r.paths.map(JSONTree.string))),
                    ("unified", .string(r.unified)),
                ])
            }),
        ])
    }

    static func header(_ r: ResourceDiff, _ options: Options) -> String {
        switch r.change {
        case .added: return paint("+ \(r.type) \(r.name) (added)\n", green, options)
        case .removed: return paint("- \(r.type) \(r.name) (removed)\n", red, options)
        case .changed:
            let name = r.previousName.map { "\($0) → \(r.name)" } ?? r.name
            return paint("~ \(r.type) \(name)\n", bold, options)
        }
    }

    // MARK: Colour

    static let red = "\u{1B}[31m"
    static let green = "\u{1B}[32m"
    static let cyan = "\u{1B}[36m"
    static let bold = "\u{1B}[1m"
    static let reset = "\u{1B}[0m"

    static func paint(_ line: String, _ code: String, _ options: Options) -> String {
        guard options.color else { return line }
        // The data is escaped before our colour codes go round it: the terminal gets
        // only our SGR sequences (see TerminalText.escapedKeepingColors).
        let body = TerminalText.escaped(line.hasSuffix("\n") ? String(line.dropLast()) : line, keepLayout: true)
        return code + body + reset + (line.hasSuffix("\n") ? "\n" : "")
    }

    /// Colours the lines of unified hunks.
    public static func colorize(_ hunks: String, _ options: Options) -> String {
        guard options.color else { return hunks }
        var out = ""
        for line in UnifiedDiff.lines(hunks) {
            switch line.first {
            case "-": out += paint(String(line), red, options)
            case "+": out += paint(String(line), green, options)
            case "@": out += paint(String(line), cyan, options)
            default: out += TerminalText.escaped(String(line), keepLayout: true)
            }
        }
        return out
    }
}
