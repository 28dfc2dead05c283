import Foundation
@testable import MeshModel
import Testing

/// ``ManifestFindings``: the findings a manifest would introduce, with a small injected rule
/// (a VirtualService destination subset that no DestinationRule of that host defines), so the
/// tests do not depend on which config rules ship.
@Suite struct ManifestFindingsTests {
    /// The test rule: every `spec.http[].route[].destination` with a subset needs a
    /// DestinationRule in the same namespace for that host defining the subset.
    static let missingSubset = FindingRule(code: "MS9001", severity: .error, title: "Subset not defined", reads: [.istioConfig]) { facts, _ in
        let kube = facts.kube ?? KubeFacts()
        var defined = Set<String>()
        for dr in kube.objects["DestinationRule"] ?? [] {
            let host = dr.raw["spec"]?["host"]?.string ?? ""
            for s in ManifestFindingsTests.list(dr.raw["spec"]?["subsets"]) { defined.insert("\(dr.metadata.namespace ?? "")|\(host)|\(s["name"]?.string ?? "")") }
        }
        var out: [Finding] = []
        for vs in kube.objects["VirtualService"] ?? [] {
            for (i, http) in ManifestFindingsTests.list(vs.raw["spec"]?["http"]).enumerated() {
                for (j, route) in ManifestFindingsTests.list(http["route"]).enumerated() {
                    guard let d = route["destination"], let subset = d["subset"]?.string, let host = d["host"]?.string else { continue }
                    guard !defined.contains("\(vs.metadata.namespace ?? "")|\(host)|\(subset)") else { continue }
                    var object = FindingObject(kind: "VirtualService", namespace: vs.metadata.namespace, name: vs.metadata.name)
                    object.location = kube.locations[object.description]
                    // Evidence as the config rules write it: object, field path, location; the value read.
                    let source = "\(object.description) spec.http[\(i)].route[\(j)].destination.subset" + (object.location.map { " (\($0))" } ?? "")
                    out.append(Finding(code: "MS9001", severity: .error, title: "Subset not defined", objects: [object],
                                       message: "this VirtualService references subset \(subset) which no DestinationRule defines",
                                       evidence: [FindingEvidence(source, subset)]))
                }
            }
        }
        return out
    }

    static func list(_ v: JSONValue?) -> [JSONValue] { v.map { Array($0.elements) } ?? [] }

    static func object(_ json: String) throws -> KubeObject { KubeObject(try JSONDocument(json).root) }

    static func vs(_ subset: String, name: String = "reviews") -> String {
        #"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"\#(name)","namespace":"bookinfo"},"spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"\#(subset)"}}]}]}}"#
    }

    static func dr(_ subsets: [String]) -> String {
        let list = subsets.map { #"{"name":"\#($0)","labels":{"version":"\#($0)"}}"# }.joined(separator: ",")
        return #"{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"reviews","namespace":"bookinfo"},"spec":{"host":"reviews","subsets":[\#(list)]}}"#
    }

    static func facts(_ objects: [String]) throws -> MeshFacts {
        var kube = KubeFacts()
        for o in objects {
            let k = try object(o)
            kube.objects[k.kind, default: []].append(k)
        }
        return MeshFacts(now: Date(timeIntervalSince1970: 1_800_000_000), kube: kube)
    }

    @Test func aVirtualServiceToAnUndefinedSubsetIsNew() throws {
        let facts = try Self.facts([Self.dr(["v1", "v2"]), Self.vs("v1")])
        let new = ManifestFindings.introduced(by: [try Self.object(Self.vs("v3"))], into: facts, rules: [Self.missingSubset],
                                              locations: ["VirtualService bookinfo/reviews": "clipboard document 1 (line 1)"])
        #expect(new.map { $0.message } == ["this VirtualService references subset v3 which no DestinationRule defines"])
        #expect(new.first?.objects.first?.location == "clipboard document 1 (line 1)")
        let text = ManifestFindings.text(new)
        #expect(text.hasPrefix("Findings this manifest would introduce (1):\n"))
        #expect(text.contains("ERROR  MS9001  VirtualService bookinfo/reviews (clipboard document 1 (line 1))"))
    }

    @Test func aFindingTheClusterAlreadyHasIsNotNew() throws {
        // The live VirtualService already points at v9; the manifest adds an unrelated one.
        let facts = try Self.facts([Self.dr(["v1"]), Self.vs("v9")])
        let new = ManifestFindings.introduced(by: [try Self.object(Self.vs("v1", name: "other"))], into: facts, rules: [Self.missingSubset])
        #expect(new.isEmpty)
    }

    /// The live VirtualService already routes to missing v2 (one MS9001 on it); the manifest
    /// keeps that route and adds one to missing v9: same code, same object, a new mistake.
    @Test func aSecondMistakeOfTheSameCodeOnTheSameObjectIsNew() throws {
        let facts = try Self.facts([Self.dr(["v1"]), Self.vs("v2")])
        let both = #"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"reviews","namespace":"bookinfo"},"spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"v2"}}]},{"route":[{"destination":{"host":"reviews","subset":"v9"}}]}]}}"#
        let new = ManifestFindings.introduced(by: [try Self.object(both)], into: facts, rules: [Self.missingSubset])
        #expect(new.map(\.message) == ["this VirtualService references subset v9 which no DestinationRule defines"])
        // The same object read from the clipboard (a location now) is no new finding by itself.
        let same = ManifestFindings.introduced(by: [try Self.object(Self.vs("v2"))], into: facts, rules: [Self.missingSubset],
                                               locations: ["VirtualService bookinfo/reviews": "clipboard document 1 (line 1)"])
        #expect(same.isEmpty)
    }

    /// IST0145 (the shipped rule) on Gateways `a` and `b` that share selector, port and host:
    /// a manifest adding `c` introduces c's conflict only. a's and b's messages now count
    /// three gateways, but they are the conflicts the cluster already has.
    @Test func aThirdConflictingGatewayIsTheOnlyNewFinding() throws {
        func gateway(_ name: String) -> String {
            #"{"apiVersion":"networking.istio.io/v1","kind":"Gateway","metadata":{"name":"\#(name)","namespace":"edge"},"spec":{"selector":{"istio":"ingressgateway"},"servers":[{"port":{"number":80,"name":"http","protocol":"HTTP"},"hosts":["*"]}]}}"#
        }
        let rules = FindingRules.config.filter { $0.istioCode == "IST0145" }
        let facts = try Self.facts([gateway("a"), gateway("b")])
        let new = ManifestFindings.introduced(by: [try Self.object(gateway("c"))], into: facts, rules: rules,
                                              locations: ["Gateway edge/c": "clipboard document 1 (line 1)"])
        #expect(new.map { $0.objects.first?.description } == ["Gateway edge/c"])
        #expect(new.first?.message == "Conflict with gateways edge/a,edge/b (workload selector istio=ingressgateway, port 80, hosts *).")
        // A fourth one, over the three: again only one.
        let three = try Self.facts([gateway("a"), gateway("b"), gateway("c")])
        let next = ManifestFindings.introduced(by: [try Self.object(gateway("d"))], into: three, rules: rules)
        #expect(next.map { $0.objects.first?.description } == ["Gateway edge/d"])
    }

    @Test func fieldPathsWithoutPositions() {
        #expect(ManifestFindings.withoutPositions("spec.http[12].route[0].destination") == "spec.http[].route[].destination")
        #expect(ManifestFindings.withoutPositions("spec.containers[istio-proxy].image") == "spec.containers[istio-proxy].image")
        #expect(ManifestFindings.withoutPositions("spec.servers[].hosts") == "spec.servers[].hosts")
        #expect(ManifestFindings.withoutPositions("odd[1") == "odd[1")
    }

    @Test func theManifestReplacesTheObjectOfTheSameName() throws {
        // The DestinationRule of the manifest drops v1 that the live VirtualService uses.
        let facts = try Self.facts([Self.dr(["v1", "v2"]), Self.vs("v1")])
        let new = ManifestFindings.introduced(by: [try Self.object(Self.dr(["v2"]))], into: facts, rules: [Self.missingSubset])
        #expect(new.map { $0.objects.first?.description } == ["VirtualService bookinfo/reviews"])
        // And a manifest that fixes it introduces nothing.
        let fixed = ManifestFindings.merged(facts.kube!, [try Self.object(Self.dr(["v1"]))])
        #expect(fixed.objects["DestinationRule"]?.count == 1)
    }

    @Test func withoutClusterObjectsOnlyTheManifestCounts() throws {
        var facts = MeshFacts(now: Date(timeIntervalSince1970: 1_800_000_000))
        facts.unavailable[.kubeObjects] = "forbidden"
        let new = ManifestFindings.introduced(by: [try Self.object(Self.vs("v3"))], into: facts, rules: [Self.missingSubset])
        #expect(new.count == 1)
    }

    @Test func plannedObjectsTakeThePlansNamespace() throws {
        let tree = JSONTree(try JSONDocument(#"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"reviews"},"spec":{}}"#).root)
        let entry = ApplyEntry(document: ManifestDocument(source: "clipboard", index: 2, line: 9, object: tree),
                               ref: ObjectRef(apiVersion: "networking.istio.io/v1", kind: "VirtualService", name: "reviews", namespace: "bookinfo"))
        let (objects, locations) = ManifestFindings.objects([entry])
        #expect(objects.first?.metadata.namespace == "bookinfo")
        #expect(locations == ["VirtualService bookinfo/reviews": "clipboard document 2 (line 9)"])
    }
}
