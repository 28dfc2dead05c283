import Testing

/// Compares a rendered table with istioctl's expected text two ways: byte for byte, and
/// cell by cell (rows split at the header's column offsets), so a failure says which row
/// and column differ instead of dumping two walls of text.
enum TableParity {
    /// Splits tabwriter text into cells using the offsets of the known column names in the header.
    static func cells(_ text: String, columns: [String]) -> [[String]]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        guard let header = lines.first else { return nil }
        let h = Array(header.unicodeScalars)
        var offsets: [Int] = []
        var from = 0
        for name in columns {
            let n = Array(name.unicodeScalars)
            var found: Int?
            var i = from
            while i + n.count <= h.count {
                if Array(h[i..<(i + n.count)]) == n && (i == 0 || h[i - 1] == " ") { found = i; break }
                i += 1
            }
            guard let at = found else { return nil }
            offsets.append(at)
            from = at + n.count
        }
        return lines.map { line in
            let u = Array(line.unicodeScalars)
            return offsets.enumerated().map { k, start in
                let end = k + 1 < offsets.count ? offsets[k + 1] : u.count
                guard start < u.count else { return "" }
                var s = String(String.UnicodeScalarView(u[start..<min(end, u.count)]))
                while s.last == " " { s.removeLast() }
                return s
            }
        }
    }

    /// Records one readable issue per differing cell, then checks the bytes.
    static func expectSame(_ actual: String, _ expected: String, columns: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a = cells(actual, columns: columns) else {
            Issue.record("actual output has no header with \(columns)", sourceLocation: sourceLocation)
            return
        }
        guard let e = cells(expected, columns: columns) else {
            Issue.record("expected output has no header with \(columns)", sourceLocation: sourceLocation)
            return
        }
        #expect(a.count == e.count, "row count: \(a.count) vs expected \(e.count)", sourceLocation: sourceLocation)
        for (r, (ar, er)) in zip(a, e).enumerated() {
            for (c, (x, y)) in zip(ar, er).enumerated() where x != y {
                Issue.record("row \(r) column \(columns[c]): got \"\(x)\", expected \"\(y)\"", sourceLocation: sourceLocation)
            }
        }
        #expect(actual == expected, "bytes differ", sourceLocation: sourceLocation)
    }

    /// Splits `all` output into sections at blank lines (each section is one table).
    static func sections(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.hasPrefix("\n") ? String($0.dropFirst()) : $0 }
            .filter { !$0.isEmpty && !$0.hasPrefix("------") }
            .map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }
    }
}
