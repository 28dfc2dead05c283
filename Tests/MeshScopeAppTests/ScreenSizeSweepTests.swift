import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The first view of each kind of source (the demo, a snapshot of it, a file) at 60×15,
/// 80×24, 120×40 and 200×60, through the pure view: it draws, its parts do not run into
/// each other, and the header and hints fit.
@Suite struct ScreenSizeSweepTests {
    static let sizes = [Size(width: 60, height: 15), Size(width: 80, height: 24), Size(width: 120, height: 40), Size(width: 200, height: 60)]
    static let flash = "copied 2017 bytes via xclip"

    enum Source: String, CaseIterable { case demo, snapshot, file }

    static func state(_ source: Source, _ size: Size) throws -> AppState {
        var s: AppState
        switch source {
        case .demo:
            s = try LiveDemoData.driver(width: size.width, height: size.height).d.state
        case .snapshot:
            s = try SourceHeaderTests.snapshot().d.state
        case .file:
            // What `meshscope --file …/is160/config_dump.json` opens (Runtime.run's state).
            let path = Fixtures.path("envoy-admin/is160/config_dump.json")
            let data = try FileSource(paths: [path]).load()
            s = AppState(registry: AppViews.registry(for: data), data: data, source: SourceInfo(kind: .file, label: "file \(path)"),
                         home: AppViews.home(for: data), size: size, now: Date(timeIntervalSince1970: 1_700_000_000))
            s.loadedAt = s.now
        }
        s = App.update(s, .input(.resize(size))).0
        s.flash = Flash(Self.flash, .info, at: s.now)
        return s
    }

    @Test(arguments: Source.allCases) func firstViewFitsAtEverySize(_ source: Source) throws {
        for size in Self.sizes {
            let s = try Self.state(source, size)
            let lines = App.view(s).lines
            let where_ = "\(source) at \(size)"
            let layout = s.layout
            #expect(lines.count == size.height, "\(where_)")
            #expect(!lines[0].contains("terminal too small"), "\(where_)")
            // The frame: its four corners intact (nothing painted over them), a title with rows.
            let main = layout.main
            let top = Array(lines[main.y]), bottom = Array(lines[main.maxY - 1])
            #expect(top[main.x] == "┌" && top[main.maxX - 1] == "┐", "\(where_): \(lines[main.y])")
            #expect(bottom[main.x] == "└" && bottom[main.maxX - 1] == "┘", "\(where_): \(lines[main.maxY - 1])")
            #expect(lines[main.y].contains("["), "\(where_): no title in \(lines[main.y])")
            // The first view drew rows: a line inside the frame with text.
            let inside = lines[(main.y + 1)..<(main.maxY - 1)].map { String($0.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces) }
            #expect(inside.filter { !$0.isEmpty }.count >= min(2, main.height - 2), "\(where_): empty frame")
            // The header: its labels whole, at their columns; the left values stop short of the right column.
            #expect(lines[0].hasPrefix(" Context:") && lines[1].hasPrefix(" Source:"), "\(where_)")
            #expect(lines[2].hasPrefix(" Updated:") || lines[2].hasPrefix(" Loaded:"), "\(where_): \(lines[2])")
            // The right column starts where `Rows:` is: never left of the old half-and-ten split
            // (the left values keep at least that), and further right when its values are short.
            let minimumRightX = min(size.width / 2 + 10, size.width) + 2
            if size.width - minimumRightX - 12 > 10 {
                let rows = try #require(lines[1].range(of: "Rows:"), "\(where_): no Rows: in \(lines[1])")
                let rightX = lines[1].distance(from: lines[1].startIndex, to: rows.lowerBound)
                #expect(rightX >= minimumRightX, "\(where_): \(lines[1])")
                // (A snapshot's context line may take the room its absent `Refresh:` leaves.)
                for y in (source == .snapshot ? 1 : 0)..<3 {
                    let chars = Array(lines[y])
                    #expect(chars.count < rightX || chars[rightX - 1] == " ", "\(where_): line \(y) runs into the right column: \(lines[y])")
                }
                let right0 = String(lines[0].dropFirst(rightX))
                #expect(source == .snapshot ? !right0.contains("Refresh:") : right0.hasPrefix("Refresh:"), "\(where_): \(lines[0])")
            }
            if size.width > 70 { #expect(lines[0].hasSuffix(" meshscope"), "\(where_): \(lines[0])") }
            // The hints line: the flash whole at its right, hints left of it with a gap.
            let hints = lines[layout.hints.y]
            let flashAt = try #require(hints.range(of: Self.flash), "\(where_): flash cut in \(hints)")
            #expect(hints[..<flashAt.lowerBound].hasSuffix("  "), "\(where_): hints run into the flash: \(hints)")
            #expect(hints.trimmingCharacters(in: .whitespaces).count > Self.flash.count + 4, "\(where_): no hints: \(hints)")
            // The crumbs name the first view.
            #expect(!lines[layout.crumbs.y].trimmingCharacters(in: .whitespaces).isEmpty, "\(where_)")
        }
    }
}
