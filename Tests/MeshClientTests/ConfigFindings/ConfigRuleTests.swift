import Foundation
import MeshClient
import MeshModel
import Testing

/// One positive and one negative case per istioctl analyze check, from hand-written
/// manifests; expected messages follow Istio's message templates for each IST code.
@Suite struct ConfigRuleTests {
    typealias M = ConfigManifests

    func messages(_ code: String, _ extra: String) -> [String] { M.findings(code, extra).map(\.message).sorted() }

    @Test func bookinfoHasNoConfigFindings() {
        let m = ManifestFacts.load(Array(M.bookinfo.utf8), source: "t.yaml")
        let report = FindingsEngine.evaluate(MeshFacts(now: Date(), kube: m.facts), rules: FindingRules.config)
        #expect(report.findings.map(\.message) == [])
        #expect(report.evaluated.count == 24)
        #expect(Set(FindingRules.config.map(\.code)).count == 24)
        #expect(FindingRules.config.allSatisfy { $0.code == "MS1" + ($0.istioCode ?? "").suffix(3) })
    }

    static let reviewsVS = """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: reviews, namespace: bookinfo}
    spec:
      hosts: [bookinfo.example.com]
      gateways: [bookinfo-gateway, missing-gw, mesh]
      http:
      - route:
        - destination: {host: reviews, subset: v3, port: {number: 9080}}
        - destination: {host: ratings}
        - destination: {host: reviews.bookinfo.svc.cluster.local, port: {number: 9999}}
    """

    @Test func ist0101ReferencedResourceNotFound() throws {
        let found = M.findings("IST0101", Self.reviewsVS)
        #expect(found.map(\.message).sorted() == [
            "Referenced gateway not found: \"missing-gw\"",
            "Referenced host not found: \"ratings\"",
            "Referenced host+subset in destinationrule not found: \"reviews+v3\"",
            "Referenced host:port not found: \"reviews.bookinfo.svc.cluster.local:9999\"",
        ])
        let subset = try #require(found.first { $0.message.contains("subset") })
        let text = M.bookinfo + "\n---\n" + Self.reviewsVS
        let line = try #require(M.line(of: "apiVersion: networking.istio.io/v1\nkind: VirtualService", in: text))
        #expect(subset.objects.first == FindingObject(kind: "VirtualService", namespace: "bookinfo", name: "reviews", location: "t.yaml:\(line)"))
        #expect(subset.evidence.first?.source == "VirtualService bookinfo/reviews spec.http[0].route[0].destination.subset (t.yaml:\(line))")
        #expect(subset.link == FindingLink(view: "istio", row: "VirtualService bookinfo/reviews"))
        #expect(subset.istioCode == "IST0101" && subset.code == "MS1101" && subset.severity == .error)

        let fixed = Self.reviewsVS.replacingOccurrences(of: "missing-gw, ", with: "")
            .replacingOccurrences(of: "subset: v3", with: "subset: v1")
            .replacingOccurrences(of: "host: ratings", with: "host: reviews.bookinfo.svc.cluster.local, port: {number: 9080}")
            .replacingOccurrences(of: "9999", with: "9080")
        #expect(messages("IST0101", fixed) == [])
    }

    @Test func ist0101SelectorsAndNamespaces() {
        #expect(messages("IST0101", """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: internal, namespace: bookinfo}
        spec:
          selector: {istio: internalgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: ratings, namespace: bookinfo}
        spec:
          workloadSelector: {labels: {app: ratings}}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow, namespace: bookinfo}
        spec:
          rules: [{from: [{source: {namespaces: [bookinfo, frontend, "team-*"]}}]}]
        """) == [
            "Referenced namespace not found: \"frontend\"",
            "Referenced namespace not found: \"team-*\"",
            "Referenced selector not found: \"app=ratings\"",
            "Referenced selector not found: \"istio=internalgateway\"",
        ])
        // A ServiceEntry (wildcard, exported) is a host too; a Sidecar selecting reviews is fine.
        #expect(messages("IST0101", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: external, namespace: istio-system}
        spec:
          hosts: ["*.example.org"]
          ports: [{number: 443, name: tls, protocol: TLS}]
          resolution: DNS
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: bookinfo}
        spec:
          hosts: [api.example.org]
          tls: [{match: [{sniHosts: [api.example.org]}], route: [{destination: {host: api.example.org}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: reviews, namespace: bookinfo}
        spec:
          workloadSelector: {labels: {app: reviews}}
        """) == [])
    }

    @Test func ist0101ExportToHidesHosts() {
        let hidden = """
        apiVersion: v1
        kind: Service
        metadata: {name: secret-api, namespace: payments, annotations: {networking.istio.io/exportTo: "."}}
        spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: bookinfo}
        spec:
          hosts: [api]
          http: [{route: [{destination: {host: secret-api.payments.svc.cluster.local}}]}]
        """
        #expect(messages("IST0101", hidden) == ["Referenced host not found: \"secret-api.payments.svc.cluster.local\""])
        #expect(messages("IST0101", hidden.replacingOccurrences(of: "\".\"", with: "\"bookinfo\"")) == [])
    }

    /// Istio looks a destination up in the namespaces the VirtualService is exported to (its
    /// own when it names none), as its `virtualservice_destinationhosts` test does with the
    /// `hello` Service exported to hello1, hello2 and its own namespace.
    @Test func ist0101DestinationSeenFromTheVirtualServicesExportTo() {
        let hello = """
        apiVersion: v1
        kind: Service
        metadata: {name: hello, namespace: hello, annotations: {networking.istio.io/exportTo: "hello1,hello2,."}}
        spec: {selector: {app: hello}, ports: [{name: http, port: 9080}]}
        """
        func vs(_ ns: String, _ name: String, exportTo: String?) -> String {
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: \(name), namespace: \(ns)}
            spec:
              hosts: [hello]
            \(exportTo.map { "  exportTo: \($0)" } ?? "")
              http: [{route: [{destination: {host: hello.hello.svc.cluster.local}}]}]
            """
        }
        let fine = [vs("hello1", "hello", exportTo: nil), vs("hello2", "hello", exportTo: nil), vs("hello", "hello", exportTo: nil),
                    vs("hello", "to-hello1", exportTo: "[hello1]"), vs("hello", "to-self", exportTo: "[\".\"]")]
        #expect(messages("IST0101", ([hello] + fine).joined(separator: "\n---\n")) == [])
        // Exported only to a namespace the Service is not exported to; exported to all
        // namespaces, where only hosts exported to all count; in a namespace that cannot see it.
        let broken = [vs("hello", "hello-export-to-bogus", exportTo: "[bogus]"), vs("hello", "to-all", exportTo: "[\"*\"]"), vs("other", "hello", exportTo: nil)]
        let found = M.findings("IST0101", ([hello] + broken).joined(separator: "\n---\n"))
        #expect(found.map { "\($0.objects[0].namespace!)/\($0.objects[0].name)" }.sorted() == ["hello/hello-export-to-bogus", "hello/to-all", "other/hello"])
        #expect(found.allSatisfy { $0.message == "Referenced host not found: \"hello.hello.svc.cluster.local\"" })
        #expect(found.first { $0.objects[0].name == "hello-export-to-bogus" }?.evidence.first?.text
            == "hello.hello.svc.cluster.local (hello.hello.svc.cluster.local is no Service or ServiceEntry host visible in bogus)")
    }

    /// Istio's authz analyzer checks `notNamespaces` as it checks `namespaces`, patterns
    /// included: `prefix*` and `*suffix` must match an existing namespace, `*` always does.
    @Test func ist0101PolicyNamespacesAndNotNamespaces() {
        let namespaces = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod-httpbin}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: httpbin-test}
        """
        let patterns = #"["prod-*", "*-test", "*-bogus", "bogus-*", "*", bookinfo]"#
        let policy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: bogus-ns, namespace: bookinfo}
        spec:
          rules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}, {source: {notNamespaces: \(patterns)}}]}]
        """
        let found = M.findings("IST0101", namespaces + "\n---\n" + policy)
        #expect(found.map(\.message) == ["Referenced namespace not found: \"*-bogus\"", "Referenced namespace not found: \"bogus-*\""])
        #expect(found.map { $0.evidence.first?.source ?? "" }.allSatisfy { $0.contains("spec.rules[0].from[1].source.notNamespaces[") })
        #expect(found.map { $0.evidence.first?.source.contains("notNamespaces[2]") == true } == [true, false])
        #expect(messages("IST0101", namespaces + "\n---\n" + policy.replacingOccurrences(of: "notNamespaces", with: "namespaces")).count == 2)
        #expect(messages("IST0101", namespaces + "\n---\n" + policy.replacingOccurrences(of: #""*-bogus", "bogus-*", "#, with: "")) == [])
    }

    @Test func ist0102NamespaceNotInjected() {
        #expect(messages("IST0102", """
        apiVersion: v1
        kind: Namespace
        metadata: {name: plain}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: kube-system}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: mesh-ambient, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: canary, labels: {istio.io/rev: canary}}
        """) == ["The namespace is not enabled for Istio injection. Run 'kubectl label namespace plain istio-injection=enabled' to enable it, or 'kubectl label namespace plain istio-injection=disabled' to explicitly mark it as not needing injection."])
    }

    @Test func ist0103PodMissingProxy() {
        #expect(messages("IST0103", """
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v1-abc, namespace: bookinfo, labels: {app: reviews}}
        spec: {containers: [{name: reviews, image: "reviews:1"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v1-def, namespace: bookinfo, labels: {app: reviews}}
        spec: {containers: [{name: reviews, image: "reviews:1"}, {name: istio-proxy, image: "proxyv2:1.24.0"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: job-x, namespace: bookinfo, labels: {sidecar.istio.io/inject: "false"}}
        spec: {containers: [{name: job, image: "job:1"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: default}
        spec: {containers: [{name: web, image: "web:1"}]}
        """) == ["The pod bookinfo/reviews-v1-abc is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload."])
    }

    @Test func ist0109ConflictingMeshGatewayHosts() {
        let two = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: productpage, namespace: team-1}
        spec:
          hosts: [productpage.default.svc.cluster.local]
          http: [{route: [{destination: {host: productpage}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: custom, namespace: team-2}
        spec:
          hosts: [productpage.default.svc.cluster.local]
          http: [{route: [{destination: {host: productpage.team-2.svc.cluster.local}}]}]
        """
        let found = M.findings("IST0109", two)
        #expect(found.count == 2)
        #expect(Set(found.map(\.message)) == ["The VirtualServices team-1/productpage,team-2/custom associated with mesh gateway define the same host productpage.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource."])
        // Istio's documented fix: exportTo "." scopes each to its own namespace.
        #expect(messages("IST0109", two.replacingOccurrences(of: "spec:\n", with: "spec:\n  exportTo: [\".\"]\n")) == [])
    }

    /// The scenario of Istio's analyzer test (`virtualservice_conflictingmeshgatewayhosts`),
    /// written out here: short names are FQDNs in the VirtualService's namespace, a gateway
    /// other than `mesh` does not conflict, `exportTo: ["."]` keeps team1's `ratings` apart
    /// from team2's, and a namespace-scoped host still conflicts with a VirtualService
    /// exported to every namespace (team2's google.com with bar's). Istio expects these seven
    /// VirtualServices, each reported once.
    @Test func ist0109ExportToScopesAsIstioTestsThem() throws {
        func vs(_ ns: String, _ name: String, hosts: [String], gateways: [String]? = nil, exportTo: [String]? = nil) -> String {
            var spec = "  hosts: [\(hosts.joined(separator: ", "))]\n"
            if let gateways { spec += "  gateways: [\(gateways.joined(separator: ", "))]\n" }
            if let exportTo { spec += "  exportTo: [\(exportTo.map { "\"\($0)\"" }.joined(separator: ", "))]\n" }
            return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: \(name), namespace: \(ns)}\nspec:\n" + spec
                + "  http: [{route: [{destination: {host: \(name)}}]}]\n"
        }
        let scenario = [
            vs("foo", "productpage", hosts: ["productpage"]),
            vs("foo", "bogus-productpage", hosts: ["productpage"]),
            vs("foo", "reviews", hosts: ["reviews"]),
            vs("bar", "reviews", hosts: ["reviews.foo.svc.cluster.local"], gateways: ["istio-ingressgateway"]),
            vs("foo", "ratings", hosts: ["ratings"], gateways: ["mesh"]),
            vs("bar", "ratings", hosts: ["ratings.foo.svc.cluster.local", "google.com"], gateways: ["istio-ingressgateway", "mesh"]),
            vs("team1", "ratings", hosts: ["ratings"], gateways: ["mesh"], exportTo: ["."]),
            vs("team2", "ratings", hosts: ["ratings.team1.svc.cluster.local", "google.com"], gateways: ["istio-ingressgateway", "mesh"], exportTo: ["."]),
            vs("team3", "ratings", hosts: ["ratings"], gateways: ["mesh"], exportTo: ["*"]),
            vs("team4", "ratings", hosts: ["ratings.team3.svc.cluster.local"], gateways: ["istio-ingressgateway", "mesh"]),
        ].joined(separator: "---\n")
        let found = M.findings("IST0109", scenario)
        #expect(found.map { $0.objects[0].namespace! + "/" + $0.objects[0].name }.sorted() == [
            "bar/ratings", "foo/bogus-productpage", "foo/productpage", "foo/ratings", "team2/ratings", "team3/ratings", "team4/ratings",
        ])
        let team2 = try #require(found.first { $0.objects[0].namespace == "team2" })
        #expect(team2.message == "The VirtualServices team2/ratings,bar/ratings associated with mesh gateway define the same host google.com (exported to team2) which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.")
        #expect(team2.objects.map(\.name) == ["ratings", "ratings"] && team2.objects.map(\.namespace) == ["team2", "bar"])

        // Hosts overlap as Istio's host names match: a wildcard exported to all namespaces
        // covers each namespace-scoped name under it; the same name scoped to two different
        // namespaces does not conflict by itself.
        let wildcard = [
            vs("edge", "all-example", hosts: ["\"*.example.com\""]),
            vs("shop", "api", hosts: ["api.example.com"], exportTo: ["."]),
            vs("pay", "api", hosts: ["api.example.com"], exportTo: ["."]),
        ].joined(separator: "---\n")
        #expect(M.findings("IST0109", wildcard).map { $0.objects[0].namespace! }.sorted() == ["edge", "pay", "shop"])
        #expect(messages("IST0109", wildcard.replacingOccurrences(of: "\"*.example.com\"", with: "www.example.com")) == [])
    }

    static let sidecars = """
    apiVersion: networking.istio.io/v1
    kind: Sidecar
    metadata: {name: a, namespace: bookinfo}
    spec: {workloadSelector: {labels: {app: reviews}}}
    ---
    apiVersion: networking.istio.io/v1
    kind: Sidecar
    metadata: {name: b, namespace: bookinfo}
    spec: {workloadSelector: {labels: {version: v1}}}
    """

    @Test func ist0110ConflictingSidecarSelectors() {
        #expect(messages("IST0110", Self.sidecars) == Array(repeating: "The Sidecars [bookinfo/a bookinfo/b] in namespace \"bookinfo\" select the same workload pod \"reviews-v1\", which can lead to undefined behavior.", count: 2))
        #expect(messages("IST0110", Self.sidecars.replacingOccurrences(of: "{version: v1}", with: "{version: v2}")) == [])
    }

    @Test func ist0111MultipleSidecarsWithoutSelectors() {
        let two = """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: bookinfo}
        spec: {egress: [{hosts: ["./*"]}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: other, namespace: bookinfo}
        spec: {egress: [{hosts: ["istio-system/*"]}]}
        """
        #expect(messages("IST0111", two) == Array(repeating: "The Sidecars [bookinfo/default bookinfo/other] in namespace \"bookinfo\" have no workload selector, which can lead to undefined behavior.", count: 2))
        #expect(messages("IST0111", two.replacingOccurrences(of: "namespace: bookinfo}\nspec: {egress: [{hosts: [\"istio-system", with: "namespace: other}\nspec: {egress: [{hosts: [\"istio-system")) == [])
    }

    @Test func ist0112PortSelectorRequired() {
        let vs = """
        apiVersion: v1
        kind: Service
        metadata: {name: details, namespace: bookinfo}
        spec: {selector: {app: details}, ports: [{name: http, port: 9080}, {name: grpc, port: 9090}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: details, namespace: bookinfo}
        spec:
          hosts: [details]
          http: [{route: [{destination: {host: details}}]}]
        """
        #expect(messages("IST0112", vs) == ["This VirtualService routes to a service \"details\" that exposes multiple ports [9080 9090]. Specifying a port in the destination is required to disambiguate."])
        #expect(messages("IST0112", vs.replacingOccurrences(of: "{host: details}", with: "{host: details, port: {number: 9090}}")) == [])
    }

    @Test func ist0116DeploymentAssociatedToMultipleServices() {
        let udp = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews-udp, namespace: bookinfo}
        spec: {selector: {app: reviews}, ports: [{name: udp-stats, port: 9080, protocol: UDP}]}
        """
        #expect(messages("IST0116", udp) == ["This deployment reviews-v1 is associated with multiple services using port 9080 but different protocols: [bookinfo/reviews bookinfo/reviews-udp]"])
        #expect(messages("IST0116", udp.replacingOccurrences(of: "port: 9080", with: "port: 9081")) == [])
    }

    @Test func ist0118PortNameIsNotUnderNamingConvention() {
        let svc = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: bookinfo}
        spec: {selector: {app: web}, ports: [{name: web, port: 8080, targetPort: 80}, {name: http-web, port: 8081}, {name: ui, port: 8082, appProtocol: http}]}
        """
        #expect(messages("IST0118", svc) == ["Port name web (port: 8080, targetPort: 80) doesn't follow the naming convention of Istio port."])
        #expect(messages("IST0118", svc.replacingOccurrences(of: "{name: web, port: 8080, targetPort: 80}, ", with: "")) == [])
    }

    @Test func ist0127NoMatchingWorkloadsFound() {
        let ap = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ratings, namespace: bookinfo}
        spec: {selector: {matchLabels: {app: ratings}}, action: ALLOW}
        """
        #expect(messages("IST0127", ap) == ["No matching workloads for this resource with the following labels: app=ratings"])
        #expect(messages("IST0127", ap.replacingOccurrences(of: "app: ratings", with: "app: reviews")) == [])
    }

    /// Istio's `authorizationpolicies` test: a policy without a selector covers its whole
    /// namespace and is reported when that namespace runs nothing; one in the root namespace
    /// covers the mesh and is not.
    @Test func ist0127NamespaceWidePolicyWithoutWorkloads() {
        func policy(_ name: String, _ ns: String) -> String {
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: \(name), namespace: \(ns)}
            spec:
              rules: [{from: [{source: {namespaces: [bookinfo]}}], to: [{operation: {methods: [GET]}}]}]
            """
        }
        let all = [policy("httpbin-empty-namespace-wide", "httpbin-empty"), policy("bookinfo-wide", "bookinfo"), policy("meshwide", "istio-system")]
        let found = M.findings("IST0127", all.joined(separator: "\n---\n"))
        #expect(found.map { "\($0.objects[0].namespace!)/\($0.objects[0].name)" } == ["httpbin-empty/httpbin-empty-namespace-wide"])
        #expect(found.first?.message == "No matching workloads for this resource with the following labels: (no selector: every workload in namespace httpbin-empty)")
        // An empty selector selects the same as none.
        #expect(messages("IST0127", policy("empty-selector", "httpbin-empty").replacingOccurrences(of: "spec:\n", with: "spec:\n  selector: {matchLabels: {}}\n")).count == 1)
    }

    static let tlsRule = """
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata: {name: external, namespace: bookinfo}
    spec:
      host: api.example.com
      trafficPolicy:
        tls: {mode: SIMPLE}
        portLevelSettings: [{port: {number: 8443}, tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}}]
    """

    @Test func ist0128And0129NoServerCertificateVerification() {
        #expect(messages("IST0128", Self.tlsRule) == ["DestinationRule bookinfo/external in namespace bookinfo has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: api.example.com"])
        #expect(messages("IST0129", Self.tlsRule) == ["DestinationRule bookinfo/external in namespace bookinfo has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: api.example.com at port 8443"])
        let verified = Self.tlsRule.replacingOccurrences(of: "{mode: SIMPLE}", with: "{mode: SIMPLE, caCertificates: /ca.pem}")
            .replacingOccurrences(of: "privateKey: /k.pem", with: "privateKey: /k.pem, caCertificates: /ca.pem")
        #expect(messages("IST0128", verified) == [])
        #expect(messages("IST0129", verified) == [])
    }

    static let rules = """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: reviews-routes, namespace: bookinfo}
    spec:
      hosts: [reviews]
      http:
      - name: a
        match: [{uri: {prefix: /a}}]
        route: [{destination: {host: reviews}}]
      - match: [{name: again, uri: {prefix: /a}}]
        route: [{destination: {host: reviews}}]
      - route: [{destination: {host: reviews}}]
      - name: last
        route: [{destination: {host: reviews}}]
    """

    @Test func ist0130And0131UnreachableRulesAndMatches() {
        #expect(messages("IST0130", Self.rules) == [
            "VirtualService rule \"last\" not used (only the last rule can have no matches).",
            "VirtualService rule #1 not used (all matches used by prior rules).",
        ])
        #expect(messages("IST0131", Self.rules) == ["VirtualService rule #1 match \"again\" is not used (duplicate/overlapping match in rule \"a\")."])
        let distinct = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-routes, namespace: bookinfo}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /a}}]
            route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /b}}]
            route: [{destination: {host: reviews}}]
          - route: [{destination: {host: reviews}}]
        """
        #expect(messages("IST0130", distinct) == [])
        #expect(messages("IST0131", distinct) == [])
    }

    /// The field paths the findings' evidence names (`VirtualService ns/name spec.tcp[2] (t.yaml:3)`).
    func fieldPaths(_ code: String, _ extra: String) -> [String] {
        M.findings(code, extra).flatMap(\.evidence).compactMap { $0.source.split(separator: " ").dropFirst(2).first.map(String.init) }.sorted()
    }

    /// TCP rules follow the HTTP order rules; their matches compare as whole structs (key
    /// order and unset fields aside) and rules are named by kind and index.
    @Test func ist0130And0131TcpRules() {
        let vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db, namespace: bookinfo}
        spec:
          hosts: [mysql]
          tcp:
          - match: [{port: 3306, sourceLabels: {app: reviews}}]
            route: [{destination: {host: mysql}}]
          - match: [{sourceLabels: {app: reviews}, port: 3306}, {port: 3307}]
            route: [{destination: {host: mysql}}]
          - match: [{port: 3307, gateways: [], sourceNamespace: ""}]
            route: [{destination: {host: mysql}}]
          - route: [{destination: {host: mysql}}]
          - match: [{port: 9000}, {port: 9001}]
            route: [{destination: {host: mysql}}]
          - route: [{destination: {host: mysql}}]
        """
        #expect(messages("IST0130", vs) == [
            "VirtualService rule tcp[2] not used (all matches used by prior rules).",
            "VirtualService rule tcp[4] not used (route without matches defined before).",
            "VirtualService rule tcp[5] not used (only the last rule can have no matches).",
        ])
        #expect(messages("IST0131", vs) == [
            "VirtualService rule tcp[1] match #0 is not used (duplicate/overlapping match in rule tcp[0]).",
            "VirtualService rule tcp[2] match #0 is not used (duplicate/overlapping match in rule tcp[1]).",
        ])
        #expect(fieldPaths("IST0130", vs) == ["spec.tcp[2]", "spec.tcp[4]", "spec.tcp[5]"])
        let distinct = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db, namespace: bookinfo}
        spec:
          hosts: [mysql]
          http:
          - match: [{port: 3306}]
            route: [{destination: {host: mysql}}]
          tcp:
          - match: [{port: 3306}]
            route: [{destination: {host: mysql}}]
          - match: [{port: 3306, sourceNamespace: bookinfo}]
            route: [{destination: {host: mysql}}]
          - match: [{port: 3306, destinationSubnets: [10.0.0.0/8]}]
            route: [{destination: {host: mysql}}]
          - match: [{port: "3307"}, {port: 3308, sourceLabels: {app: ratings}}]
            route: [{destination: {host: mysql}}]
          - route: [{destination: {host: mysql}}]
        """
        #expect(messages("IST0130", distinct) == [])
        #expect(messages("IST0131", distinct) == [])
    }

    /// TLS rules: `sniHosts` is part of the match, its order too (Istio compares the lists).
    @Test func ist0130And0131TlsRules() {
        let vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: sni, namespace: bookinfo}
        spec:
          hosts: ["*.example.com"]
          tls:
          - match: [{sniHosts: [a.example.com], port: 443}]
            route: [{destination: {host: reviews}}]
          - match: [{port: 443, sniHosts: [a.example.com]}]
            route: [{destination: {host: ratings}}]
          - match: [{sniHosts: [b.example.com]}, {sniHosts: [a.example.com], port: 443, sourceLabels: {}}]
            route: [{destination: {host: ratings}}]
        """
        #expect(messages("IST0130", vs) == ["VirtualService rule tls[1] not used (all matches used by prior rules)."])
        #expect(messages("IST0131", vs) == [
            "VirtualService rule tls[1] match #0 is not used (duplicate/overlapping match in rule tls[0]).",
            "VirtualService rule tls[2] match #1 is not used (duplicate/overlapping match in rule tls[0]).",
        ])
        #expect(fieldPaths("IST0131", vs) == ["spec.tls[1].match[0]", "spec.tls[2].match[1]"])
        let distinct = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: sni, namespace: bookinfo}
        spec:
          hosts: ["*.example.com"]
          tls:
          - match: [{sniHosts: [a.example.com, b.example.com], port: 443}]
            route: [{destination: {host: reviews}}]
          - match: [{sniHosts: [b.example.com, a.example.com], port: 443}]
            route: [{destination: {host: ratings}}]
          - match: [{sniHosts: [a.example.com], port: 8443}, {sniHosts: [a.example.com], port: 443, gateways: [mesh]}]
            route: [{destination: {host: ratings}}]
        """
        #expect(messages("IST0130", distinct) == [])
        #expect(messages("IST0131", distinct) == [])
    }

    @Test func ist0132VirtualServiceHostNotFoundInGateway() {
        let vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: bookinfo}
        spec:
          hosts: [shop.example.com]
          gateways: [bookinfo/bookinfo-gateway]
          http: [{route: [{destination: {host: reviews}}]}]
        """
        #expect(messages("IST0132", vs) == ["one or more host [shop.example.com] defined in VirtualService bookinfo/shop not found in Gateway bookinfo/bookinfo-gateway."])
        #expect(messages("IST0132", vs.replacingOccurrences(of: "shop.example.com", with: "bookinfo.example.com")) == [])
    }

    @Test func ist0132NamespacedGatewayHosts() {
        let gateway = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: shared, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["bookinfo/*.example.com"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: shop, namespace: NS}
        spec:
          hosts: [shop.example.com]
          gateways: [istio-system/shared]
          http: [{route: [{destination: {host: reviews.bookinfo.svc.cluster.local}}]}]
        """
        #expect(messages("IST0132", gateway.replacingOccurrences(of: "NS", with: "bookinfo")) == [])
        #expect(messages("IST0132", gateway.replacingOccurrences(of: "NS", with: "shop")) == ["one or more host [shop.example.com] defined in VirtualService shop/shop not found in Gateway istio-system/shared."])
    }

    @Test func ist0134ServiceEntryAddressesRequired() {
        let se = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db, namespace: bookinfo}
        spec:
          hosts: [db.example.com]
          ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
          resolution: DNS
        """
        #expect(messages("IST0134", se) == ["ServiceEntry addresses are required for this protocol."])
        #expect(messages("IST0134", se.replacingOccurrences(of: "resolution: DNS", with: "resolution: DNS\n  addresses: [10.0.0.5]")) == [])
        #expect(messages("IST0134", se.replacingOccurrences(of: "protocol: TCP", with: "protocol: HTTP")) == [])
    }

    @Test func ist0145ConflictingGateways() {
        let gw = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: wildcard, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*.example.com"]}]
        """
        #expect(messages("IST0145", gw) == [
            "Conflict with gateways bookinfo/bookinfo-gateway (workload selector istio=ingressgateway, port 80, hosts *.example.com).",
            "Conflict with gateways istio-system/wildcard (workload selector istio=ingressgateway, port 80, hosts bookinfo.example.com).",
        ])
        #expect(messages("IST0145", gw.replacingOccurrences(of: "number: 80", with: "number: 8080")) == [])
        #expect(messages("IST0145", gw.replacingOccurrences(of: "*.example.com", with: "*.example.org")) == [])
    }

    @Test func ist0158ProxyImageMismatch() {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio-sidecar-injector, namespace: istio-system}
        data:
          values: '{"global":{"hub":"docker.io/istio","tag":"1.24.0","proxy":{"image":"proxyv2"}}}'
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v1-old, namespace: bookinfo, labels: {app: reviews}}
        spec: {containers: [{name: reviews, image: "reviews:1"}, {name: istio-proxy, image: "docker.io/istio/proxyv2:TAG"}]}
        """
        #expect(messages("IST0158", text.replacingOccurrences(of: "TAG", with: "1.23.2")) == ["The Istio proxy images of the pods running in the namespace do not match the image defined in the injection configuration (pod names: [reviews-v1-old]). This often happens after upgrading the Istio control-plane and can be fixed by redeploying the pods."])
        #expect(messages("IST0158", text.replacingOccurrences(of: "TAG", with: "1.24.0")) == [])
    }

    @Test func ist0162GatewayPortNotDefinedOnService() {
        let gw = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: tcp, namespace: bookinfo}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 31400, name: tcp, protocol: TCP}, hosts: ["*"]}]
        """
        #expect(messages("IST0162", gw) == ["The gateway is listening on a target port (port 31400) that is not defined in the Service associated with its workload instances (Pod selector istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not be available."])
        #expect(messages("IST0162", gw.replacingOccurrences(of: "31400", with: "443")) == [])
    }

    @Test func ist0166IneffectiveSelector() {
        let policy = """
        apiVersion: v1
        kind: Pod
        metadata: {name: edge-istio-abc, namespace: edge, labels: {gateway.networking.k8s.io/gateway-name: edge, app: edge}}
        spec: {containers: [{name: istio-proxy, image: "proxyv2:1.24.0"}]}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: edge-deny, namespace: edge}
        spec: {selector: {matchLabels: {app: edge}}, action: DENY, rules: [{}]}
        """
        #expect(messages("IST0166", policy) == ["Ineffective selector on Kubernetes Gateway edge. Use the TargetRef field instead."])
        #expect(messages("IST0166", policy.replacingOccurrences(of: "selector: {matchLabels: {app: edge}}", with: "targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: edge}]")) == [])
    }

    @Test func ist0167IneffectivePolicy() {
        let sidecar = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {LABEL}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: shop}
        spec: {egress: [{hosts: ["./*"]}]}
        """
        #expect(messages("IST0167", sidecar.replacingOccurrences(of: "LABEL", with: "istio.io/dataplane-mode: ambient")) == ["The policy has no impact: namespace is in ambient mode, the policy has no impact."])
        #expect(messages("IST0167", sidecar.replacingOccurrences(of: "LABEL", with: "istio-injection: enabled")) == [])
    }

    @Test func ist0173DestinationRuleSubsetNotSelectPods() {
        let dr = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews-canary, namespace: bookinfo}
        spec:
          host: reviews
          subsets: [{name: v1, labels: {version: v1}}, {name: v4, labels: {version: v4}}]
        """
        #expect(messages("IST0173", dr) == ["The Subset v4 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream)."])
        #expect(messages("IST0173", dr.replacingOccurrences(of: ", {name: v4, labels: {version: v4}}", with: "")) == [])
    }

    @Test func ist0174UnknownDestinationRuleHost() {
        let dr = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: typo, namespace: bookinfo}
        spec: {host: reveiws}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: mesh-wide, namespace: istio-system}
        spec: {host: "*.local", trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
        """
        #expect(messages("IST0174", dr) == ["The host reveiws defined in the DestinationRule does not match any services in the mesh."])
        #expect(messages("IST0174", dr.replacingOccurrences(of: "reveiws", with: "reviews")) == [])
    }

    @Test func ist0177ConflictingServiceEntryProtocol() {
        let entries = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: api-http, namespace: default}
        spec: {hosts: [api.example.com], ports: [{number: 443, name: http, protocol: HTTP}], resolution: DNS}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: api-tls, namespace: default}
        spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}
        """
        #expect(messages("IST0177", entries) == Array(repeating: "Multiple ServiceEntries (default/api-http, default/api-tls) define the same host \"api.example.com\" and port 443 with conflicting protocols (HTTP, TLS).", count: 2))
        #expect(messages("IST0177", entries.replacingOccurrences(of: "name: tls, protocol: TLS", with: "name: http, protocol: HTTP")) == [])
    }
}
