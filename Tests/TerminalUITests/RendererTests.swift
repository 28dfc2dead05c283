import Testing
@testable import TerminalUI

@Suite struct RendererTests {
    /// A 120×40 screen of a rates table: only the RATE column changes between refreshes.
    func ratesScreen(_ rates: [String]) -> CellBuffer {
        var buf = CellBuffer(size: Size(width: 120, height: 40))
        buf.put("NAME                       RATE", x: 0, y: 0, style: Style(attrs: .bold))
        for (i, r) in rates.enumerated() {
            buf.put("outbound|80||svc-\(i).default", x: 0, y: i + 1, style: Style(fg: .cyan))
            buf.put(r, x: 27, y: i + 1, style: Style(fg: .green))
        }
        return buf
    }

    @Test func firstFrameWritesEverythingThenNothing() {
        var r = Renderer()
        let frame = ratesScreen(["1.0", "2.0"])
        let first = r.plan(frame)
        #expect(first.full)
        #expect(first.stats.cells == 120 * 40)
        let again = r.plan(frame)
        #expect(!again.full)
        #expect(again.runs.isEmpty)
        #expect(again.stats.cells == 0)
        #expect(again.stats.estimatedBytes == 0)
    }

    @Test func ratesOnlyChangeWritesOnlyChangedCells() {
        var r = Renderer()
        let rates = (0..<30).map { "\($0).5/s" }
        _ = r.plan(ratesScreen(rates))
        var changed = rates
        changed[3] = "9.5/s"     // 1 cell differs
        changed[17] = "88.0/s"   // "17.5/s" → "88.0/s": 3 cells differ (8, 8, 0)
        let plan = r.plan(ratesScreen(changed))
        #expect(plan.runs.count == 2)
        #expect(plan.runs[0].y == 4 && plan.runs[0].x == 27 && plan.runs[0].scalars == [0x39])
        // "88.0" over "17.5": 1→8 7→8 .=. 5→0: one run bridging the unchanged '.'
        #expect(plan.runs[1].y == 18 && plan.runs[1].x == 27)
        #expect(String(decoding: plan.runs[1].scalars.map { UInt8($0) }, as: UTF8.self) == "88.0")
        #expect(plan.stats.cells == 5)
        #expect(plan.stats.fraction < 0.10)
        #expect(plan.stats.estimatedBytes < 60)
    }

    @Test func styleChangeAloneIsRewritten() {
        var r = Renderer()
        var a = CellBuffer(size: Size(width: 10, height: 1))
        a.put("abc", x: 0, y: 0)
        _ = r.plan(a)
        var b = a
        b.restyle(Rect(x: 1, y: 0, width: 1, height: 1)) { _ in Style(attrs: .reverse) }
        let plan = r.plan(b)
        #expect(plan.runs.count == 1)
        #expect(plan.runs[0].x == 1 && plan.runs[0].style.attrs == .reverse)
    }

    @Test func wideCharactersAreWrittenWholeAndCountTwoCells() {
        var r = Renderer()
        var a = CellBuffer(size: Size(width: 10, height: 1))
        a.put("ab", x: 0, y: 0)
        _ = r.plan(a)
        var b = a
        b.put("界", x: 4, y: 0)
        let plan = r.plan(b)
        #expect(plan.runs.count == 1)
        #expect(plan.runs[0].x == 4 && plan.runs[0].scalars == [0x754C] && plan.runs[0].columns == 2)
        #expect(plan.stats.cells == 2)
        // Replacing the wide character by two narrow ones rewrites both cells.
        var c = b
        c.put("xy", x: 4, y: 0)
        let plan2 = r.plan(c)
        #expect(plan2.runs.map(\.columns).reduce(0, +) == 2)
        #expect(plan2.runs.first?.scalars == [0x78, 0x79])
    }

    @Test func resizeMakesTheNextFrameFull() {
        var r = Renderer()
        _ = r.plan(CellBuffer(size: Size(width: 10, height: 2)))
        let bigger = r.plan(CellBuffer(size: Size(width: 12, height: 2)))
        #expect(bigger.full)
        r.invalidate()
        #expect(r.plan(CellBuffer(size: Size(width: 12, height: 2))).full)
    }

    @Test func combiningClusterIsItsOwnRun() {
        var r = Renderer()
        _ = r.plan(CellBuffer(size: Size(width: 5, height: 1)))
        var b = CellBuffer(size: Size(width: 5, height: 1))
        b.put("e\u{301}", x: 0, y: 0)
        let plan = r.plan(b)
        #expect(plan.runs.count == 1)
        #expect(plan.runs[0].tail == "\u{301}")
    }
}
