extension StatsSnapshot {
    /// Maps Envoy's `/stats/prometheus` onto a snapshot: each sample is a stat named
    /// `metric{label="value",…}` (labels as printed), typed by its `# TYPE` line. Histogram and
    /// summary series (`_bucket`, `_sum`, `_count`) are cumulative, so they count as counters
    /// and get rates; summary quantiles are gauges. Untyped series are classified like text.
    ///
    /// ```swift
    /// let s = try StatsSnapshot.decodePrometheus(Array("# TYPE a counter\na{x=\"1\"} 3\n".utf8))
    /// s.stats[0].name   // a{x="1"}
    /// ```
    public static func decodePrometheus(_ bytes: [UInt8]) throws(AdminDecodeError) -> StatsSnapshot {
        let parsed = PrometheusText.parse(bytes)
        var snapshot = StatsSnapshot(format: .prometheus)
        for m in parsed.malformed { snapshot.malformed.add(line: m.line, m.reason) }
        // PrometheusText keeps the first 100 bad lines; keep the total right.
        snapshot.malformed.addUnlisted(parsed.malformedCount - parsed.malformed.count)
        if parsed.samples.isEmpty, let first = parsed.malformed.first {
            throw AdminDecodeError("not Prometheus text: \(first.reason)", line: first.line)
        }
        snapshot.stats.reserveCapacity(parsed.samples.count)
        var familyKind: [String: StatKind] = [:]
        for sample in parsed.samples {
            let kind: StatKind
            if let k = familyKind[sample.name] {
                kind = k
            } else {
                kind = prometheusKind(sample.name, parsed.types)
                familyKind[sample.name] = kind
            }
            var name = sample.name
            if !sample.labels.isEmpty {
                name += "{"
                for (n, l) in sample.labels.enumerated() {
                    if n > 0 { name += "," }
                    name += l.name + "=\"" + escape(l.value) + "\""
                }
                name += "}"
            }
            let v = sample.value
            let value: StatValue = v >= 0 && v == v.rounded() && v < 9_007_199_254_740_992 ? .integer(UInt64(v)) : .real(v)
            snapshot.stats.append(Stat(name: name, kind: kind, value: value))
        }
        return snapshot
    }

    private static func prometheusKind(_ name: String, _ types: [String: String]) -> StatKind {
        if let t = types[name] {
            switch t {
            case "counter": return .counter
            case "gauge": return .gauge
            case "summary": return .gauge  // a bare summary series is a quantile
            default: break
            }
        }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let family = String(name.dropLast(suffix.count))
            if let t = types[family], t == "histogram" || t == "summary" { return .counter }
        }
        if name.hasSuffix("_total") { return .counter }
        return StatKind.infer(name)
    }

    private static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
