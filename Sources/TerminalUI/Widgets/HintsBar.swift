/// The bottom line listing the keys valid here: `enter view  / filter  <> sort ...`.
public struct HintsBar: Sendable {
    public var hints: [(key: String, label: String)]

    public init(_ hints: [(key: String, label: String)]) { self.hints = hints }

    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme) {
        guard rect.height > 0 else { return }
        buf.fill(rect.row(0), style: theme[.text])
        var x = rect.x
        for (key, label) in hints {
            let k = key + " "
            let need = DisplayWidth.of(k) + DisplayWidth.of(label)
            guard x + need <= rect.maxX else { break }
            x += buf.put(k, x: x, y: rect.y, style: theme[.hintKey])
            x += buf.put(label, x: x, y: rect.y, style: theme[.hintLabel])
            x += 2
        }
    }
}
