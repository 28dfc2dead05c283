/// Every rule meshscope has: runtime rules (sync, Envoy state, certificates, traffic,
/// ambient) and config rules (istioctl analyze's checks). docs/findings.md lists each.
public enum FindingRules {
    public static var all: [FindingRule] { runtime + config }
}
