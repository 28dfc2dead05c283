import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// The navigation stack is plain data: what Enter opened is remembered as the row's
/// identity, and a refresh rebuilds it from that value (no closure kept in the state).
@Suite struct ScreenSourceTests {
    static let files = ["envoy-admin/pp11/config_dump.json", "envoy-admin/pp11/clusters.txt", "envoy-admin/pp11/stats.txt"]

    @Test func aDrilledRowIsRebuiltFromItsIdentity() throws {
        var d = try BoundViewTests.driver(Self.files)
        d.press(.tab)  // Clusters
        d.press(.char("j"), .enter)
        let top = try #require(d.state.top)
        guard case .drill(let view, let identity) = top.source else { Issue.record("not a drill: \(top.source)"); return }
        let row = try #require(d.state.stack.dropLast().last.flatMap { screen -> [String]? in
            guard case .tabs(let t) = screen.content, case .table(let table)? = t.current else { return nil }
            return table.selectedRow
        })
        let spec = view.spec
        #expect(spec.name == "clusters")
        #expect(identity == Array(row.prefix(spec.identityColumns)))
        guard case .tabs(let before) = top.content else { Issue.record("no detail tabs"); return }
        #expect(before.pages.map(\.title) == ["JSON", "YAML"])
        #expect(before.pages.allSatisfy { !$0.source.followsData })

        // A refresh with the same data: the detail is built again, on the same tab.
        d.press(.tab)  // YAML
        let yaml = d.body
        d.send(.loaded(d.state.data, at: BoundViewTests.t0.addingTimeInterval(2)))
        guard case .tabs(let after) = d.state.top?.content else { Issue.record("no detail tabs after the refresh"); return }
        #expect(after.active == 1)
        #expect(d.body == yaml)
    }

    @Test func groupTabsFollowTheDataAndBuildLazily() throws {
        let d = try BoundViewTests.driver(Self.files)
        guard case .tabs(let t) = d.state.top?.content else { Issue.record("no group"); return }
        #expect(t.pages.allSatisfy { $0.source.followsData })
        // Only the tab on screen is built; the others wait until shown.
        #expect(t.pages.indices.filter { t.pages[$0].built != nil } == [t.active])
        #expect(t.data != nil)
    }
}
