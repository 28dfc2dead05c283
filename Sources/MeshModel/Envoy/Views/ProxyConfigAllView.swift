import Foundation

/// `proxy-config all`: the version summary, then the cluster, listener, route, secret and
/// endpoint tables with `cluster/`, `listener/` ... name prefixes, separated by blank
/// lines (istioctl's `PrintFullSummary`). `withHeaders` adds `------ CLUSTER INFO ------`
/// style headers.
///
/// istioctl stops at the first section it cannot print; we print every section we can and
/// report the others in ``Rendered/missing``.
///
/// ```swift
/// let r = ProxyConfigAllView.render(dump, now: Date())
/// print(r.text, terminator: "")
/// ```
public enum ProxyConfigAllView {
    public struct Filters: Sendable {
        public var cluster = ClusterFilter()
        public var listener = ListenerFilter()
        public var routeName = ""
        public var endpoint = EndpointFilter()
        public var verbose = true
        public init() {}
    }

    public struct Rendered: Sendable {
        public var text: String
        /// Sections that could not be shown, with why (e.g. "no clusters in the dump").
        public var missing: [(section: EnvoySectionKind, reason: String)]
    }

    public static func render(_ dump: EnvoyConfigDump, filters: Filters = Filters(), now: Date, withHeaders: Bool = false, wide: Bool = false) -> Rendered {
        let options = ProxyConfigTableOptions(typePrefix: true, wide: wide)
        var parts: [(header: String, body: String)] = []
        var missing: [(EnvoySectionKind, String)] = []

        if let b = dump.bootstrap, b.json != nil {
            parts.append(("BOOTSTRAP INFO", VersionSummaryView.table(b, wide: wide).render(wide: wide)))
        } else {
            missing.append((.bootstrap, "no bootstrap in the dump"))
        }

        let clusters = ClusterView.clusters(dump, filter: filters.cluster, includeWarming: wide)
        if dump.clusters.isEmpty {
            missing.append((.clusters, "no clusters in the dump"))
        } else {
            parts.append(("CLUSTER INFO", ClusterView.table(clusters, options: options).render(wide: wide)))
        }

        if dump.listeners.isEmpty {
            missing.append((.listeners, "no listeners in the dump"))
        } else {
            let listeners = ListenerView.listeners(dump, filter: filters.listener, includeAllStates: wide)
            parts.append(("LISTENER INFO", ListenerView.table(listeners, verbose: filters.verbose, options: options).render(wide: wide)))
        }

        if dump.routeConfigs.isEmpty {
            missing.append((.routes, "no route configs in the dump"))
        } else {
            let routes = RouteView.routeConfigs(dump, name: filters.routeName)
            parts.append(("ROUTE INFO", RouteView.table(routes, verbose: filters.verbose, options: options).render(wide: wide)))
        }

        if dump.sectionValues[.secrets] == nil {
            missing.append((.secrets, "no secrets section in the dump"))
        } else if !SecretView.hasDynamicSecrets(dump) {
            parts.append(("SECRET INFO", SecretView.noSecretsMessage))
        } else {
            let items = SecretView.items(dump, inlineStrings: wide)
            parts.append(("SECRET INFO", SecretView.table(items, now: now, options: options).render(wide: wide)))
        }

        // istioctl prints the endpoint header even when the dump has no EDS section.
        let assignments = EndpointView.assignments(dump, filter: filters.endpoint)
        parts.append(("ENDPOINTS INFO", EndpointView.table(assignments, options: options).render(wide: wide)))

        var text = ""
        for (i, part) in parts.enumerated() {
            if i > 0 { text += "\n" }
            if withHeaders { text += "------ \(part.header) ------\n\n" }
            text += part.body
        }
        return Rendered(text: text, missing: missing)
    }
}
