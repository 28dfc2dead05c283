/// xterm-256 palette arithmetic.
public enum Palette {
    /// The RGB value xterm gives a palette index.
    public static func rgb(_ index: UInt8) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let i = Int(index)
        if i < 16 { return basic[i] }
        if i >= 232 { let g = 8 + 10 * (i - 232); return (g, g, g) }
        let c = i - 16
        let lv = ColorParser.cubeLevels
        return (lv[c / 36], lv[(c / 6) % 6], lv[c % 6])
    }

    /// The nearest of the first `count` (8 or 16) basic colours, for terminals without 256.
    public static func nearestBasic(_ index: UInt8, count: Int) -> UInt8 {
        if Int(index) < count { return index }
        let (r, g, b) = rgb(index)
        var best = 0
        var bestDist = Int.max
        for i in 0..<count {
            let (x, y, z) = rgb(UInt8(i))
            let d = (x - r) * (x - r) + (y - g) * (y - g) + (z - b) * (z - b)
            if d < bestDist { best = i; bestDist = d }
        }
        return UInt8(best)
    }
}
