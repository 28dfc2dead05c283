/// What a frame changes on screen: runs of changed cells, each written with one cursor
/// move (when not continuing the previous run) and one style switch.
public struct FramePlan: Sendable, Equatable {
    /// Consecutive changed cells on one row with one style.
    public struct Run: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var style: Style
        /// Base scalars of the cells (continuation cells of wide characters left out).
        public var scalars: [UInt32]
        /// Columns the run covers.
        public var columns: Int
        /// Set for a single cell whose grapheme cluster has more than one scalar: the
        /// scalars after the first (the backend writes the cluster whole).
        public var tail: String?
    }

    public var runs: [Run] = []
    /// The screen is redrawn from scratch (first frame, after a resize).
    public var full: Bool = false
    public var stats = FrameStats()
}

/// How much a frame wrote: the renderer's own measure of output cost.
public struct FrameStats: Sendable, Equatable, CustomStringConvertible {
    /// Cells rewritten (wide characters count their two cells).
    public var cells = 0
    /// Cells on screen.
    public var totalCells = 0
    public var runs = 0
    /// Bytes a terminal writer needs for these runs: UTF-8 text, cursor moves (skipped
    /// when a run continues the previous one) and SGR style switches (only when the style
    /// changes). curses' own output for the same runs is of the same order.
    public var estimatedBytes = 0

    public var fraction: Double { totalCells == 0 ? 0 : Double(cells) / Double(totalCells) }

    public var description: String {
        let pct = (fraction * 1000).rounded() / 10
        return "\(cells)/\(totalCells) cells (\(pct)%), \(runs) runs, ~\(estimatedBytes) bytes"
    }
}

/// Diffs a new frame against the one on screen so only changed cells are written.
///
/// ```swift
/// var renderer = Renderer()
/// let first = renderer.plan(frame1)     // full: every cell
/// let next = renderer.plan(frame2)      // only the cells that differ from frame1
/// next.stats.cells                      // e.g. 12 when only a rate column changed
/// ```
public struct Renderer: Sendable {
    public private(set) var previous: CellBuffer?
    /// Stats of the last planned frame.
    public private(set) var lastStats = FrameStats()

    public init() {}

    /// Forget what is on screen (after a resize or a terminal reset): the next frame is full.
    public mutating func invalidate() { previous = nil }

    public mutating func plan(_ next: CellBuffer) -> FramePlan {
        let prev = previous?.size == next.size ? previous : nil
        let plan = Renderer.diff(prev, next)
        previous = next
        lastStats = plan.stats
        return plan
    }

    /// The runs that turn `prev` (nil: an unknown screen) into `next`.
    public static func diff(_ prev: CellBuffer?, _ next: CellBuffer) -> FramePlan {
        var plan = FramePlan()
        plan.full = prev == nil
        let w = next.size.width
        let h = next.size.height
        plan.stats.totalCells = w * h
        let cells = next.cells
        let old = prev?.cells
        var lastStyle: Style?
        var cursor: (x: Int, y: Int) = (-1, -1)
        for y in 0..<h {
            var x = 0
            let rowStart = y * w
            while x < w {
                let i = rowStart + x
                var changed = old.map { $0[i] != cells[i] } ?? true
                // A changed right half means its wide base character must be rewritten.
                if !changed, cells[i].width == 2, x + 1 < w, let old, old[i + 1] != cells[i + 1] { changed = true }
                guard changed else {
                    x += 1
                    continue
                }
                var start = x
                if cells[i].width == 0 {
                    // Right half of a wide character: write its base (or a blank if orphaned).
                    if x > 0, cells[i - 1].width == 2 { start = x - 1 } else {
                        plan.runs.append(FramePlan.Run(x: x, y: y, style: cells[i].style, scalars: [0x20], columns: 1))
                        x += 1
                        continue
                    }
                }
                let style = cells[rowStart + start].style
                if let tail = cells[rowStart + start].tail {
                    let c = cells[rowStart + start]
                    plan.runs.append(FramePlan.Run(x: start, y: y, style: style, scalars: [c.scalar], columns: Int(c.width), tail: tail))
                    x = start + max(1, Int(c.width))
                    continue
                }
                var run = FramePlan.Run(x: start, y: y, style: style, scalars: [], columns: 0)
                var j = start
                while j < w {
                    let c = cells[rowStart + j]
                    if c.style != style || c.tail != nil { break }
                    if j > start, c.width != 0 {
                        let differs = old.map { $0[rowStart + j] != c } ?? true
                        let halfDiffers = c.width == 2 && j + 1 < w && (old.map { $0[rowStart + j + 1] != cells[rowStart + j + 1] } ?? true)
                        if !differs && !halfDiffers {
                            // Bridge gaps of 1-3 unchanged cells: cheaper than a cursor move.
                            var k = j
                            var gap = 0
                            while k < w, gap < 4, old.map({ $0[rowStart + k] == cells[rowStart + k] }) ?? false { k += 1; gap += 1 }
                            if gap >= 4 || k >= w { break }
                            if cells[rowStart + k].style != style { break }
                        }
                    }
                    if c.width == 0 {
                        j += 1
                        continue
                    }
                    if c.width == 2, j + 1 >= w { break }
                    run.scalars.append(c.scalar)
                    run.columns += Int(c.width)
                    j += Int(c.width)
                }
                if run.columns == 0 {
                    x = max(start + 1, j)
                    continue
                }
                plan.runs.append(run)
                x = start + run.columns
            }
        }
        for run in plan.runs {
            plan.stats.cells += run.columns
            var bytes = 0
            if cursor.x != run.x || cursor.y != run.y { bytes += 4 + digits(run.y + 1) + digits(run.x + 1) }
            if lastStyle != run.style { bytes += Renderer.sgrLength(run.style) }
            for s in run.scalars { bytes += s < 0x80 ? 1 : s < 0x800 ? 2 : s < 0x10000 ? 3 : 4 }
            if let c = run.tail { bytes += c.utf8.count }
            plan.stats.estimatedBytes += bytes
            lastStyle = run.style
            cursor = (run.x + run.columns, run.y)
        }
        plan.stats.runs = plan.runs.count
        return plan
    }

    static func digits(_ n: Int) -> Int { n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4 }

    /// Length of `ESC [ 0 ; attrs ; 38;5;N ; 48;5;N m` for a style.
    static func sgrLength(_ s: Style) -> Int {
        var n = 4  // ESC [ 0 m
        n += 2 * s.attrs.rawValue.nonzeroBitCount
        for c in [s.fg, s.bg] {
            if case .indexed(let v) = c { n += 6 + digits(Int(v)) }
        }
        return n
    }
}
