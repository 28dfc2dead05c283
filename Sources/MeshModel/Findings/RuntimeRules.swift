extension FindingRules {
    /// Rules over what proxies, istiod and metrics say now: sync (MS01xx), Envoy state and
    /// upstreams (MS02xx), certificates (MS03xx), traffic and security (MS04xx), ambient
    /// (MS05xx). Each family is a file in Findings/Runtime; docs/findings.md lists every rule.
    public static let runtime: [FindingRule] =
        SyncRules.all + EnvoyStateRules.all + UpstreamRules.all + CertificateRules.all + TrafficRules.all + AmbientRules.all
}
