/// The version lines `istioctl proxy-config all` starts with (`PrintBootstrapSummary`):
/// Istio Version, Istio Proxy Version, Envoy Version, each only when known.
///
/// ```swift
/// VersionSummaryView.table(dump.bootstrap!).render()
/// // Istio Version:       1.10.0
/// // Istio Proxy Version: 436f365a8007cd8a13a9f1321e7cce94bcc8883e
/// // Envoy Version:       1.18.3/Clean/RELEASE/BoringSSL
/// ```
public enum VersionSummaryView {
    /// `wide`: an old proxy without `user_agent_build_version` shows its `build_version`
    /// string where istioctl prints `0.0.0`.
    public static func table(_ bootstrap: EnvoyBootstrap, wide: Bool = false) -> Table {
        var rows: [[String]] = []
        if !bootstrap.istioVersion.isEmpty { rows.append(["Istio Version:", bootstrap.istioVersion]) }
        if !bootstrap.istioProxySHA.isEmpty { rows.append(["Istio Proxy Version:", bootstrap.istioProxySHA]) }
        var envoy = bootstrap.envoyVersion
        if wide, bootstrap.node?["user_agent_build_version"] == nil, let legacy = bootstrap.legacyBuildVersion { envoy = legacy }
        if !envoy.isEmpty { rows.append(["Envoy Version:", envoy]) }
        return Table(columns: [.init("FIELD"), .init("VALUE")], rows: rows, layout: TabWriter(padding: 1), showHeader: false)
    }
}

/// `proxy-config ecds`: ECDS NAME, TYPE (the `typed_config` type without its URL prefix),
/// sorted by type URL then name.
public enum EcdsView {
    public static func extensionConfigs(_ dump: EnvoyConfigDump) -> [EnvoyExtensionConfig] {
        GoSort.sorted(dump.extensionConfigs, key: { (url: $0.typedConfigURL, name: $0.name) }) { a, b in
            if a.url == b.url { return GoCompat.less(a.name, b.name) }
            return GoCompat.less(a.url, b.url)
        }
    }

    public static func table(_ configs: [EnvoyExtensionConfig], options: ProxyConfigTableOptions = ProxyConfigTableOptions()) -> Table {
        var columns: [Table.Column] = [.init("ECDS NAME"), .init("TYPE")]
        if options.wide { columns += [.init("INNER TYPE", wideOnly: true), .init("VERSION", wideOnly: true), .init("LAST UPDATED", wideOnly: true)] }
        let rows = configs.map { c -> [String] in
            let url = c.typedConfigURL
            var row = [c.name, url.hasPrefix("type.googleapis.com/") ? String(url.dropFirst("type.googleapis.com/".count)) : url]
            if options.wide {
                let tc = c.typedConfig
                row += [tc?.isTypedStruct == true ? (tc?.typeName ?? "") : "", c.versionInfo ?? "", c.lastUpdated ?? ""]
            }
            return row
        }
        return Table(columns: columns, rows: rows, layout: TabWriter(padding: 5))
    }
}
