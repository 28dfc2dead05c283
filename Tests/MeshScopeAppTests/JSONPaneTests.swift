import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

@Suite struct JSONPaneTests {
    let theme = Theme.defaultDark
    let doc = try! JSONDocument(#"{"name": "outbound|80||web", "lb": {"policy": "ROUND_ROBIN", "hosts": [1, 2]}, "empty": {}, "on": true, "none": null}"#)

    func screen(_ pane: JSONPaneState, height: Int = 12) -> [String] {
        var buf = CellBuffer(size: Size(width: 40, height: height))
        JSONPaneWidget(state: pane).paint(into: &buf, Rect(x: 0, y: 0, width: 40, height: height), theme: theme)
        return buf.lines.filter { !$0.isEmpty }
    }

    @Test func smallDocumentsOpenExpanded() {
        let pane = JSONPaneState(root: doc.root)
        #expect(screen(pane) == [
            "▾ {",
            "    \"name\": \"outbound|80||web\",",
            "  ▾ \"lb\": {",
            "      \"policy\": \"ROUND_ROBIN\",",
            "    ▾ \"hosts\": [",
            "        1,",
            "        2",
            "      ]",
            "    },",
            "    \"empty\": {},",
            "    \"on\": true,",
            "    \"none\": null",
        ])
    }

    @Test func foldingAndUnfolding() {
        var pane = JSONPaneState(root: doc.root)
        pane.moveCursor(by: 2, height: 10)   // "lb": {
        pane.toggle()
        #expect(screen(pane)[2] == "  ▸ \"lb\": {…} 2 keys,")
        #expect(screen(pane).count == 7)
        pane.expand()
        #expect(screen(pane, height: 20).count == 13)
        pane.moveCursor(by: 2, height: 10)   // inside lb: "hosts": [
        pane.collapse()
        #expect(screen(pane)[4] == "    ▸ \"hosts\": […] 2 items")
        pane.moveCursor(by: -1, height: 10)  // "policy" (a scalar): h goes to the parent
        pane.collapse()
        #expect(pane.currentLine?.key == "lb")
        pane.collapseAll()
        #expect(screen(pane) == [
            "▾ {",
            "    \"name\": \"outbound|80||web\",",
            "  ▸ \"lb\": {…} 2 keys,",
            "    \"empty\": {},",
            "    \"on\": true,",
            "    \"none\": null",
            "  }",
        ])
        pane.expandAll()
        #expect(screen(pane, height: 20).count == 13)
    }

    @Test func searchUnfoldsThePathToEachHit() throws {
        var pane = JSONPaneState(root: doc.root)
        pane.collapseAll()
        pane.search(try TextMatcher("round"), height: 10)
        #expect(pane.hits.count == 1)
        #expect(pane.currentLine?.key == "policy")
        #expect(screen(pane).contains("      \"policy\": \"ROUND_ROBIN\","))
        pane.search(try TextMatcher("o"), height: 10)   // keys and values: name/outbound, on, none, policy, ROUND_ROBIN, hosts
        let first = pane.currentLine?.key
        pane.nextHit(forward: true, height: 10)
        #expect(pane.currentLine?.key != first)
    }

    @Test func bigDocumentsOpenFolded() throws {
        let big = try JSONDocument(bytes: Array(("{\"configs\": [" + (0..<2000).map { "{\"name\": \"c\($0)\", \"v\": {\"x\": \($0)}}" }.joined(separator: ",") + "]}").utf8))
        let pane = JSONPaneState(root: big.root)
        // Root and `configs` open (depth < 2), each config folded.
        #expect(pane.lines.count == 2000 + 4)
        #expect(pane.lines[2].kind == .folded)
    }
}
