import Testing

/// Splits tabwriter text into cells using the header's column start offsets, so a table
/// mismatch reads "row 3, DESTINATION: expected X, got Y" instead of a wall of text.
enum EnvoyTableCells {
    /// Cells of each line (header first). `columns` are the header names in order.
    static func split(_ text: String, columns: [String]) -> [[String]]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        guard let header = lines.first else { return [] }
        var starts: [Int] = []
        var from = header.startIndex
        for name in columns {
            guard let r = header.range(of: name, range: from..<header.endIndex) else { return nil }
            starts.append(header.distance(from: header.startIndex, to: r.lowerBound))
            from = r.upperBound
        }
        return lines.map { line in
            let chars = Array(line)
            return starts.indices.map { j in
                let a = min(starts[j], chars.count)
                let b = j + 1 < starts.count ? min(starts[j + 1], chars.count) : chars.count
                return String(chars[a..<b]).envoyTrimmingTrailingSpaces()
            }
        }
    }

    /// Records one issue per differing cell; returns true when all cells agree.
    @discardableResult
    static func expectSameCells(_ actual: String, _ expected: String, columns: [String], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let a = split(actual, columns: columns) else {
            Issue.record("\(label): our header lacks columns \(columns): \(actual.prefix(200))", sourceLocation: sourceLocation)
            return false
        }
        guard let e = split(expected, columns: columns) else {
            Issue.record("\(label): expected header lacks columns \(columns)", sourceLocation: sourceLocation)
            return false
        }
        var ok = true
        if a.count != e.count {
            Issue.record("\(label): \(a.count - 1) rows, expected \(e.count - 1)", sourceLocation: sourceLocation)
            ok = false
        }
        for (i, (ra, re)) in zip(a, e).enumerated() {
            for (j, (ca, ce)) in zip(ra, re).enumerated() where ca != ce {
                Issue.record("\(label): row \(i), \(columns[j]): expected \"\(ce)\", got \"\(ca)\"", sourceLocation: sourceLocation)
                ok = false
            }
        }
        return ok
    }

    /// Blocks separated by blank lines (the `all` view).
    static func blocks(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }
    }
}

extension String {
    func envoyTrimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
