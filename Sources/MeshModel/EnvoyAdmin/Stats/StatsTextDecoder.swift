import Foundation

extension StatsSnapshot {
    /// Decodes Envoy's text `/stats` in one pass: `name: 12` (counters and gauges),
    /// `name: "text"` (text readouts), `name: P0(nan,1) P25(…) …` or `name: No recorded values`
    /// (histograms). Malformed lines are skipped and counted; throws when nothing parses or
    /// the last line is cut off.
    ///
    /// ```swift
    /// let s = try StatsSnapshot.decodeText(Array("a.rq_total: 3\n".utf8))
    /// s.stats[0].kind   // .counter
    /// ```
    public static func decodeText(_ bytes: [UInt8]) throws(AdminDecodeError) -> StatsSnapshot {
        var snapshot = StatsSnapshot(format: .text)
        var good = 0
        var lastFailure: (line: Int, reason: String, terminated: Bool)?
        bytes.withUnsafeBufferPointer { b in
            ByteText.forEachLine(b) { start, end, lineNo, terminated in
                guard end > start else { return }
                if let reason = parseLine(b, start, end, &snapshot) {
                    snapshot.malformed.add(line: lineNo, reason)
                    lastFailure = (lineNo, reason, terminated)
                } else {
                    good += 1
                    lastFailure = nil
                }
            }
        }
        if good == 0, let first = snapshot.malformed.entries.first {
            throw AdminDecodeError("not Envoy /stats output: \(first.reason)", line: first.line)
        }
        if let last = lastFailure, !last.terminated {
            throw AdminDecodeError("truncated input: \(last.reason)", line: last.line)
        }
        return snapshot
    }

    private static func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ s: inout StatsSnapshot) -> String? {
        var sep = start
        while sep + 1 < end && !(b[sep] == 0x3A && b[sep + 1] == 0x20) { sep += 1 }
        guard sep + 1 < end, sep > start else {
            return "expected NAME: VALUE, got \(ByteText.excerpt(b, start, end))"
        }
        let vs = sep + 2
        if let v = ByteText.uint64(b, vs, end) {
            s.stats.append(Stat(name: ByteText.string(b, start, sep), kind: StatKind.infer(b, start, sep), value: .integer(v)))
            return nil
        }
        guard vs < end else { return "missing value for \(ByteText.string(b, start, sep))" }
        let name = ByteText.string(b, start, sep)
        switch b[vs] {
        case 0x22:  // "text readout"
            guard end - vs >= 2, b[end - 1] == 0x22 else { return "\(name): unterminated text value" }
            s.stats.append(Stat(name: name, kind: .text, value: .text(unsanitize(ByteText.string(b, vs + 1, end - 1)))))
            return nil
        case 0x50:  // P0(…)
            guard let q = quantiles(b, vs, end) else { return "\(name): malformed histogram summary \(ByteText.excerpt(b, vs, end))" }
            s.histograms.append(HistogramSummary(name: name, quantiles: q))
            return nil
        case 0x4E where ByteText.equals(b, vs, end, "No recorded values"):
            s.histograms.append(HistogramSummary(name: name, quantiles: []))
            return nil
        default:
            if let d = ByteText.double(b, vs, end), !d.isNaN {
                s.stats.append(Stat(name: name, kind: StatKind.infer(b, start, sep), value: .real(d)))
                return nil
            }
            return "\(name): expected a number, got \(ByteText.excerpt(b, vs, end))"
        }
    }

    /// `P0(nan,1.0) P25(nan,1.03375) …`
    private static func quantiles(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [HistogramSummary.Quantile]? {
        var out: [HistogramSummary.Quantile] = []
        out.reserveCapacity(10)
        var i = start
        while i < end {
            guard b[i] == 0x50 else { return nil }
            let ps = i + 1
            var j = ps
            while j < end && b[j] != 0x28 { j += 1 }
            guard j < end, let p = ByteText.double(b, ps, j) else { return nil }
            let a = j + 1
            var comma = a
            while comma < end && b[comma] != 0x2C { comma += 1 }
            guard comma < end else { return nil }
            var close = comma + 1
            while close < end && b[close] != 0x29 { close += 1 }
            guard close < end, let iv = ByteText.double(b, a, comma), let cv = ByteText.double(b, comma + 1, close) else { return nil }
            out.append(.init(percentile: p, interval: iv.isNaN ? nil : iv, cumulative: cv.isNaN ? nil : cv))
            i = close + 1
            while i < end && b[i] == 0x20 { i += 1 }
        }
        return out.isEmpty ? nil : out
    }

    /// Envoy HTML-escapes text readouts in the text form.
    private static func unsanitize(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
