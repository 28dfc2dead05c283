import Foundation
import MeshModel
import TerminalUI

/// The layers view: `LayersDiagram` (which hop terminates TCP, TLS, HTTP, HBONE) on the
/// left, the numbered evidence each cell points to on the right. Opened with `p` on a
/// listener or cluster row, or `:layers HOST:PORT` (outbound) / `:layers PORT` (inbound).
public enum LayersScreen {
    /// The screen for one hop of the loaded dump.
    public static func screen(_ data: SourceData, target: String) -> Result<Screen, SourceData.Unavailable> {
        guard let dump = data.envoy else {
            return .failure(SourceData.Unavailable(description: "the layers view needs an Envoy config dump (--file config_dump.json)"))
        }
        let layers = EnvoyLayers(dump)
        let hop: HopLayers
        if let port = Int(target) {
            hop = layers.inbound(port: port, name: "inbound :\(port)")
        } else if let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]), port > 0 {
            var host = String(target[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let ip = IPAddress.isLiteral(host) ? host : nil
            hop = layers.outbound(host: host, port: port, ip: ip, name: "outbound \(target)")
        } else {
            return .failure(SourceData.Unavailable(description: "layers: expected HOST:PORT (outbound) or PORT (inbound), got \"\(target)\""))
        }
        let diagram = LayersDiagram(hops: [hop])
        return .success(Screen(crumb: "layers \(target)", content: content(diagram, title: "Layers \(hop.name)")))
    }

    static func content(_ d: LayersDiagram, title: String) -> Content {
        var left = d.table.render(wide: false).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var right: [String] = ["EVIDENCE"]
        var n = 0
        for (h, hop) in d.hops.enumerated() {
            left.append("")
            left.append("\(h + 1). \(hop.name) [\(hop.kind.rawValue)]")
            for layer in TrafficLayer.allCases {
                let c = hop.cell(layer)
                if c.downstream.isNone && c.upstream.isNone { continue }
                left.append("   \(layer.rawValue)  downstream: \(side(c.downstream))")
                left.append("   \(String(repeating: " ", count: layer.rawValue.count))  upstream:   \(side(c.upstream))")
            }
            for e in hop.evidence {
                n += 1
                right.append("[\(n)] \(e.description)")
            }
            for m in hop.missing { right.append("missing: \(m)") }
            for a in hop.alternatives { right.append("otherwise: \(a)") }
            right += hop.outcomeLines
        }
        return .text(TextScreen(title: title, pane: TextPaneState(lines: left), side: TextPaneState(lines: right)))
    }

    static func side(_ a: LayerAction) -> String {
        if a.isNone { return "—" }
        return a.detail.map { "\(a.verb) (\($0))" } ?? a.verb
    }

    static func open(_ data: SourceData, _ target: String) -> Screen? {
        switch screen(data, target: target) {
        case .success(let s): return s
        case .failure(let e):
            return Screen.text("layers", e.description)
        }
    }

    /// Listener rows: `virtualInbound` (port 15006) → inbound to the chain's destination
    /// port; any other listener → outbound to its address and port.
    static func forListenerRow(_ data: SourceData, _ row: [String]) -> Screen? {
        guard row.count >= 3, let port = Int(row[1]) else { return nil }
        if port == 15006 {
            // MATCH reads like `Addr: *:9080` or `Trans: tls; Addr: *:9080`.
            if let r = row[2].range(of: ":", options: .backwards), let p = Int(row[2][r.upperBound...].prefix { $0.isNumber }) {
                return open(data, String(p))
            }
            return open(data, "15006")
        }
        let host = row[0].split(separator: ",").first.map(String.init) ?? row[0]
        return open(data, "\(host):\(port)")
    }

    /// Cluster rows: outbound → the service host and port; inbound → the port.
    static func forClusterRow(_ data: SourceData, _ row: [String]) -> Screen? {
        guard row.count >= 4, let port = Int(row[1]) else { return nil }
        return row[3] == "inbound" ? open(data, String(port)) : open(data, "\(row[0]):\(port)")
    }
}
