import Foundation
import MeshModel
import Testing
import TerminalUI
@testable import MeshScopeApp

/// A host failing its active health check keeps EDS status HEALTHY (istioctl's STATUS
/// column), so the TUI's Endpoints tab must show HEALTH FLAGS even when the wide columns
/// do not fit: otherwise the broken endpoint looks healthy on screen.
@Suite struct EndpointHealthFlagsTests {
    @Test func failedActiveHealthCheckIsVisibleAt120Columns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ehf-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let healthy = "outbound|9080||reviews.default.svc.cluster.local::172.30.75.116:9080::health_flags::healthy"
        let original = try Fixtures.text("envoy-admin/is160/clusters.txt")
        #expect(original.contains(healthy))
        let clusters = dir.appendingPathComponent("clusters.txt")
        try original.replacingOccurrences(of: healthy, with: healthy.replacingOccurrences(of: "::healthy", with: "::/failed_active_hc"))
            .write(to: clusters, atomically: true, encoding: .utf8)
        let data = try FileSource(paths: [Fixtures.path("envoy-admin/is160/config_dump.json"), clusters.path]).load()
        var d = try Driver("envoy/waypoint/config_dump.json", width: 120, height: 40)
        d.state = AppState(registry: AppViews.registry(for: data), data: data, source: SourceInfo(kind: .file, label: "file"),
                           home: "endpoints", size: Size(width: 120, height: 40), theme: .defaultDark, now: BoundViewTests.t0)
        #expect(d.frameTitle.contains(" Endpoints[76] "))
        let header = try #require(d.body.first { $0.contains("ENDPOINT") })
        #expect(header.contains("STATUS") && header.contains("OUTLIER CHECK") && header.contains("HEALTH FLAGS"))
        d.press(.char("/"))
        d.type("failed_active_hc")
        d.press(.enter)
        #expect(d.table?.order.count == 1)
        let row = try #require(d.body.first { $0.contains("172.30.75.116:9080") })
        #expect(row.contains("HEALTHY") && row.contains("/failed_active_hc"))
        #expect(ProxyViews.hostHealthRole("HEALTH FLAGS", "/failed_active_hc") == .statusError)
        #expect(ProxyViews.hostHealthRole("HEALTH FLAGS", "healthy") == .statusOK)
        #expect(ProxyViews.hostHealthRole("STATUS", "UNHEALTHY") == .statusError)
    }
}
