/// The hop diagram: one column per hop, one row per layer, then per hop the details and
/// the numbered evidence each cell points to. The CLI prints it; the TUI draws the same.
///
/// ```swift
/// let d = LayersDiagram(hops: [hop])
/// print(d.text)
/// // LAYER  proxy
/// // TCP    terminate+originate [1,2,6]
/// ```
public struct LayersDiagram: Sendable {
    public var hops: [HopLayers]
    /// Global evidence numbers: `offsets[h] + i + 1` is the number of `hops[h].evidence[i]`.
    let offsets: [Int]

    public init(hops: [HopLayers]) {
        self.hops = hops
        var o: [Int] = []
        var n = 0
        for h in hops {
            o.append(n)
            n += h.evidence.count
        }
        offsets = o
    }

    public func cellText(_ hop: Int, _ layer: TrafficLayer) -> String {
        let c = hops[hop].cell(layer)
        let refs = c.evidence.map { String(offsets[hop] + $0 + 1) }
        return refs.isEmpty ? c.summary : "\(c.summary) [\(refs.joined(separator: ","))]"
    }

    /// The layer × hop table (Go tabwriter layout, padding 2).
    public var table: Table {
        let columns = [Table.Column("LAYER")] + hops.map { Table.Column($0.title) }
        let rows = TrafficLayer.allCases.map { layer in
            [layer.rawValue] + hops.indices.map { cellText($0, layer) }
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(minWidth: 0, padding: 2))
    }

    static func side(_ a: LayerAction) -> String {
        if case .none = a { return "—" }
        return a.detail.map { "\(a.verb) (\($0))" } ?? a.verb
    }

    /// The diagram, then for each hop its cells in words, evidence, gaps and alternatives.
    public var text: String {
        var out = table.render(wide: false)
        for (h, hop) in hops.enumerated() {
            out += "\n\(h + 1). \(hop.name) [\(hop.kind.rawValue)]\n"
            for layer in TrafficLayer.allCases {
                let c = hop.cell(layer)
                if c.downstream.isNone && c.upstream.isNone { continue }
                out += "   \(layer.rawValue.padding(5)) downstream: \(LayersDiagram.side(c.downstream)); upstream: \(LayersDiagram.side(c.upstream))\n"
            }
            for (i, e) in hop.evidence.enumerated() {
                out += "   [\(offsets[h] + i + 1)] \(e.description)\n"
            }
            for m in hop.missing { out += "   missing: \(m)\n" }
            for a in hop.alternatives { out += "   otherwise: \(a)\n" }
            for line in hop.outcomeLines { out += "   \(line)\n" }
        }
        return out
    }

    static func actionNode(_ a: LayerAction) -> JSONTree {
        .compact([("action", .string(a.verb == "—" ? "none" : a.verb)), ("detail", a.detail.map(JSONTree.string))])
    }

    /// `-o json`.
    public var json: JSONTree {
        .object([("hops", .array(hops.enumerated().map { h, hop in
            .object([
                ("name", .string(hop.name)),
                ("kind", .string(hop.kind.rawValue)),
                ("layers", .object(TrafficLayer.allCases.map { layer in
                    let c = hop.cell(layer)
                    return (layer.rawValue, .compact([
                        ("summary", .string(c.summary == "—" ? "none" : c.summary)),
                        ("condition", c.condition.map(JSONTree.string)),
                        ("otherwise", c.otherwise.isEmpty ? nil : .array(c.otherwise.map { .string($0 == "—" ? "none" : $0) })),
                        ("downstream", LayersDiagram.actionNode(c.downstream)),
                        ("upstream", LayersDiagram.actionNode(c.upstream)),
                        ("evidence", .array(c.evidence.map { .int(offsets[h] + $0 + 1) })),
                    ]))
                })),
                ("evidence", .array(hop.evidence.enumerated().map { i, e in
                    .object([("id", .int(offsets[h] + i + 1)), ("kind", .string(e.kind.rawValue)), ("text", .string(e.text))])
                })),
                ("missing", .array(hop.missing.map(JSONTree.string))),
                ("alternatives", .array(hop.alternatives.map(JSONTree.string))),
                ("stop", hop.stop.map { s in
                    .compact([("flag", .string(s.flag.rawValue)), ("status", s.status.map(JSONTree.int)), ("reason", .string(s.reason))])
                } ?? .null),
                ("reached", .bool(hop.notReached == nil)),
            ])
        }))])
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
