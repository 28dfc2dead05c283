import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The TUI state is plain data: after walking through every view (drill-downs, group tabs,
/// pickers, describe), nothing reachable from ``AppState`` is a function. Views are code
/// (their specs hold builders) and are looked up by ``ViewID``, never kept in the state.
@Suite struct PlainStateTests {
    /// Paths (from `root`) of the function values reachable from `value` through stored
    /// properties, enum payloads and the first elements of collections (enough to see
    /// every element type; a dump's bytes are not walked one by one).
    static func functions(in value: Any, root: String = "state") -> [String] {
        var found: [String] = []
        var visited = 0
        func walk(_ v: Any, _ path: String, _ depth: Int) {
            visited += 1
            guard depth < 40, visited < 2_000_000 else { return }
            let m = Mirror(reflecting: v)
            if m.displayStyle == nil && m.children.isEmpty && "\(type(of: v))".contains("->") {
                found.append(path)
                return
            }
            if v is String || v is [UInt8] || v is Data { return }
            let limit = (m.displayStyle == .collection || m.displayStyle == .dictionary || m.displayStyle == .set) ? 8 : Int.max
            for (i, c) in m.children.prefix(limit).enumerated() {
                walk(c.value, path + "." + (c.label ?? String(i)), depth + 1)
            }
            var sup = m.superclassMirror
            while let s = sup {
                for c in s.children { walk(c.value, path + "." + (c.label ?? "super"), depth + 1) }
                sup = s.superclassMirror
            }
        }
        walk(value, root, 0)
        return found
    }

    @Test func theWalkFindsClosures() {
        // The check itself: a spec is code, and the walk sees its builder.
        #expect(!Self.functions(in: ProxyViews.clusters, root: "spec").isEmpty)
        #expect(!Self.functions(in: ViewGroup.Tab.pane("p", { _ in .text(TextScreen(title: "", pane: TextPaneState(text: ""))) }), root: "tab").isEmpty)
    }

    /// Opens every view of `d`'s registry, each group tab, the first row's drill-down and
    /// its describe; returns the paths of any functions found in the states on the way.
    static func tour(_ d: inout Driver, extraKeys: [Key] = []) -> [String] {
        var found: [String] = []
        func check(_ what: String) { found += functions(in: d.state, root: what) }
        let registry = d.state.registry
        for name in registry.groups.map(\.name) + registry.views.map(\.name) {
            d.press(.char(":")); d.type(name); d.press(.enter)
            if case .tabs(let t)? = d.state.top?.content {
                for _ in t.pages.indices { d.press(.tab) }
            }
            check(":\(name)")
            d.press(.enter)
            if case .tabs(let t)? = d.state.top?.content {
                for _ in t.pages.indices { d.press(.tab) }
            }
            check(":\(name) Enter")
            d.press(.escape)
            d.press(.char("d"))
            check(":\(name) d")
            d.press(.escape)
            for k in extraKeys {
                d.press(k)
                check(":\(name) \(k)")
                d.press(.escape)
            }
        }
        // A refresh rebuilds every screen on the stack from its source.
        d.send(.loaded(d.state.data, at: d.state.now.addingTimeInterval(2)))
        check("reloaded")
        return found
    }

    @Test func fileStatesHoldNoFunctions() throws {
        var d = try BoundViewTests.driver([
            "envoy-admin/pp11/config_dump.json", "envoy-admin/pp11/clusters.txt", "envoy-admin/pp11/stats.txt",
            "ztunnel/config_dump.json", "istiod/expected/proxy-status.json",
        ])
        #expect(d.state.registry.views.count > 10)
        #expect(Self.tour(&d) == [])
    }

    @Test func liveStatesHoldNoFunctions() throws {
        var h = try LiveDemoData.driver()
        // Live keys that open pickers: L (layers destinations), D (diff with).
        #expect(Self.tour(&h.d, extraKeys: [.char("L"), .char("D")]) == [])
        // Drill-downs into a namespace, a kind, a proxy's tabs, and the contexts list.
        try h.command("namespaces"); h.d.press(.enter); try h.settle()
        try h.command("istio"); h.d.press(.enter); try h.settle()
        try h.command("proxies"); h.d.press(.char("j"), .enter); try h.settle()
        for _ in 0..<8 { h.d.press(.tab) }
        h.d.state.stack.append(LiveViews.contextsScreen([], current: "meshscope-demo"))
        h.d.send(.loaded(h.feed.data(), at: LiveDemoData.t0.addingTimeInterval(4)))
        #expect(Self.functions(in: h.d.state) == [])
        #expect(h.d.state.stack.count > 1)
    }
}
