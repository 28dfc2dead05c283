/// Turns "the chain was picked under conditions" into cells that say so.
///
/// When a listener's chain depends on what the client sends (transport protocol, ALPN,
/// destination IP or port not given), the hop shows the first chain and lists the others as
/// `otherwise:`. A cell whose summary differs between those outcomes must not state one of
/// them as a fact: it gets the condition of the shown outcome, in short words ("HTTP",
/// "TLS", "port 9080"), and the other summaries:
///
/// ```swift
/// // chain #0 when application protocol = http/1.1 → HTTP terminate+originate;
/// // the default chain otherwise → tcp_proxy, HTTP —
/// hop.cell(.http).summary   // "terminate+originate if HTTP, else —"
/// ```
enum LayerConditions {
    struct Outcome {
        var conditions: [String]
        var cells: [TrafficLayer: LayerCell]
    }

    /// `outcomes[0]` is the one the hop shows.
    static func apply(_ outcomes: [Outcome], to hop: inout HopLayers) {
        guard outcomes.count > 1 else { return }
        let tokens = outcomes.map { words($0.conditions) }
        // Words every outcome shares say nothing about which one happens.
        let shared = tokens.dropFirst().reduce(Set(tokens[0])) { $0.intersection($1) }
        let distinct = tokens.map { $0.filter { !shared.contains($0) } }
        for layer in TrafficLayer.allCases {
            let summaries = outcomes.map { ($0.cells[layer] ?? LayerCell()).baseSummary }
            let shown = summaries[0]
            guard summaries.contains(where: { $0 != shown }) else { continue }
            var others: [String] = []
            for s in summaries where s != shown && !others.contains(s) { others.append(s) }
            let same = summaries.indices.filter { summaries[$0] == shown }
            // The shown outcome's words that hold for every outcome with the same summary and
            // for none with another: the condition in one phrase, when there is one.
            let common = distinct[0].filter { w in same.allSatisfy { distinct[$0].contains(w) } }
            let elsewhere = summaries.indices.filter { summaries[$0] != shown }
            let separates = !common.isEmpty && elsewhere.allSatisfy { i in !common.allSatisfy { distinct[i].contains($0) } }
            var cell = hop.cells[layer] ?? LayerCell()
            cell.condition = separates ? common.joined(separator: " and ") : nil
            cell.otherwise = others
            hop.cells[layer] = cell
        }
    }

    /// Conditions in short words: `transport protocol = tls` → `TLS`, `application protocol =
    /// http/1.1` → `HTTP`, `destination port = 9080` → `port 9080`; `destination IP in
    /// 0.0.0.0/0` (any address) says nothing and is dropped.
    static func words(_ conditions: [String]) -> [String] {
        var out: [String] = []
        for c in conditions {
            guard let w = word(c), !out.contains(w) else { continue }
            out.append(w)
        }
        return out
    }

    static let httpALPN: Set<String> = ["http/1.0", "http/1.1", "h2", "h2c", "istio-http/1.0", "istio-http/1.1", "istio-h2"]

    static func word(_ condition: String) -> String? {
        // xds matchers quote their values ('h2c').
        let c = condition.replacingOccurrences(of: "'", with: "")
        func value(after prefix: String) -> String? { c.hasPrefix(prefix) ? String(c.dropFirst(prefix.count)) : nil }
        if let v = value(after: "transport protocol = ") { return v == "tls" ? "TLS" : v == "raw_buffer" ? "plaintext" : "transport \(v)" }
        if let v = value(after: "transport protocol not ") { return v == "tls" ? "not TLS" : v == "raw_buffer" ? "not plaintext" : "transport not \(v)" }
        if let v = value(after: "application protocol = ") {
            let names = v.split(separator: ",").map(String.init)
            return names.allSatisfy(httpALPN.contains) ? "HTTP" : "ALPN \(v)"
        }
        if let v = value(after: "application protocol not ") {
            let names = v.split(separator: "|").map(String.init)
            return names.allSatisfy(httpALPN.contains) ? "not HTTP" : "other ALPN"
        }
        if let v = value(after: "destination port = ") { return "port \(v)" }
        if value(after: "destination port not ") != nil { return "other ports" }
        if let v = value(after: "destination IP in ") { return v == "0.0.0.0/0" || v == "::/0" ? nil : "to \(v)" }
        if value(after: "destination IP not ") != nil { return "to other IPs" }
        if let v = value(after: "server name = ") { return "SNI \(v)" }
        if value(after: "server name not ") != nil { return "other SNI" }
        return c
    }
}
