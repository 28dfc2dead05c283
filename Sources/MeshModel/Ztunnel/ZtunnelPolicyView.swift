extension ZtunnelViews {
    /// Policies sorted by namespace then name. With a workload filter, the policies ztunnel
    /// would apply to the matching workloads: `Global` ones, `Namespace` ones of the
    /// workload's namespace, and `WorkloadSelector` ones the workload lists.
    public static func policies(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter()) -> [ZtunnelPolicy] {
        let selected: [ZtunnelPolicy]
        if filter.selectsWorkloads {
            let workloads = index.dump.workloads.filter(filter.matches)
            let namespaces = Set(workloads.map(\.namespace))
            let bound = Set(workloads.flatMap(\.authorizationPolicies))
            selected = index.dump.policies.filter { p in
                switch p.scope {
                case "Global": true
                case "Namespace": namespaces.contains(p.namespace)
                default: bound.contains(p.namespace + "/" + p.name)
                }
            }
        } else {
            selected = index.dump.policies.filter { filter.matchesNamespace($0.namespace) }
        }
        return selected.sorted { a, b in GoCompat.less((a.namespace, a.name), (b.namespace, b.name)) }
    }

    public static func policyTable(_ policies: [ZtunnelPolicy]) -> Table {
        var table = Table(
            columns: [.init("NAMESPACE"), .init("POLICY NAME"), .init("ACTION"), .init("SCOPE"), .init("RULES", wideOnly: true, numeric: true)],
            layout: layout)
        table.rows = policies.map { [$0.namespace, $0.name, $0.action, $0.scope, String($0.ruleCount)] }
        return table
    }
}
