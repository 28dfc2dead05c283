import Foundation
import Testing

/// The real binary in tmux on real captures: an Envoy gateway's dump with its `/clusters`
/// and `/stats` (one host turned unhealthy), istiod's sync status, a ztunnel dump, and
/// generated ztunnel metrics rewritten while the UI runs. Each step asserts screen text.
@Suite(.serialized) struct RealDataEndToEndTests {
    static let dump = Fixtures.path("envoy-admin/is160/config_dump.json")
    static let stats = Fixtures.path("envoy-admin/is160/stats.txt")
    static let proxyStatus = Fixtures.path("istiod/expected/proxy-status.json")
    static let ztunnel = Fixtures.path("ztunnel/config_dump.json")

    /// The reviews host whose active health check fails in the test's `/clusters` copy.
    static let badHost = "172.30.75.116:9080"

    /// A scratch directory, removed by the caller.
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "meshscope-real-e2e-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// is160's `/clusters` with one reviews host failing its active health check.
    static func clustersWithAFailedHost(in dir: String) throws -> String {
        let original = try Fixtures.text("envoy-admin/is160/clusters.txt")
        let healthy = "outbound|9080||reviews.default.svc.cluster.local::\(badHost)::health_flags::healthy"
        #expect(original.contains(healthy))
        let path = dir + "/clusters.txt"
        try original.replacingOccurrences(of: healthy, with: "outbound|9080||reviews.default.svc.cluster.local::\(badHost)::health_flags::/failed_active_hc")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `meshscope ARGS` from a shell that records `stty -g` before and after, so
    /// ``EndToEndTests/expectRestored(_:exit:)`` can check the terminal afterwards.
    static func launch(_ t: Tmux, in dir: String, _ args: String) async throws {
        try await t.start()
        try await t.type("cd \(dir); stty -g > stty.before.$$; \(try Tmux.binary()) \(args); echo \"exit=$?\"; stty -g > stty.after.$$")
        try await t.keys("Enter")
    }

    /// The table rows on screen (lines inside the frame that are not the header or tabs).
    static func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix("│") }
    }

    @Test func envoyDumpClustersEndpointsProxiesLayersHelpQuit() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clusters = try Self.clustersWithAFailedHost(in: dir)
        let t = Tmux()
        defer { t.kill() }
        try await Self.launch(t, in: dir, "--file \(Self.dump) --file \(clusters) --file \(Self.stats) --file \(Self.proxyStatus)")

        // The proxy opens on its Listeners tab; all eight tabs are there.
        // Every expected text in one wait: a capture can catch a frame half drawn.
        var screen = try await t.waitFor(" Listeners[3] ", "1 Listeners   2 Clusters   3 Routes   4 Endpoints   5 Secrets   6 Stats   7 Bootstrap   8 Raw config",
                                   "0.0.0.0      8080  ALL     Route: http.80", "0.0.0.0     15090  ALL     Inline Route: /stats/prometheus*",
                                   "Source:   file \(Self.dump.prefix(40))")
        #expect(screen.contains("Source:   file \(Self.dump.prefix(40))"))

        // Tab: Clusters, the `pc cluster` columns.
        try await t.keys("Tab")
        screen = try await t.waitFor(" Clusters[62] ", "SERVICE FQDN", "DESTINATION RULE", "BlackHoleCluster", "istiod.istio-system.svc.cluster.local")
        #expect(screen.contains("BlackHoleCluster") && screen.contains("istiod.istio-system.svc.cluster.local"))

        // Shift+P sorts by PORT (ascending, marked ↑); again inverts (↓).
        try await t.keys("P")
        screen = try await t.waitFor("PORT↑")
        try await t.keys("P")
        // The rows in the wait too: a capture can catch the new header over the rows in the old order.
        screen = try await t.waitFor("PORT↓ with 50051 first") { $0.contains("PORT↓") && Self.rows($0).dropFirst(2).first?.contains("50051") == true }
        let byPortDown = Self.rows(screen).dropFirst(2).first ?? ""
        #expect(byPortDown.contains("50051"), "largest port first, got: \(byPortDown)")

        // `/reviews`: only the reviews clusters; Enter opens one as JSON, Esc comes back.
        try await t.filter("reviews")
        screen = try await t.waitFor("only reviews rows") { s in
            s.contains("</reviews>") && !s.contains("details.default") && s.contains("reviews.default.svc.cluster.local")
        }
        try await t.keys("Enter")
        screen = try await t.waitFor(" 1 JSON   2 YAML", "\"name\": \"outbound|9080||reviews.default.svc.cluster.local\"")
        try await t.keys("Escape")
        try await t.waitFor("</reviews>", "SERVICE FQDN")
        try await t.keys("Escape")   // clears the filter
        try await t.waitFor("the unfiltered clusters") { !$0.contains("</reviews>") && $0.contains("details.default.svc.cluster.local") }

        // Endpoints tab: live hosts from /clusters. A host failing its active health check
        // keeps EDS status HEALTHY (istioctl's STATUS); its HEALTH FLAGS say why it gets no traffic.
        try await t.keys("4")
        screen = try await t.waitFor(" Endpoints[76] ", "STATUS", "OUTLIER CHECK", "HEALTH FLAGS")
        try await t.filter("failed_active_hc")
        // The whole row in the wait: a capture can catch it half drawn.
        screen = try await t.waitFor("the failing host's row") { s in
            s.contains(" Endpoints[1/76] ") && s.contains("/failed_active_hc │") && Self.rows(s).contains {
                $0.contains(Self.badHost) && $0.contains("/failed_active_hc") && $0.contains("outbound|9080||reviews.default.svc") && $0.contains("HEALTHY  OK")
            }
        }
        let bad = try #require(Self.rows(screen).first { $0.contains(Self.badHost) })
        #expect(bad.contains("/failed_active_hc"))
        #expect(bad.contains("outbound|9080||reviews.default.svc"))   // CLUSTER, cut to fit
        #expect(bad.contains("HEALTHY  OK"))   // EDS status and outlier check say nothing is wrong
        try await t.keys("Escape")

        // :proxies: istiod's view of its proxies (CSDS from proxy-status.json); proxy1's CDS is
        // STALE and its RDS was never sent.
        try await t.command("proxies")
        screen = try await t.waitFor(" Proxies[1] ", "NAME    CLUSTER   CDS    ECDS    EDS     LDS     RDS")
        try await t.filter("STALE")
        screen = try await t.waitFor(" Proxies[1] </STALE> ", "proxy1  cluster1  STALE  SYNCED  SYNCED  SYNCED  NOT SENT  istiod1  1.20")
        let stale = try #require(Self.rows(screen).first { $0.contains("proxy1") })
        #expect(stale.contains("proxy1  cluster1  STALE  SYNCED  SYNCED  SYNCED  NOT SENT  istiod1  1.20"))
        try await t.keys("Escape", "Escape")

        // :layers 8080: the gateway's inbound listener, layer by layer, with its evidence.
        try await t.command("layers 8080")
        screen = try await t.waitFor(" Layers inbound :8080 ", "LAYER  inbound :8080", "EVIDENCE", "[1] listener: 0.0.0.0_8080",
                                     "HTTP   terminate [3,4]", "[5] route config: http.80 (RDS)")
        #expect(screen.contains("HTTP   terminate [3,4]"))
        #expect(screen.contains("[5] route config: http.80 (RDS)"))

        // ? lists this view's keys; Esc closes it.
        try await t.keys("?")
        try await t.waitFor("Help: layers 8080", "search (regex)", "next match")
        try await t.keys("Escape")
        try await t.waitFor("help closed") { !$0.contains("Help: layers") && $0.contains("EVIDENCE") }

        try await t.command("q")
        try await EndToEndTests().expectRestored(t, exit: "0")
    }

    @Test func ztunnelWorkloadsNamespaceAndCertificates() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t = Tmux()
        defer { t.kill() }
        try await Self.launch(t, in: dir, "--file \(Self.ztunnel)")
        // Every expected text in one wait: a capture can catch a frame half drawn.
        var screen = try await t.waitFor("the workloads with details' row whole") { s in
            [" Workloads[27] ", "1 Workloads   2 Services   3 Policies   4 Certificates   5 Connections",
             "10.244.2.51", "kube-system", "local-path-storage", "10.244.1.16"].allSatisfy { s.contains($0) }
                && Self.rows(s).contains { row in
                    row.contains("10.244.2.51") && ["bookinfo", "details-v1-698d88b", "namespace-istio-waypoint", "HBONE"].allSatisfy { row.contains($0) }
                }
        }
        // POD NAME is cut to fit 120 columns; the address identifies the pod.
        let details = try #require(Self.rows(screen).first { $0.contains("10.244.2.51") })
        #expect(details.contains("bookinfo") && details.contains("details-v1-698d88b") && details.contains("namespace-istio-waypoint") && details.contains("HBONE"))
        #expect(screen.contains("kube-system") && screen.contains("local-path-storage"))

        try await t.command("ns bookinfo")
        // Waited for as a whole: a capture can catch the new title over the old rows.
        screen = try await t.waitFor("bookinfo's 8 workloads only") { s in
            s.contains(" Workloads[8/27] <ns:bookinfo> ") && s.contains("ns: bookinfo")
                && s.contains("10.244.1.39")       // reviews-v3 in bookinfo
                && !s.contains("10.244.1.40")      // httpbin in default
                && !s.contains("kube-system")
                && Self.rows(s).filter { $0.hasPrefix("│ bookinfo ") }.count == 8
        }
        #expect(Self.rows(screen).filter { $0.hasPrefix("│ bookinfo ") }.count == 8)

        // Certificates (tab 4): ztunnel's leaf and root for istiod, and the pending ones. At 120
        // columns the SPIFFE IDs are whole with validity and expiry; the serial number and NOT
        // BEFORE are announced and scrolled to, and so are the wide-only SUBJECT, SPIFFE SANS and PEM
        // VALID (+5).
        try await t.keys("4")
        // Every row checked below in the wait: a capture can catch the table half drawn.
        screen = try await t.waitFor("the certificates") { s in
            [" Certificates[5] ", "CERTIFICATE NAME", "NOT AFTER", "+5 cols →", "Initializing",
             "spiffe://cluster.local/ns/istio-system/sa/another-sa "].allSatisfy { s.contains($0) }
                && Self.rows(s).contains { $0.contains("Leaf") && $0.contains("spiffe://cluster.local/ns/istio-system/sa/istiod ") && $0.contains("Available") && $0.contains("true") }
                && Self.rows(s).filter { $0.contains("Unavailable") }.count == 2
                && Self.rows(s).contains { $0.contains("Initializing") }
        }
        let leaf = try #require(Self.rows(screen).first { $0.contains("Leaf") })
        #expect(leaf.contains("spiffe://cluster.local/ns/istio-system/sa/istiod ") && leaf.contains("Available") && leaf.contains("true"))
        #expect(Self.rows(screen).filter { $0.contains("Unavailable") }.count == 2)
        #expect(Self.rows(screen).contains { $0.contains("Initializing") })
        // →: the name stays first, SERIAL NUMBER and NOT BEFORE come into view.
        try await t.keys("Right")
        screen = try await t.waitFor("the serial numbers") { s in
            ["← 1 ·", "SERIAL NUMBER", "NOT BEFORE", "e5dfb59150b2ba7f10", "8a516645c40ce76c2c"].allSatisfy { s.contains($0) }
                && Self.rows(s).contains { $0.contains("Available") && $0.contains("true") && $0.contains("e5dfb59150b2ba7f10") }
        }
        #expect(Self.rows(screen).contains { $0.contains("Available") && $0.contains("true") && $0.contains("e5dfb59150b2ba7f10") })

        try await t.keys("C-c")
        try await EndToEndTests().expectRestored(t, exit: "0")
    }

    @Test func edgesShowRatesWhenTheMetricsFileIsRewritten() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let metrics = dir + "/metrics.txt"
        try Self.generate(["generate", "ztunnel-metrics", "--series", "200", "--tick", "0", "-o", metrics])
        let t = Tmux()
        defer { t.kill() }
        try await Self.launch(t, in: dir, "--file \(metrics) --refresh 0.3")
        // 200 series over 4 TCP families: 50 edges.
        var screen = try await t.waitFor(" Edges[50] ", "SOURCE", "DESTINATION", "SECURITY", "OPENED", "client-1")
        #expect(!screen.contains("OPENED/S"))

        // The next tick on disk: counters move, so the rates (and their sparkline) appear.
        try Self.generate(["generate", "ztunnel-metrics", "--series", "200", "--tick", "1", "-o", metrics])
        // Rates replace the running totals at 120 columns; the first edge opened 8,812 then 8,830
        // connections (tick 0 → 1), its rate is that delta over the rewrite interval.
        // (REQUESTS/S and ERRORS/S, "-" for TCP metrics, are the columns a 120-column screen drops
        // from the right so the names stay readable.)
        // Every edge's connections open and close at the same pace between two ticks, so its
        // OPENED/S and CLOSED/S agree; TCP-only metrics have no request rates.
        // Rate cells are compact (`9`, `8.5`, `1.2k`) and right-aligned under their headers.
        func cell(under name: String, in screen: String) -> Double? {
            let table = Self.rows(screen)
            guard let header = table.first, let first = table.dropFirst().first, let r = header.range(of: name) else { return nil }
            let end = header.distance(from: header.startIndex, to: r.upperBound)
            let text = Array(first.prefix(end)).split(separator: " ").last.map { String($0) } ?? ""
            return RateText.value(text)
        }
        // The rates in the wait too: a capture can catch the new header over rows not yet redrawn.
        screen = try await t.waitFor("the rates") { s in
            let opened = cell(under: "OPENED/S", in: s)
            return ["OPENED/S", "CLOSED/S", "SENT/S", "RECEIVED/S", " Edges[50] "].allSatisfy { s.contains($0) }
                && !s.contains(" OPENED ") && !s.contains(" RECEIVED ")
                && opened.map { $0 > 0 } == true && opened == cell(under: "CLOSED/S", in: s)
        }
        #expect(screen.contains(" Edges[50] "))
        #expect(!screen.contains(" OPENED ") && !screen.contains(" RECEIVED "))
        let table = Self.rows(screen)
        let header = try #require(table.first), first = try #require(table.dropFirst().first)
        let opened = cell(under: "OPENED/S", in: screen), closed = cell(under: "CLOSED/S", in: screen)
        #expect(opened.map { $0 > 0 } == true && opened == closed, "OPENED/S = CLOSED/S > 0 in\n\(header)\n\(first)")

        try await t.keys("C-c")
        try await EndToEndTests().expectRestored(t, exit: "0")
    }

    /// A compact rate cell (`RateFormat.rate`) back to a number: `8.5` → 8.5, `1.2k` → 1200.
    enum RateText {
        static func value(_ text: String) -> Double? {
            let units: [Character: Double] = ["k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
            if let u = text.last, let m = units[u] { return Double(text.dropLast()).map { $0 * m } }
            return Double(text)
        }
    }

    /// `meshscope generate …` outside tmux (it needs no terminal).
    static func generate(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Tmux.binary())
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "meshscope \(args.joined(separator: " ")) exited \(p.terminationStatus)")
    }
}
