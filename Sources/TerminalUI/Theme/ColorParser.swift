/// Colour names, numbers and `#rrggbb` as written in theme files.
///
/// ```swift
/// ColorParser.parse("cyan")      // .indexed(6)
/// ColorParser.parse("208")       // .indexed(208)
/// ColorParser.parse("#ff8700")   // .indexed(208), the nearest xterm-256 colour
/// ColorParser.parse("default")   // .default (the terminal's own)
/// ```
public enum ColorParser {
    public static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "gray": 8, "grey": 8, "bright-black": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
        "orange": 214, "purple": 129, "pink": 218, "dark-gray": 238, "dark-grey": 238,
        "light-gray": 250, "light-grey": 250, "navy": 17, "teal": 30, "olive": 100, "maroon": 88,
    ]

    public static func parse(_ text: String) -> Color? {
        let t = text.trimmingCharacters(in: " \t").lowercased()
        if t == "default" || t == "none" || t == "-" { return .default }
        if let n = names[t] { return .indexed(n) }
        if let n = Int(t), (0...255).contains(n) { return .indexed(UInt8(n)) }
        if t.hasPrefix("#"), t.utf8.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            return .indexed(nearest256(r: UInt8(v >> 16 & 0xFF), g: UInt8(v >> 8 & 0xFF), b: UInt8(v & 0xFF)))
        }
        return nil
    }

    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The xterm-256 palette entry nearest to an RGB colour: the closer of the 6×6×6
    /// cube (16-231) and the grey ramp (232-255), by squared RGB distance. The 16 basic
    /// colours are skipped because every terminal defines them differently.
    public static func nearest256(r: UInt8, g: UInt8, b: UInt8) -> UInt8 {
        func nearestLevel(_ c: Int) -> Int {
            var best = 0
            for i in 1..<6 where abs(cubeLevels[i] - c) < abs(cubeLevels[best] - c) { best = i }
            return best
        }
        let (ri, gi, bi) = (nearestLevel(Int(r)), nearestLevel(Int(g)), nearestLevel(Int(b)))
        func dist(_ x: Int, _ y: Int, _ z: Int) -> Int {
            let dr = x - Int(r), dg = y - Int(g), db = z - Int(b)
            return dr * dr + dg * dg + db * db
        }
        let cubeDist = dist(cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = max(0, min(23, (avg - 8 + 5) / 10))
        let greyLevel = 8 + 10 * greyIndex
        let greyDist = dist(greyLevel, greyLevel, greyLevel)
        if greyDist < cubeDist { return UInt8(232 + greyIndex) }
        return UInt8(16 + 36 * ri + 6 * gi + bi)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
