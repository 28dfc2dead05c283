extension FindingRules {
    /// Rules over what proxies, istiod and metrics say now.
    public static let runtime: [FindingRule] = []
}
