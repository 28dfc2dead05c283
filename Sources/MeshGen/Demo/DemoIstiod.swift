import MeshModel

/// What the demo's istiod answers on its debug port (15014): `/debug/syncz` and
/// `/debug/connections`. istiod pushes new config every ``pushInterval`` ticks; every proxy
/// ACKs at once except ``DemoMesh/stalePod``, whose last EDS push stays unacknowledged, and
/// the planted faults (``DemoMesh/Faults``): a proxy never sent listeners, one that NACKed
/// them (istiod's newer `resources` shape, which carries `last_error`), an old proxy, and a
/// pod istiod does not list at all.
extension DemoMesh {
    public static let pushInterval = 60

    /// The push number at `tick` (the nonce suffix every proxy has acknowledged).
    public static func pushVersion(tick: Int) -> Int { 1 + max(0, tick) / pushInterval }

    /// The proxy ID istiod knows a pod by.
    public func proxyID(_ p: Int) -> String { pods[p].name + "." + pods[p].namespace }

    /// Pods connected to istiod over xDS: Envoys and ztunnels (not ``Faults/notConnected``).
    public var xdsClients: [Int] { pods.indices.filter { (pods[$0].mode.hasEnvoy || pods[$0].mode == .ztunnel) && isConnectedToIstiod($0) } }

    public func istiodSyncz(tick: Int) -> [UInt8] {
        let version = DemoMesh.pushVersion(tick: tick)
        var w = ByteWriter(capacity: xdsClients.count * 700 + 16)
        w.write("[")
        for (k, p) in xdsClients.enumerated() {
            w.write(k == 0 ? "\n  {" : ",\n  {")
            let type = pods[p].mode == .ztunnel ? "ztunnel" : pods[p].mode == .sidecar ? "sidecar" : "router"
            w.write("\"cluster_id\":\"Kubernetes\",\"proxy\":")
            w.quoted(proxyID(p))
            w.write(",\"proxy_type\":")
            w.quoted(type)
            w.write(",\"proxy_version\":\"\(proxyVersion(p))\",\"istio_version\":\"\(proxyVersion(p))\"")
            let nonce = "\(pods[p].uid.prefix(8))-\(version)"
            if type == "ztunnel" {
                w.write(",\"resources\":{")
                for (n, t) in [XdsType.address, XdsType.authorization].enumerated() {
                    if n > 0 { w.write(",") }
                    w.quoted(t)
                    w.write(":{\"sent\":\"\(nonce)\",\"acked\":\"\(nonce)\"}")
                }
                w.write("}")
            } else if p == faults.rejectedListener {
                // The proxy NACKed the last LDS push: it acked the one before, and istiod keeps the error.
                w.write(",\"resources\":{")
                for (n, t) in [XdsType.cluster, XdsType.listener, XdsType.route, XdsType.endpoint].enumerated() {
                    if n > 0 { w.write(",") }
                    w.quoted(t)
                    if t == XdsType.listener {
                        w.write(":{\"sent\":\"\(nonce)\",\"acked\":\"\(pods[p].uid.prefix(8))-\(max(1, version - 1))\",\"last_error\":")
                        w.quoted(DemoMesh.nackError)
                        w.write("}")
                    } else {
                        w.write(":{\"sent\":\"\(nonce)\",\"acked\":\"\(nonce)\"}")
                    }
                }
                w.write("}")
            } else {
                for field in ["cluster", "listener", "route", "endpoint"] {
                    // Never sent listeners, so never routes either: both are left out, as istiod does.
                    if p == faults.listenersNotSent && (field == "listener" || field == "route") { continue }
                    let acked = p == stalePod && field == "endpoint" ? "\(pods[p].uid.prefix(8))-\(max(1, version - 1))" : nonce
                    let sent = p == stalePod && field == "endpoint" ? "\(pods[p].uid.prefix(8))-\(version)-stale" : nonce
                    w.write(",\"\(field)_sent\":\"\(sent)\",\"\(field)_acked\":\"\(acked)\"")
                }
            }
            w.write("}")
        }
        w.write("\n]\n")
        return w.bytes
    }

    public func istiodConnections(tick: Int) -> [UInt8] {
        let clients: [JSONTree] = xdsClients.map { p in
            .object([
                "connectionId": .string("\(proxyID(p))-\(p + 1)"),
                "connectedAt": .string("2026-11-20T09:\(10 + p % 50):\(10 + p % 40).000000000Z"),
                "address": .string("\(pods[p].ip):\(40_000 + p % 20_000)"),
            ])
        }
        return JSONWriter.bytes(.object(["totalClients": .int(clients.count), "clients": .array(clients)]), indent: 2)
    }
}
