/// Maps Envoy v2 / v2alpha type names to their v3 names where the mapping is mechanical,
/// so an old dump (or istiod answering in v2) compares equal to a v3 one.
///
/// ```swift
/// DiffTypeURL.normalize("type.googleapis.com/envoy.api.v2.Cluster")
/// // "type.googleapis.com/envoy.config.cluster.v3.Cluster"
/// ```
/// Field renames between v2 and v3 (`hosts` → `load_assignment`, `tls_context` →
/// `transport_socket`) are not mechanical and are reported as differences.
public enum DiffTypeURL {
    static let exact: [String: String] = [
        "envoy.api.v2.Cluster": "envoy.config.cluster.v3.Cluster",
        "envoy.api.v2.Listener": "envoy.config.listener.v3.Listener",
        "envoy.api.v2.RouteConfiguration": "envoy.config.route.v3.RouteConfiguration",
        "envoy.api.v2.ScopedRouteConfiguration": "envoy.config.route.v3.ScopedRouteConfiguration",
        "envoy.api.v2.ClusterLoadAssignment": "envoy.config.endpoint.v3.ClusterLoadAssignment",
        "envoy.api.v2.auth.Secret": "envoy.extensions.transport_sockets.tls.v3.Secret",
        "envoy.api.v2.auth.UpstreamTlsContext": "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        "envoy.api.v2.auth.DownstreamTlsContext": "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        "envoy.config.bootstrap.v2.Bootstrap": "envoy.config.bootstrap.v3.Bootstrap",
    ]

    public static func normalize(_ url: String) -> String {
        var prefix = Substring("")
        var name = Substring(url)
        if let slash = url.lastIndex(of: "/") {
            prefix = url[...slash]
            name = url[url.index(after: slash)...]
        }
        guard name.hasPrefix("envoy.") else { return url }
        return String(prefix) + v3Name(String(name))
    }

    static func v3Name(_ name: String) -> String {
        if let v3 = exact[name] { return v3 }
        // envoy.admin.v2alpha.X → envoy.admin.v3.X
        if name.hasPrefix("envoy.admin.v2alpha.") { return "envoy.admin.v3." + name.dropFirst("envoy.admin.v2alpha.".count) }
        // envoy.config.filter.{network,http,listener}.NAME.v2[alpha].Msg → envoy.extensions.filters.….NAME.v3.Msg
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count >= 7, parts[0] == "envoy", parts[1] == "config", parts[2] == "filter",
           parts[parts.count - 2] == "v2" || parts[parts.count - 2] == "v2alpha" {
            let middle = parts[3..<(parts.count - 2)].joined(separator: ".")
            return "envoy.extensions.filters.\(middle).v3.\(parts[parts.count - 1])"
        }
        // envoy.config.accesslog.v2.FileAccessLog → envoy.extensions.access_loggers.file.v3.FileAccessLog
        if name == "envoy.config.accesslog.v2.FileAccessLog" { return "envoy.extensions.access_loggers.file.v3.FileAccessLog" }
        return name
    }
}
