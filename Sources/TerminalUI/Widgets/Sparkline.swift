/// A one-line chart of recent values: `▁▂▄█▆▃`, scaled to the largest value shown.
///
/// ```swift
/// Sparkline.text([0, 1, 2, 4, 8], width: 5)   // "▁▂▃▅█"
/// ```
public enum Sparkline {
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func text(_ values: [Double], width: Int) -> String {
        guard width > 0, !values.isEmpty else { return "" }
        let shown = values.suffix(width)
        let top = shown.max() ?? 0
        let low = min(0, shown.min() ?? 0)
        guard top > low else { return String(repeating: bars[0], count: shown.count) }
        return String(shown.map { v in
            let level = Int(((v - low) / (top - low) * 7).rounded())
            return bars[max(0, min(7, level))]
        })
    }

    public static func paint(_ values: [Double], into buf: inout CellBuffer, x: Int, y: Int, width: Int, theme: Theme) {
        buf.put(text(values, width: width), x: x, y: y, maxWidth: width, style: theme[.sparkline])
    }
}
