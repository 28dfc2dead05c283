import Foundation

/// What a manifest would change in the findings, before it is applied: the rules run on the
/// facts as they are and on the same facts with the manifest's objects merged over the
/// cluster's (an object of the same kind, namespace and name replaces the live one; others
/// are added), and the findings only the second run has are the ones the manifest introduces.
/// Generic over the rules, so every config rule counts as soon as it is in ``FindingRules/all``.
///
/// ```swift
/// let new = ManifestFindings.introduced(by: ManifestFindings.objects(entries), into: facts)
/// // [IST0101 VirtualService bookinfo/reviews: … subset v3 which no DestinationRule defines]
/// ```
public enum ManifestFindings {
    public static func introduced(by objects: [KubeObject], into facts: MeshFacts, rules: [FindingRule] = FindingRules.all,
                                  options: FindingOptions = FindingOptions(), locations: [String: String] = [:]) -> [Finding] {
        var before = facts
        if before.kube == nil {
            // No cluster objects were read: both runs start from none, so only the manifest's count.
            before.kube = KubeFacts()
            before.unavailable[.kubeObjects] = nil
            before.unavailable[.istioConfig] = nil
        }
        var after = before
        after.kube = merged(before.kube ?? KubeFacts(), objects, locations: locations)
        let old = Set(FindingsEngine.evaluate(before, rules: rules, options: options).findings.map(sameness))
        return FindingsEngine.evaluate(after, rules: rules, options: options).findings.filter { !old.contains(sameness($0)) }
    }

    /// What makes two findings the same problem for the preview: the code, the object the
    /// finding is about (its first) and the evidence read from that object (field path and
    /// value). Not the message, which is free text and may carry totals (IST0145's `(3 in
    /// all)` grows when a manifest adds one more conflicting Gateway, and the conflicts the
    /// cluster already has are not new), and not the other objects a group finding lists
    /// (the Gateways it conflicts with). A second mistake of the same code on an object that
    /// already has one (a route to subset v9 beside the live one to missing v2) reads another
    /// value, so it still counts as new. Array positions are left out of the paths (a
    /// manifest that puts a rule before the live route to v2 moves it to `http[1]`), and so
    /// are locations (the same object read from the clipboard is the same).
    ///
    /// ```
    /// MS1101 · VirtualService bookinfo/reviews · spec.http[].route[].destination.subset = v2 (no DestinationRule …)
    /// ```
    static func sameness(_ f: Finding) -> String {
        let subject = f.objects.first.map { FindingObject(kind: $0.kind, namespace: $0.namespace, name: $0.name).description }
        let located = f.objects.first?.location.map { " (\($0))" }
        var read: [String] = []
        for e in f.evidence {
            var source = Substring(e.source)
            if let subject {
                guard source == subject || source.hasPrefix(subject + " ") else { continue }
            }
            if let located, source.hasSuffix(located) { source = source.dropLast(located.count) }
            read.append(withoutPositions(source) + "\u{1}" + e.text)
        }
        return ([f.code, subject ?? ""] + read.sorted()).joined(separator: "\u{0}")
    }

    /// A field path without its array positions: `spec.http[1].route[0]` → `spec.http[].route[]`.
    static func withoutPositions(_ path: Substring) -> String {
        var out = ""
        var rest = path[...]
        while let open = rest.firstIndex(of: "[") {
            let after = rest.index(after: open)
            out += rest[...open]
            rest = rest[after...]
            if let close = rest.firstIndex(of: "]"), close != rest.startIndex,
               rest[..<close].allSatisfy({ $0.isASCII && $0.isNumber }) {
                rest = rest[close...]
            }
        }
        return out + rest
    }

    /// `kube` with `objects` merged over it: same kind, namespace and name replaces.
    /// Each list is edited aside and assigned back once: every write to a ``KubeFacts`` list
    /// drops its derived indexes.
    public static func merged(_ kube: KubeFacts, _ objects: [KubeObject], locations: [String: String] = [:]) -> KubeFacts {
        var k = (pods: kube.pods, services: kube.services, namespaces: kube.namespaces,
                 endpointSlices: kube.endpointSlices, objects: kube.objects, locations: kube.locations)
        func same(_ m: ObjectMeta, _ o: KubeObject) -> Bool { m.name == o.metadata.name && (m.namespace ?? "") == (o.metadata.namespace ?? "") }
        for o in objects {
            switch o.kind {
            case "Pod":
                k.pods.removeAll { same($0.metadata, o) }
                k.pods.append(KubePod(o.raw))
            case "Service":
                k.services.removeAll { same($0.metadata, o) }
                k.services.append(KubeService(o.raw))
            case "Namespace":
                k.namespaces.removeAll { same($0.metadata, o) }
                k.namespaces.append(KubeNamespace(o.raw))
            case "EndpointSlice":
                k.endpointSlices.removeAll { same($0.metadata, o) }
                k.endpointSlices.append(KubeEndpointSlice(o.raw))
            default:
                k.objects[o.kind, default: []].removeAll { same($0.metadata, o) }
                k.objects[o.kind, default: []].append(o)
            }
        }
        for (key, location) in locations { k.locations[key] = location }
        var out = kube
        out.pods = k.pods
        out.services = k.services
        out.namespaces = k.namespaces
        out.endpointSlices = k.endpointSlices
        out.objects = k.objects
        out.locations = k.locations
        return out
    }

    /// The planned objects of an apply, with the namespace the plan gave them (a manifest
    /// often leaves it out), and where each came from (`clipboard document 2 (line 14)`) by
    /// ``FindingObject`` description, for ``KubeFacts/locations``.
    public static func objects(_ entries: [ApplyEntry]) -> (objects: [KubeObject], locations: [String: String]) {
        var objects: [KubeObject] = []
        var locations: [String: String] = [:]
        for e in entries {
            var tree = e.document.object
            if let ns = e.ref.namespace { tree.setValue(.string(ns), at: ["metadata", "namespace"]) }
            guard let root = try? JSONDocument(bytes: tree.compactJSON()).root else { continue }
            let o = KubeObject(root, defaultKind: e.ref.kind, defaultAPIVersion: e.ref.apiVersion)
            objects.append(o)
            locations[FindingObject(kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name).description] = e.document.location
        }
        return (objects, locations)
    }

    /// The findings as the apply preview writes them above its table (the TUI's summary and
    /// `meshscope apply --dry-run`); empty when there are none.
    ///
    /// ```
    /// Findings this manifest would introduce (1):
    ///   ERROR  MS1101 IST0101  VirtualService bookinfo/reviews (clipboard document 1 (line 1))
    ///       Referenced host+subset in destinationrule not found: "reviews+v3"
    /// ```
    public static func text(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "" }
        var s = "Findings this manifest would introduce (\(findings.count)):\n"
        for f in findings {
            let object = f.objects.first.map { o in o.description + (o.location.map { " (\($0))" } ?? "") } ?? "-"
            let code = f.istioCode.map { "\(f.code) \($0)" } ?? f.code
            s += "  \(f.severity.rawValue.uppercased())  \(code)  \(TerminalText.escaped(object))\n"
            s += "      \(TerminalText.escaped(f.message))\n"
        }
        return s + "\n"
    }
}
