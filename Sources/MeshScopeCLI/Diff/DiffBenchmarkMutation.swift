import MeshGen

/// `generate envoy-dump --mutate-percent P`: moves every (100/P)-th service (never the
/// proxy's own, service 0) to a new cluster IP and new pod IPs. Its endpoints, its
/// route virtual hosts (domains) and its TCP listeners change; names stay the same.
enum DiffBenchmarkMutation {
    static func apply(_ mesh: inout SyntheticMesh, percent: Double) {
        let stride = max(1, Int((100 / percent).rounded()))
        for i in mesh.services.indices where i % stride == stride / 2 && i != 0 {
            mesh.services[i].clusterIP = moved(mesh.services[i].clusterIP)
            for p in mesh.services[i].pods.indices {
                mesh.services[i].pods[p].ip = moved(mesh.services[i].pods[p].ip)
            }
        }
    }

    /// `--later-push`: every resource carries the version and time of a push five minutes
    /// later, as in a second capture of the same proxy (SotW xDS re-sends every resource).
    static func laterPush(_ gen: inout EnvoyDumpGenerator) {
        gen.versionInfo = "2026-11-20T10:05:00Z/43"
        gen.lastUpdated = "2026-11-20T10:05:00.000Z"
    }

    /// `a.b.c.d` → `a.(b+100 mod 256).c.d`.
    static func moved(_ ip: String) -> String {
        var parts = ip.split(separator: ".").map(String.init)
        guard parts.count == 4, let b = Int(parts[1]) else { return ip }
        parts[1] = String((b + 100) % 256)
        return parts.joined(separator: ".")
    }
}
