import Foundation

/// Reads a tabwriter-aligned table back into cells, by the header's column offsets, so
/// tests can check cells by column name.
enum TableText {
    static func parse(_ text: String, header headerPrefix: String) -> [[String: String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let h = lines.firstIndex(where: { $0.hasPrefix(headerPrefix) }) else { return [] }
        let header = lines[h]
        var starts: [(String, Int)] = []
        var i = header.startIndex
        var col = 0
        while i < header.endIndex {
            if header[i] != " " && (i == header.startIndex || header[header.index(before: i)] == " ") {
                // A column name may contain one space ("NOMINATED NODE"); names are split by 2+ spaces.
                if let last = starts.last, col - (last.1 + last.0.count) == 1 {
                    starts[starts.count - 1].0 += " " + String(header[i...].prefix { $0 != " " })
                } else {
                    starts.append((String(header[i...].prefix { $0 != " " }), col))
                }
            }
            i = header.index(after: i)
            col += 1
        }
        var rows: [[String: String]] = []
        for line in lines[(h + 1)...] {
            if line.isEmpty { break }
            let chars = Array(line)
            var row: [String: String] = [:]
            for (n, (name, start)) in starts.enumerated() {
                let end = n + 1 < starts.count ? starts[n + 1].1 : chars.count
                guard start < chars.count else { row[name] = ""; continue }
                row[name] = String(chars[start..<min(end, chars.count)]).trimmingCharacters(in: .whitespaces)
            }
            rows.append(row)
        }
        return rows
    }
}
