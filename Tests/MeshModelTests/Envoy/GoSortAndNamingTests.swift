import Foundation
import Testing
import MeshGen
@testable import MeshModel

@Suite struct GoSortTests {
    @Test(arguments: [0, 1, 2, 12, 13, 49, 50, 51, 1000, 5000])
    func sortsLikeAnySort(n: Int) {
        var rng = SeededRandom(seed: UInt64(n))  // deterministic, so failures reproduce
        for distinct in [3, 1_000_000] {
            let input = (0..<n).map { _ in Int.random(in: 0..<distinct, using: &rng) }
            var sorted = input
            GoSort.slice(&sorted) { $0 < $1 }
            #expect(sorted == input.sorted())
        }
        // Already sorted, reversed, and saw-tooth inputs take pdqsort's special paths.
        var ascending = Array(0..<n)
        GoSort.slice(&ascending) { $0 < $1 }
        #expect(ascending == Array(0..<n))
        var descending = Array((0..<n).reversed())
        GoSort.slice(&descending) { $0 < $1 }
        #expect(descending == Array(0..<n))
        var saw = (0..<n).map { $0 % 7 }
        GoSort.slice(&saw) { $0 < $1 }
        #expect(saw == (0..<n).map { $0 % 7 }.sorted())
    }

    /// Up to 12 elements Go uses insertion sort, which keeps equal elements in order; with
    /// istioctl's route comparator (non-numeric names never "less") nothing moves.
    @Test func smallInputsKeepTiesInPlace() {
        var names = ["http.80", "", "9080", "backend", "15010", "x"]
        var keyed = names.map { (GoCompat.atoi($0), $0) }
        GoSort.slice(&keyed) { a, b in
            guard let x = a.0, let y = b.0 else { return false }
            return x < y
        }
        names = keyed.map(\.1)
        #expect(names == ["http.80", "", "9080", "backend", "15010", "x"])
        var pairs = [(1, "a"), (0, "b"), (1, "c"), (0, "d")]
        GoSort.slice(&pairs) { $0.0 < $1.0 }
        #expect(pairs.map(\.1) == ["b", "d", "a", "c"])
    }
}

@Suite struct IstioNamingTests {
    @Test func parsesSubsetKeys() {
        let k = IstioNaming.parseSubsetKey("outbound|9080|v1|reviews.default.svc.cluster.local")
        #expect(k == .init(direction: "outbound", port: 9080, subset: "v1", hostname: "reviews.default.svc.cluster.local"))
        #expect(IstioNaming.parseSubsetKey("inbound-vip|8000|http|httpbin.default.svc.cluster.local").direction == "inbound-vip")
        #expect(IstioNaming.parseSubsetKey("outbound_.15010_._.istiod.istio-system.svc.cluster.local")
            == .init(direction: "outbound", port: 15010, subset: "", hostname: "istiod.istio-system.svc.cluster.local"))
        // A fifth part leaves the hostname empty, as Istio's parser does.
        #expect(IstioNaming.parseSubsetKey("outbound|80|v1|a|b").hostname == "")
        #expect(IstioNaming.parseSubsetKey("outbound|http|v1|a").port == 0)
        #expect(IstioNaming.sortKey("agent").hostname == "agent")
    }

    @Test func goAtoiAndGoOrder() {
        #expect(GoCompat.atoi("8080") == 8080)
        #expect(GoCompat.atoi("+7") == 7 && GoCompat.atoi("-7") == -7)
        #expect(GoCompat.atoi("http.80") == nil && GoCompat.atoi("") == nil && GoCompat.atoi(" 1") == nil)
        #expect(GoCompat.atoi("99999999999999999999") == nil)
        #expect(GoCompat.less("B", "a"))
        #expect(GoCompat.less("cert-manager-istio-csr-metrics", "cert-manager-istio-csr."))
        #expect(!GoCompat.less("a", "a"))
    }

    @Test func rendersIstioConfigPaths() {
        #expect(IstioNaming.renderConfig("/apis/networking.istio.io/v1alpha3/namespaces/default/destination-rule/reviews") == "reviews.default")
        #expect(IstioNaming.renderConfig("/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin") == "httpbin.default")
        #expect(IstioNaming.renderConfig("/apis/networking.istio.io/v1/namespaces/default") == "")
        #expect(IstioNaming.renderConfig("/apis/gateway.networking.k8s.io/v1/namespaces/a/httproute/b") == "<unknown>")
        #expect(IstioNaming.renderConfig(nil) == "")
    }

    @Test func routeDomainsAreFoldedLikeIstioctl() {
        #expect(RouteView.describeRouteDomains(["reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080", "reviews", "reviews:9080", "reviews.default.svc", "reviews.default", "10.96.1.2", "10.96.1.2:9080"])
            == "reviews, reviews.default + 1 more...")
        #expect(RouteView.describeRouteDomains(["[fd00:10:96::7fc7]", "[fd00:10:96::7fc7]:8090", "a"]) == "[fd00:10:96::7fc7], a")
        #expect(RouteView.describeRouteDomains(["*"]) == "*")
        #expect(RouteView.describeRouteDomains([]) == "")
    }

    @Test func listenerMatchDescriptions() throws {
        let doc = try JSONDocument(#"""
        [{"server_names": ["a.com", "b.com"], "transport_protocol": "tls", "application_protocols": ["istio-peer-exchange", "istio"], "destination_port": 8443, "prefix_ranges": [{"address_prefix": "10.0.0.0", "prefix_len": 8}]},
         {"application_protocols": ["http/1.0", "http/1.1", "h2c"]},
         {"application_protocols": ["h2"], "destination_port": 80},
         {}]
        """#)
        let described = doc.root.elements.map { ListenerView.describeMatch(EnvoyFilterChainMatch($0)) }
        #expect(described == [
            "SNI: a.com,b.com; Trans: tls; App: TCP TLS; Addr: 10.0.0.0/8:8443",
            "App: HTTP",
            "App: h2; Addr: *:80",
            "ALL",
        ])
    }
}
