/// Builds ``TrafficEdge``s from Istio's standard metrics.
public enum TrafficEdges {
    /// Who exported the metrics; decides what `connection_security_policy="unknown"` means.
    public enum Origin: String, Sendable, CaseIterable {
        /// ztunnel labels a connection `mutual_tls` when it used HBONE and `unknown` otherwise,
        /// so `unknown` is plaintext.
        case ztunnel
        /// Envoy's client side always says `unknown`; only `none` is known plaintext.
        case envoy
        /// Envoy if the text has `envoy_*` series or `istio_requests_total`, else ztunnel.
        case auto
    }

    enum Family {
        case opened, closed, sent, received, requests, requestBytes, responseBytes

        init?(_ name: String) {
            switch name {
            case "istio_tcp_connections_opened_total": self = .opened
            case "istio_tcp_connections_closed_total": self = .closed
            case "istio_tcp_sent_bytes_total": self = .sent
            case "istio_tcp_received_bytes_total": self = .received
            case "istio_requests_total": self = .requests
            case "istio_request_bytes_sum": self = .requestBytes
            case "istio_response_bytes_sum": self = .responseBytes
            default: return nil
            }
        }
    }

    struct EdgeKey: Hashable {
        var sourceWorkload = "", sourceNamespace = "", destinationWorkload = "", destinationNamespace = "", service = ""
    }

    struct GroupKey: Hashable {
        var edge: EdgeKey
        var reporter: String
        var security: String
    }

    struct SeriesKey: Hashable {
        var name: String
        var labels: [PrometheusText.Label]

        init(_ s: PrometheusText.Sample) {
            name = s.name
            labels = s.labels.sorted { $0.name < $1.name }
        }
    }

    struct Accumulator {
        var values = Counts()
        var deltas = Counts()
        var sourcePrincipal = ""
        var destinationPrincipal = ""
        var protocols: Set<String> = []
    }

    struct Counts {
        var opened = 0.0, closed = 0.0, sent = 0.0, received = 0.0
        var requests: Double?
        var errors: Double?

        mutating func add(_ family: Family, _ v: Double, isError: Bool) {
            switch family {
            case .opened: opened += v
            case .closed: closed += v
            case .sent, .responseBytes: sent += v
            case .received, .requestBytes: received += v
            case .requests:
                requests = (requests ?? 0) + v
                errors = (errors ?? 0) + (isError ? v : 0)
            }
        }
    }

    /// Aggregates the current sample into edges; with a previous sample and the seconds
    /// between them, adds per-second rates. Rates are computed per series before summing, and
    /// a series that went down was reset: its increase is its current value, never negative.
    public static func build(current: PrometheusText, previous: PrometheusText? = nil, interval: Double? = nil, origin: Origin = .auto) -> [TrafficEdge] {
        let origin = origin == .auto ? detect(current) : origin
        var previousValues: [SeriesKey: Double]?
        if let previous {
            var values: [SeriesKey: Double] = [:]
            for s in previous.samples where Family(s.name) != nil { values[SeriesKey(s)] = s.value }
            previousValues = values
        }
        var groups: [GroupKey: Accumulator] = [:]
        for s in current.samples {
            guard let family = Family(s.name) else { continue }
            var edge = EdgeKey()
            var reporter = ""
            var security = ""
            var srcPrincipal = ""
            var dstPrincipal = ""
            var proto = ""
            var isError = false
            for l in s.labels {
                switch l.name {
                case "reporter": reporter = l.value
                case "source_workload": edge.sourceWorkload = l.value
                case "source_workload_namespace": edge.sourceNamespace = l.value
                case "destination_workload": edge.destinationWorkload = l.value
                case "destination_workload_namespace": edge.destinationNamespace = l.value
                case "destination_service": edge.service = l.value
                case "connection_security_policy": security = l.value
                case "source_principal": srcPrincipal = l.value
                case "destination_principal": dstPrincipal = l.value
                case "request_protocol": proto = l.value
                case "response_code": isError = isErrorCode(l.value)
                default: break
                }
            }
            let key = GroupKey(edge: edge, reporter: reporter, security: security)
            var acc = groups[key] ?? Accumulator()
            acc.values.add(family, s.value, isError: isError)
            if let previousValues {
                let before = previousValues[SeriesKey(s)]
                // A new series started inside the interval; a smaller value means a reset.
                let delta = before.map { s.value >= $0 ? s.value - $0 : s.value } ?? s.value
                acc.deltas.add(family, delta, isError: isError)
            }
            if acc.sourcePrincipal.isEmpty || acc.sourcePrincipal == "unknown" { acc.sourcePrincipal = srcPrincipal }
            if acc.destinationPrincipal.isEmpty || acc.destinationPrincipal == "unknown" { acc.destinationPrincipal = dstPrincipal }
            if !proto.isEmpty { acc.protocols.insert(proto) }
            groups[key] = acc
        }

        // One reporter per edge: the destination's view when it reported, else the source's.
        var chosen: [EdgeKey: String] = [:]
        for key in groups.keys {
            let current = chosen[key.edge]
            if current == nil || rank(key.reporter) < rank(current!) { chosen[key.edge] = key.reporter }
        }
        var edges: [TrafficEdge] = []
        edges.reserveCapacity(groups.count)
        for (key, acc) in groups where chosen[key.edge] == key.reporter {
            var e = TrafficEdge(
                source: name(key.edge.sourceWorkload, key.edge.sourceNamespace),
                destination: name(key.edge.destinationWorkload, key.edge.destinationNamespace),
                service: key.edge.service.isEmpty ? "unknown" : key.edge.service,
                security: security(key.security, origin: origin),
                reporter: key.reporter,
                sourcePrincipal: acc.sourcePrincipal.isEmpty ? "unknown" : acc.sourcePrincipal,
                destinationPrincipal: acc.destinationPrincipal.isEmpty ? "unknown" : acc.destinationPrincipal,
                protocols: acc.protocols.sorted())
            e.opened = acc.values.opened
            e.closed = acc.values.closed
            e.sent = acc.values.sent
            e.received = acc.values.received
            e.requests = acc.values.requests
            e.errors = acc.values.errors
            if previousValues != nil, let interval, interval > 0 {
                let d = acc.deltas
                e.rates = TrafficEdge.Rates(
                    opened: d.opened / interval, closed: d.closed / interval, sent: d.sent / interval,
                    received: d.received / interval, requests: d.requests.map { $0 / interval }, errors: d.errors.map { $0 / interval })
            }
            edges.append(e)
        }
        // Two groups with the same names but different security stay separate rows.
        edges.sort { a, b in
            GoCompat.less(
                [a.source, a.destination, a.service, a.security.rawValue], [b.source, b.destination, b.service, b.security.rawValue])
        }
        return edges
    }

    static func detect(_ text: PrometheusText) -> Origin {
        for s in text.samples where s.name.hasPrefix("envoy_") || s.name == "istio_requests_total" { return .envoy }
        return .ztunnel
    }

    static func rank(_ reporter: String) -> Int {
        switch reporter {
        case "destination": 0
        case "source": 1
        default: 2
        }
    }

    static func name(_ workload: String, _ namespace: String) -> String {
        let w = workload.isEmpty ? "unknown" : workload
        if namespace.isEmpty || namespace == "unknown" { return w }
        return w + "." + namespace
    }

    static func security(_ value: String, origin: Origin) -> TrafficEdge.Security {
        switch value {
        case "mutual_tls": .mutualTLS
        case "none": .plaintext
        default: origin == .ztunnel ? .plaintext : .unknown
        }
    }

    /// 5xx, or `0` (no response: reset, timeout before headers).
    static func isErrorCode(_ code: String) -> Bool {
        code == "0" || (code.utf8.count == 3 && code.utf8.first == UInt8(ascii: "5"))
    }
}
