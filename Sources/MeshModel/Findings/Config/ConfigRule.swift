/// How config rules are written: each gets the shared ``ConfigIndex`` and reports findings
/// that name the object (with its file:line), the field path as evidence, and a link to the
/// object's row in the TUI.
extension FindingRule {
    /// A rule for an `istioctl analyze` check. Its code is `MS1` + the Istio code's number
    /// (`IST0101` → `MS1101`), so one can be found from the other.
    static func config(_ istioCode: String, _ severity: FindingSeverity, _ title: String,
                       _ body: @escaping @Sendable (ConfigIndex, FindingRule) -> [Finding]) -> FindingRule {
        let template = FindingRule(code: "MS1" + istioCode.suffix(3), istioCode: istioCode, severity: severity, title: title,
                                   reads: [.kubeObjects, .istioConfig]) { _, _ in [] }
        var rule = template
        rule.evaluate = { facts, _ in
            guard let kube = facts.kube else { return [] }
            return body(ConfigIndex.of(kube), template)
        }
        return rule
    }
}

extension ConfigIndex {
    /// `Kind namespace/name`, with the file and line it was read from.
    func object(_ kind: String, _ namespace: String?, _ name: String) -> FindingObject {
        var o = FindingObject(kind: kind, namespace: namespace, name: name)
        o.location = locations[o.description]
        return o
    }

    func object(_ o: KubeObject) -> FindingObject { object(o.kind, o.metadata.namespace ?? "default", o.metadata.name) }

    func object(_ w: ConfigWorkload) -> FindingObject { object(w.kind, w.namespace, w.name) }

    /// Evidence naming the object, the field path and where the object was read from:
    /// `VirtualService bookinfo/reviews spec.http[0].route[0].destination.subset (vs.yaml:3)`.
    func evidence(_ o: FindingObject, _ path: String, _ text: String) -> FindingEvidence {
        var source = o.description + (path.isEmpty ? "" : " " + path)
        if let location = o.location { source += " (\(location))" }
        return FindingEvidence(source, text)
    }

    /// Where the TUI shows the object: Pods, Services and Namespaces in their own views, every
    /// other kind in `:istio`, the row named `Kind namespace/name`.
    static func link(_ o: FindingObject) -> FindingLink {
        let key = o.namespace.map { "\($0)/\(o.name)" } ?? o.name
        switch o.kind {
        case "Pod": return FindingLink(view: "pods", row: key)
        case "Service": return FindingLink(view: "services", row: key)
        case "Namespace": return FindingLink(view: "namespaces", row: o.name)
        default: return FindingLink(view: "istio", row: FindingObject(kind: o.kind, namespace: o.namespace, name: o.name).description)
        }
    }

    /// At most ten names, then how many there are in all: a finding about a group stays
    /// short however many objects share the mistake.
    static func names(_ list: [String]) -> String { names(list.prefix(10), count: list.count) }

    /// The first ten of `shown`, then `count` when there are more: `a,b,… (12 in all)`, or
    /// `a,b,… (at least 12 in all)` when `count` is a lower bound (`exactly` false), for a
    /// rule that counts without listing every name (IST0145 on thousands of Gateways).
    static func names(_ shown: some Collection<String>, count: Int, exactly: Bool = true) -> String {
        let head = shown.prefix(10).joined(separator: ",")
        guard count > min(shown.count, 10) || !exactly else { return head }
        return head + ",… (\(exactly ? "" : "at least ")\(count) in all)"
    }

    /// A finding about `subject` (first object, link target) and any others it involves.
    func report(_ rule: FindingRule, _ subject: FindingObject, _ message: String, _ evidence: [FindingEvidence],
                also: [FindingObject] = []) -> Finding {
        rule.finding([subject] + Array(also.lazy.filter { $0 != subject }.prefix(10)), message, evidence: Array(evidence.prefix(12)), link: ConfigIndex.link(subject))
    }
}
