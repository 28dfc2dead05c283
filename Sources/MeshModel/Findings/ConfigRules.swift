extension FindingRules {
    /// Rules over Kubernetes and Istio configuration (istioctl analyze's codes).
    public static let config: [FindingRule] = []
}
