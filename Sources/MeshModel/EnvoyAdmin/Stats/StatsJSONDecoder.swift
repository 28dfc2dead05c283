extension StatsSnapshot {
    /// Decodes `/stats?format=json`:
    /// `{"stats": [{"name": …, "value": 12 | "text"}, …, {"histograms": {"supported_quantiles": [0, 25, …],
    /// "computed_quantiles": [{"name": …, "values": [{"interval": x|null, "cumulative": y|null}, …]}]}}]}`.
    ///
    /// ```swift
    /// let doc = try JSONDocument(#"{"stats":[{"name":"server.live","value":1}]}"#)
    /// try StatsSnapshot.decodeJSON(doc.root).stats[0].value   // .integer(1)
    /// ```
    public static func decodeJSON(_ root: JSONValue) throws(JSONShapeError) -> StatsSnapshot {
        guard root.isObject, let list = root["stats"] else {
            throw JSONShapeError("not Envoy /stats?format=json output (no stats array)", path: root.path)
        }
        guard list.isArray else { throw JSONShapeError("expected an array", path: list.path) }
        var snapshot = StatsSnapshot(format: .json)
        snapshot.stats.reserveCapacity(list.count)
        for item in list.elements {
            guard item.isObject else { throw JSONShapeError("expected a stat object", path: item.path) }
            if let h = item["histograms"] {
                try decodeHistograms(h, into: &snapshot)
                continue
            }
            guard let name = item["name"]?.string else { throw JSONShapeError("stat without a name", path: item.path) }
            guard let v = item["value"] else { throw JSONShapeError("stat \(name) without a value", path: item.path) }
            switch v.kind {
            case .string:
                snapshot.stats.append(Stat(name: name, kind: .text, value: .text(v.string ?? "")))
            case .number:
                // Envoy writes these through a double, so huge counters may come as 1.8e+19.
                let value: StatValue
                if let u = v.uint64 {
                    value = .integer(u)
                } else if let d = v.double {
                    value = d >= 0 && d == d.rounded() && d < 18_446_744_073_709_551_616 ? .integer(UInt64(d)) : .real(d)
                } else {
                    throw JSONShapeError("bad number", path: v.path)
                }
                snapshot.stats.append(Stat(name: name, kind: StatKind.infer(name), value: value))
            default:
                throw JSONShapeError("expected a number or a string", path: v.path)
            }
        }
        return snapshot
    }

    private static func decodeHistograms(_ h: JSONValue, into snapshot: inout StatsSnapshot) throws(JSONShapeError) {
        guard h.isObject else { throw JSONShapeError("expected the histograms object (quantile summaries)", path: h.path) }
        var percentiles: [Double] = []
        if let sq = h["supported_quantiles"] {
            for q in sq.elements {
                guard let d = q.double else { throw JSONShapeError("expected a number", path: q.path) }
                percentiles.append(d)
            }
        }
        guard let computed = h["computed_quantiles"] else { return }
        for c in computed.elements {
            guard let name = c["name"]?.string else { throw JSONShapeError("histogram without a name", path: c.path) }
            var quantiles: [HistogramSummary.Quantile] = []
            var k = 0
            for v in c["values"]?.array ?? [] {
                guard k < percentiles.count else {
                    throw JSONShapeError("more values than supported_quantiles", path: v.path)
                }
                let interval = v["interval"].flatMap { $0.isNull ? nil : $0.double }
                let cumulative = v["cumulative"].flatMap { $0.isNull ? nil : $0.double }
                quantiles.append(.init(percentile: percentiles[k], interval: interval, cumulative: cumulative))
                k += 1
            }
            snapshot.histograms.append(HistogramSummary(name: name, quantiles: quantiles))
        }
    }
}
