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
        case opened, closed, sent, received, requests, requestBytes, responseBytes, durationBucket

        init?(_ name: String) {
            switch name {
            case "istio_tcp_connections_opened_total": self = .opened
            case "istio_tcp_connections_closed_total": self = .closed
            case "istio_tcp_sent_bytes_total": self = .sent
            case "istio_tcp_received_bytes_total": self = .received
            case "istio_requests_total": self = .requests
            case "istio_request_bytes_sum": self = .requestBytes
            case "istio_response_bytes_sum": self = .responseBytes
            case "istio_request_duration_milliseconds_bucket": self = .durationBucket
            default: return nil
            }
        }
    }

    /// Which edge field each label of a series feeds, by position.
    struct LabelLayout {
        enum Field {
            case reporter, sourceWorkload, sourceNamespace, destinationWorkload, destinationNamespace, service
            case security, sourcePrincipal, destinationPrincipal, protocol_, responseCode, responseFlags, le, other
        }

        var names: [String]
        var fields: [Field]

        init(_ labels: [PrometheusText.Label]) {
            names = labels.map(\.name)
            fields = labels.map { l in
                switch l.name {
                case "reporter": .reporter
                case "source_workload": .sourceWorkload
                case "source_workload_namespace": .sourceNamespace
                case "destination_workload": .destinationWorkload
                case "destination_workload_namespace": .destinationNamespace
                case "destination_service": .service
                case "connection_security_policy": .security
                case "source_principal": .sourcePrincipal
                case "destination_principal": .destinationPrincipal
                case "request_protocol": .protocol_
                case "response_code": .responseCode
                case "response_flags": .responseFlags
                case "le": .le
                default: .other
                }
            }
        }

        func matches(_ labels: [PrometheusText.Label]) -> Bool {
            guard labels.count == names.count else { return false }
            for (k, l) in labels.enumerated() where l.name != names[k] { return false }
            return true
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
        var protocols: [String] = []
        var durations = LatencyHistogram()

        /// One sample's contribution, applied in place (one dictionary access per sample).
        mutating func add(_ family: Family, value: Double, delta: Double?, isError: Bool, flag: String, bound: String, sourcePrincipal src: String, destinationPrincipal dst: String, protocol proto: String) {
            if family == .durationBucket {
                // Latency is an interval's: only the buckets' increases count.
                if let delta, let le = LatencyHistogram.bound(bound) { durations.add(le: le, delta) }
                return
            }
            values.add(family, value, isError: isError, flag: flag)
            if let delta { deltas.add(family, delta, isError: isError, flag: flag) }
            if sourcePrincipal.isEmpty || sourcePrincipal == "unknown" { sourcePrincipal = src }
            if destinationPrincipal.isEmpty || destinationPrincipal == "unknown" { destinationPrincipal = dst }
            if !proto.isEmpty && !protocols.contains(proto) { protocols.append(proto) }
        }
    }

    struct Counts {
        var opened = 0.0, closed = 0.0, sent = 0.0, received = 0.0
        var requests: Double?
        var errors: Double?
        var flags: [String: Double] = [:]

        mutating func add(_ family: Family, _ v: Double, isError: Bool, flag: String) {
            switch family {
            case .opened: opened += v
            case .closed: closed += v
            case .sent, .responseBytes: sent += v
            case .received, .requestBytes: received += v
            case .requests:
                requests = (requests ?? 0) + v
                errors = (errors ?? 0) + (isError ? v : 0)
                if TrafficEdges.isFlagged(flag) { flags[flag, default: 0] += v }
            case .durationBucket: break
            }
        }
    }

    /// Aggregates the current sample into edges; with a previous sample and the seconds
    /// between them, adds per-second rates. Rates are computed per series before summing, and
    /// a series that went down was reset: its increase is its current value, never negative.
    public static func build(current: PrometheusText, previous: PrometheusText? = nil, interval: Double? = nil, origin: Origin = .auto) -> [TrafficEdge] {
        let origin = origin == .auto ? detect(current) : origin
        // The previous value of each series. Exporters print the same series in the same order
        // scrape after scrape, so the next previous sample is almost always the one: a label
        // comparison, no sorting or hashing. Only when the order changed (a series came or went)
        // is every previous series keyed by name and sorted labels, once.
        var previousSamples: [PrometheusText.Sample]?
        if let previous { previousSamples = previous.samples.filter { Family($0.name) != nil } }
        var cursor = 0
        var previousValues: [SeriesKey: Double]?
        func previousValue(_ s: PrometheusText.Sample) -> Double? {
            guard let list = previousSamples else { return nil }
            if cursor < list.count, list[cursor].name == s.name, list[cursor].labels == s.labels {
                cursor += 1
                return list[cursor - 1].value
            }
            if previousValues == nil {
                var values: [SeriesKey: Double] = [:]
                values.reserveCapacity(list.count)
                for p in list { values[SeriesKey(p)] = p.value }
                previousValues = values
            }
            return previousValues?[SeriesKey(s)]
        }
        var groups: [GroupKey: Accumulator] = [:]
        groups.reserveCapacity(current.samples.count / 4)
        var layout = LabelLayout([])
        for s in current.samples {
            guard let family = Family(s.name) else { continue }
            var edge = EdgeKey()
            var reporter = ""
            var security = ""
            var srcPrincipal = ""
            var dstPrincipal = ""
            var proto = ""
            var isError = false
            var flag = ""
            var bound = ""
            // Exporters print every series of a family with the same label names in the same
            // order, and the parser interns names, so checking the last layout is a pointer
            // comparison per label instead of a string switch.
            if !layout.matches(s.labels) { layout = LabelLayout(s.labels) }
            for (k, l) in s.labels.enumerated() {
                switch layout.fields[k] {
                case .reporter: reporter = l.value
                case .sourceWorkload: edge.sourceWorkload = l.value
                case .sourceNamespace: edge.sourceNamespace = l.value
                case .destinationWorkload: edge.destinationWorkload = l.value
                case .destinationNamespace: edge.destinationNamespace = l.value
                case .service: edge.service = l.value
                case .security: security = l.value
                case .sourcePrincipal: srcPrincipal = l.value
                case .destinationPrincipal: dstPrincipal = l.value
                case .protocol_: proto = l.value
                case .responseCode: isError = isErrorCode(l.value)
                case .responseFlags: flag = l.value
                case .le: bound = l.value
                case .other: break
                }
            }
            var delta: Double?
            if previousSamples != nil {
                // A new series started inside the interval; a smaller value means a reset.
                // Counters are never negative: a negative sample counts as zero, so no rate is.
                delta = previousValue(s).map { s.value >= $0 ? s.value - $0 : max(0, s.value) } ?? max(0, s.value)
            }
            groups[GroupKey(edge: edge, reporter: reporter, security: security), default: Accumulator()].add(
                family, value: s.value, delta: delta, isError: isError, flag: flag, bound: bound, sourcePrincipal: srcPrincipal,
                destinationPrincipal: dstPrincipal, protocol: proto)
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
            var e = edge(source: (key.edge.sourceWorkload, key.edge.sourceNamespace),
                         destination: (key.edge.destinationWorkload, key.edge.destinationNamespace),
                         service: key.edge.service, security: security(key.security, origin: origin), reporter: key.reporter,
                         principals: (acc.sourcePrincipal, acc.destinationPrincipal), protocols: acc.protocols)
            e.opened = acc.values.opened
            e.closed = acc.values.closed
            e.sent = acc.values.sent
            e.received = acc.values.received
            e.requests = acc.values.requests
            e.errors = acc.values.errors
            e.flags = acc.values.flags
            if previousSamples != nil, let interval, interval > 0 {
                let d = acc.deltas
                e.rates = TrafficEdge.Rates(
                    opened: d.opened / interval, closed: d.closed / interval, sent: d.sent / interval,
                    received: d.received / interval, requests: d.requests.map { $0 / interval }, errors: d.errors.map { $0 / interval },
                    flags: d.flags.mapValues { $0 / interval }, seconds: interval)
                e.durations = acc.durations
                e.latency = acc.durations.latency
            }
            edges.append(e)
        }
        // Two groups with the same names but different security stay separate rows. Sorting
        // indices keeps the (large) edges from being moved around.
        let order = GoCompat.order(edges.count) { [edges[$0].source, edges[$0].destination, edges[$0].service, edges[$0].security.rawValue] }
        return order.map { edges[$0] }
    }

    static func detect(_ text: PrometheusText) -> Origin {
        // Exporters declare their families; fall back to the samples when they do not.
        if text.types.keys.contains(where: { $0.hasPrefix("envoy_") || $0 == "istio_requests_total" }) { return .envoy }
        return text.samples.contains { $0.name == "istio_requests_total" || $0.name.hasPrefix("envoy_") } ? .envoy : .ztunnel
    }

    static func rank(_ reporter: String) -> Int {
        switch reporter {
        case "destination": 0
        case "source": 1
        default: 2
        }
    }

    /// An edge from Istio's labels, as every reader of them names it (scraped or PromQL):
    /// `workload.namespace`, `unknown` for an empty service or principal, protocols in Go's order.
    static func edge(source: (String, String), destination: (String, String), service: String, security: TrafficEdge.Security,
                     reporter: String, principals: (String, String), protocols: some Sequence<String>) -> TrafficEdge {
        TrafficEdge(
            source: name(source.0, source.1), destination: name(destination.0, destination.1),
            service: service.isEmpty ? "unknown" : service, security: security, reporter: reporter,
            sourcePrincipal: principals.0.isEmpty ? "unknown" : principals.0,
            destinationPrincipal: principals.1.isEmpty ? "unknown" : principals.1,
            protocols: protocols.sorted(by: GoCompat.less))
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

    /// A `response_flags` value that says something: not `-` (none) nor empty.
    static func isFlagged(_ flag: String) -> Bool { !flag.isEmpty && flag != "-" }

    /// 5xx, `0` (no response: reset, timeout before headers), or 403: what an
    /// AuthorizationPolicy's denial answers (the destination's RBAC filter), a request the
    /// mesh refused rather than an answer of the application. Other 4xx are not counted.
    static func isErrorCode(_ code: String) -> Bool {
        code == "0" || code == "403" || (code.utf8.count == 3 && code.utf8.first == UInt8(ascii: "5"))
    }
}
