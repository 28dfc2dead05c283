/// The destinations a VirtualService sends traffic to, with the field path of each, as the
/// reference and port rules read them: `http[].route[].destination`, `tcp[]` and `tls[]`
/// routes, and `http[].mirror` / `http[].mirrors[].destination`.
struct RouteDestination: Sendable {
    var path: String
    var host: String
    var subset: String?
    var port: Int?
    var isMirror: Bool

    static func all(_ vs: KubeObject) -> [RouteDestination] {
        var out: [RouteDestination] = []
        let spec = vs.raw["spec"]
        func add(_ d: JSONValue?, _ path: String, mirror: Bool) {
            guard let d, let host = d["host"]?.string else { return }
            let subset = d["subset"]?.string
            out.append(RouteDestination(path: path, host: host, subset: (subset?.isEmpty ?? true) ? nil : subset,
                                        port: d["port"]?["number"]?.int, isMirror: mirror))
        }
        for section in ["http", "tcp", "tls"] {
            for (i, rule) in (spec?[section]?.array ?? []).enumerated() {
                for (j, route) in (rule["route"]?.array ?? []).enumerated() {
                    add(route["destination"], "spec.\(section)[\(i)].route[\(j)].destination", mirror: false)
                }
                guard section == "http" else { continue }
                add(rule["mirror"], "spec.http[\(i)].mirror", mirror: true)
                for (k, m) in (rule["mirrors"]?.array ?? []).enumerated() {
                    add(m["destination"], "spec.http[\(i)].mirrors[\(k)].destination", mirror: true)
                }
            }
        }
        return out
    }

}
