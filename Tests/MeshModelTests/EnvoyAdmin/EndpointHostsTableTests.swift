import Foundation
import Testing
@testable import MeshModel

@Suite struct EndpointHostsTableTests {
    static let model = try! EnvoyClusters.decode(Array(ClustersSamples.text.utf8))

    @Test func matchesIstioctlLayout() {
        #expect(EndpointHostsTable.build(Self.model).render() == ClustersSamples.istioctlTable)
        let fromJSON = try! EnvoyClusters.decode(Array(ClustersSamples.json.utf8))
        #expect(EndpointHostsTable.build(fromJSON).render() == ClustersSamples.istioctlTable)
    }

    @Test func filtersLikeIstioctl() {
        func endpoints(_ f: EndpointHostFilter) -> [String] { EndpointHostsTable.build(Self.model, filter: f).rows.map { $0[0] } }
        #expect(endpoints(EndpointHostFilter(status: "unhealthy")) == ["fd00::7:8080"])
        #expect(endpoints(EndpointHostFilter(port: 8080)) == ["10.244.0.12:8080", "fd00::7:8080"])
        #expect(endpoints(EndpointHostFilter(cluster: "SDS-GRPC")) == ["unix://./var/run/secrets/workload-spiffe-uds/socket"])
        #expect(endpoints(EndpointHostFilter(address: "10.244.0.12")) == ["10.244.0.12:8080"])
        #expect(endpoints(EndpointHostFilter(address: "10.244.0.12", port: 9090)) == [])
        // A cluster is printed whole in -o json when any of its hosts matches.
        guard case .array(let clusters) = Self.model.outputNode(filter: EndpointHostFilter(status: "UNHEALTHY")) else {
            Issue.record("expected an array")
            return
        }
        #expect(clusters.count == 1)
    }

    @Test func wideShowsEnvoyAddressesAndLiveStats() {
        let out = EndpointHostsTable.build(Self.model, envoyAddresses: true).render(wide: true)
        let expected = """
        ENDPOINT                                         STATUS        OUTLIER CHECK     CLUSTER                                               CX ACTIVE     RQ ACTIVE     RQ TOTAL     RQ ERRORS     SUCCESS RATE     LOCALITY                WEIGHT     HEALTH FLAGS
        10.244.0.12:8080                                 HEALTHY       OK                outbound|80||web.default.svc.cluster.local            2             1             124          3             97.50%           us-east1/us-east1-b     1          healthy
        [fd00::7]:8080                                   UNHEALTHY     FAILED            outbound|80||web.default.svc.cluster.local            0             0             40           40            -                                        2          /failed_outlier_check/failed_eds_health
        envoy://connect_originate/10.244.0.12:8080       HEALTHY       OK                inbound-vip|80|http|web.default.svc.cluster.local     1             0             9            0             -                                        1          healthy
        ./var/run/secrets/workload-spiffe-uds/socket     HEALTHY       OK                sds-grpc                                              1             1             2            0             -                                        1          healthy

        """
        #expect(out == expected)
    }

    /// Rates between two captures 10 s apart; the IPv6 host's counters went down (the proxy
    /// restarted), so its rate comes from the current value and is marked.
    @Test func ratesWithACounterReset() throws {
        let later = ClustersSamples.text
            .replacingOccurrences(of: "10.244.0.12:8080::rq_total::124", with: "10.244.0.12:8080::rq_total::174")
            .replacingOccurrences(of: "10.244.0.12:8080::rq_error::3", with: "10.244.0.12:8080::rq_error::8")
            .replacingOccurrences(of: "[fd00::7]:8080::rq_total::40", with: "[fd00::7]:8080::rq_total::6")
            .replacingOccurrences(of: "[fd00::7]:8080::rq_error::40", with: "[fd00::7]:8080::rq_error::6")
        let current = try EnvoyClusters.decode(Array(later.utf8))
        let t = EndpointHostsTable.build(current, rates: .init(previous: Self.model, interval: 10))
        let rqs = try #require(t.columns.firstIndex { $0.name == "RQ/S" })
        let errs = try #require(t.columns.firstIndex { $0.name == "ERR/S" })
        #expect(t.rows.map { $0[rqs] } == ["5", "0.6 (reset)", "0", "0"])
        #expect(t.rows.map { $0[errs] } == ["0.5", "0.6 (reset)", "0", "0"])
        // A host that was not there before has no rate yet.
        let empty = EnvoyClusters()
        let fresh = EndpointHostsTable.build(current, rates: .init(previous: empty, interval: 10))
        #expect(fresh.rows[0][rqs] == "new")
    }
}
