import Foundation
import MeshClient
import MeshGen
@testable import MeshModel

/// Findings and Prometheus: hostile manifests through the manifest loader and every rule
/// (a rule may report MS0000 on odd data, never trap), and hostile Prometheus API answers
/// through the decoder and the edge builder.
extension FuzzTargets {
    static func configFindings() -> FuzzTarget {
        FuzzTarget(name: .configFindings, seeds: Seeds.istioConfig.map { FuzzCase($0) }, formats: [.json], iterations: 80) { c in
            let loaded = ManifestFacts.load(c.parts[0], source: "fuzz.json")
            let report = FindingsEngine.evaluate(MeshFacts(now: Date(timeIntervalSince1970: 1_795_165_200), kube: loaded.facts))
            var o = FuzzOutcome()
            // Every finding names what it is about and says why; the table renders.
            if report.findings.contains(where: { $0.message.isEmpty }) { o.problem("config-findings: a finding without a message") }
            _ = FindingsOutput.table(report.findings).render(wide: true)
            return o
        }
    }

    static func prometheusAPI() -> FuzzTarget {
        FuzzTarget(name: .prometheusAPI, seeds: Seeds.prometheusAnswers.map { FuzzCase($0) }, formats: [.json], iterations: 200) { c in
            var o = FuzzOutcome()
            // The one-pass reader answers only what the general decoder reads the same way.
            if let fast = PrometheusVectorScanner.scan(c.parts[0]) {
                let general = try? PrometheusAPIResult.decodeGeneric(c.parts[0])
                if general.map({ Self.sameAnswer($0, fast) }) != true {
                    o.problem("prometheus-api: the one-pass vector reader disagrees with the general decoder: \(String(describing: fast).prefix(200)) vs \(String(describing: general).prefix(200))")
                }
            }
            guard let result = try? PrometheusAPIResult.decode(c.parts[0]) else { return o }
            if let edges = try? PrometheusEdges.build(rates: result, totals: result, latency: result) {
                if edges.contains(where: { e in e.rates.map { r in [r.sent, r.received].contains { !$0.isFinite || $0 < 0 } } ?? false }) {
                    o.problem("prometheus-api: a negative or non-finite rate on an edge")
                }
                // Error shares and latency quantiles as the tables show them: no `nan%`, safe cells.
                for e in edges {
                    if let summary = e.errorSummary, summary.lowercased().contains("nan") || summary.lowercased().contains("inf") {
                        o.problem("prometheus-api: error summary \(summary.prefix(120))")
                    }
                }
                TerminalSafety.expectTerminalSafe(TrafficEdges.table(edges).render(wide: true), what: "prometheus-api edges table", into: &o)
                return o
            }
            _ = PrometheusEdges.history(result)
            return o
        }
    }
}

extension FuzzTargets {
    /// Equal answers, NaN samples equal to NaN (a `"NaN"` value is a valid sample).
    static func sameAnswer(_ a: PrometheusAPIResult, _ b: PrometheusAPIResult) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        guard a.resultType == b.resultType, a.warnings == b.warnings, a.series.count == b.series.count else { return false }
        return zip(a.series, b.series).allSatisfy { s, t in
            s.labels == t.labels && s.samples.count == t.samples.count
                && zip(s.samples, t.samples).allSatisfy { same($0.time, $1.time) && same($0.value, $1.value) }
        }
    }
}

extension Seeds {
    /// Generated Istio configuration (with the generator's deliberate mistakes) as a JSON
    /// List, and the manifest target's YAML seeds.
    static let istioConfig: [[UInt8]] = [ConfigObjectsGenerator.json(objects: 40, namespaces: 3)] + manifests

    /// Prometheus HTTP API answers: an edge vector with Istio's labels (compact, as Prometheus
    /// writes it, so the one-pass reader takes it; and with warnings, so it does not), a range
    /// matrix, an error.
    static let prometheusAnswers: [[UInt8]] = [
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"requests","reporter":"destination","source_workload":"productpage-v1","source_workload_namespace":"bookinfo","destination_workload":"reviews-v1","destination_workload_namespace":"bookinfo","destination_service":"reviews.bookinfo.svc.cluster.local","connection_security_policy":"mutual_tls","response_code":"503","response_flags":"UH"},"value":[1795165200.5,"12.5"]},{"metric":{"meshscope":"requests","source_workload":"a"},"value":[1795165200.5,"NaN"]}]}}"#,
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"meshscope":"requests","reporter":"destination","source_workload":"productpage-v1","source_workload_namespace":"bookinfo","destination_workload":"reviews-v1","destination_workload_namespace":"bookinfo","destination_service":"reviews.bookinfo.svc.cluster.local","connection_security_policy":"mutual_tls","response_code":"200"},"value":[1795165200.5,"12.5"]}]},"warnings":["partial"]}"#,
        #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"source_workload":"a","destination_workload":"b"},"values":[[1795165200,"1"],[1795165260,"NaN"],[1795165320,"+Inf"]]}]}}"#,
        #"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#,
    ].map { Array($0.utf8) }
}
