import Foundation
import MeshModel
import Testing

@Suite struct HumanDurationTests {
    @Test(arguments: [
        (-5.0, "<invalid>"), (-1.0, "0s"), (0.0, "0s"), (119.0, "119s"), (120.0, "2m"), (150.0, "2m30s"), (599.0, "9m59s"),
        (600.0, "10m"), (10799.0, "179m"), (10800.0, "3h"), (12300.0, "3h25m"), (28800.0, "8h"), (172799.0, "47h"),
        (172800.0, "2d"), (180000.0, "2d2h"), (691200.0, "8d"), (63072000.0, "2y"), (63158400.0, "2y1d"), (252288000.0, "8y"),
    ])
    func kubectlAges(seconds: Double, expected: String) {
        #expect(HumanDuration.format(seconds: seconds) == expected)
    }
}

@Suite struct PodStatusTests {
    static func pod(_ json: String) throws -> KubePod { KubePod(try JSONDocument(json).root) }

    @Test func initContainerStates() throws {
        let waiting = try Self.pod(#"""
        {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"istio-init"},{"name":"setup"}],"containers":[{"name":"app"}]},
         "status":{"phase":"Pending","initContainerStatuses":[
           {"name":"istio-init","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
           {"name":"setup","ready":false,"restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
        """#)
        let s = PodStatusSummary(waiting, now: Date())
        #expect(s.status == "Init:CrashLoopBackOff")
        #expect(s.ready == "0/1")
        #expect(s.restarts == "2")

        let counting = try Self.pod(#"""
        {"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]},
         "status":{"phase":"Pending","initContainerStatuses":[{"name":"a","state":{"running":{}}},{"name":"b","state":{"waiting":{"reason":"PodInitializing"}}}]}}
        """#)
        #expect(PodStatusSummary(counting, now: Date()).status == "Init:0/2")
    }

    @Test func nativeSidecarCountsAsContainer() throws {
        let p = try Self.pod(#"""
        {"metadata":{"name":"p","annotations":{"sidecar.istio.io/status":"{}"}},
         "spec":{"initContainers":[{"name":"istio-proxy","restartPolicy":"Always","args":["proxy","sidecar"]}],"containers":[{"name":"app"}]},
         "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
           "initContainerStatuses":[{"name":"istio-proxy","ready":true,"started":true,"restartCount":1,"state":{"running":{}},
             "lastState":{"terminated":{"finishedAt":"2024-01-01T00:00:00Z"}}}],
           "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
        """#)
        let s = PodStatusSummary(p, now: Timestamp.parse("2024-01-01T00:05:00Z")!)
        #expect(s.ready == "2/2")
        #expect(s.status == "Running")
        #expect(s.restarts == "1 (5m ago)")
        #expect(MeshMode.explain(p).mode == .sidecar)
        #expect(MeshMode.explain(p).evidence == "native sidecar init container istio-proxy")
    }

    @Test func terminatingAndCompleted() throws {
        let terminating = try Self.pod(#"{"metadata":{"name":"p","deletionTimestamp":"2024-01-01T00:00:00Z"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"state":{"running":{}}}]}}"#)
        #expect(PodStatusSummary(terminating, now: Date()).status == "Terminating")
        let done = try Self.pod(#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Succeeded","containerStatuses":[{"name":"a","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}"#)
        #expect(PodStatusSummary(done, now: Date()).status == "Completed")
        let killed = try Self.pod(#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Failed","containerStatuses":[{"name":"a","state":{"terminated":{"exitCode":137,"signal":9}}}]}}"#)
        #expect(PodStatusSummary(killed, now: Date()).status == "Signal:9")
    }
}

@Suite struct MeshModeTests {
    static func pod(labels: String = "{}", annotations: String = "{}", containers: String = #"[{"name":"app"}]"#) throws -> KubePod {
        KubePod(try JSONDocument(#"{"metadata":{"name":"p","labels":\#(labels),"annotations":\#(annotations)},"spec":{"containers":\#(containers)}}"#).root)
    }

    @Test func modes() throws {
        #expect(try Self.pod().meshMode == .none)
        #expect(try Self.pod(annotations: #"{"ambient.istio.io/redirection":"enabled"}"#).meshMode == .ambient)
        #expect(try Self.pod(annotations: #"{"ambient.istio.io/redirection":"disabled"}"#).meshMode == .none)
        #expect(try Self.pod(containers: #"[{"name":"app"},{"name":"istio-proxy","args":["proxy","sidecar"]}]"#).meshMode == .sidecar)
        #expect(try Self.pod(labels: #"{"gateway.istio.io/managed":"istio.io-mesh-controller"}"#, containers: #"[{"name":"istio-proxy"}]"#).meshMode == .waypoint)
        #expect(try Self.pod(containers: #"[{"name":"istio-proxy","args":["proxy","waypoint"]}]"#).meshMode == .waypoint)
        #expect(try Self.pod(labels: #"{"istio":"ingressgateway"}"#, containers: #"[{"name":"istio-proxy","args":["proxy","router"]}]"#).meshMode == .gateway)
        #expect(try Self.pod(labels: #"{"gateway.networking.k8s.io/gateway-name":"public"}"#).meshMode == .gateway)
        // A sidecar pod in an ambient namespace is still a sidecar pod.
        #expect(try Self.pod(annotations: #"{"ambient.istio.io/redirection":"enabled","sidecar.istio.io/status":"{}"}"#).meshMode == .sidecar)
    }
}

@Suite struct LabelSelectorTests {
    @Test func parsesAndMatches() throws {
        let s = try LabelSelector.parse("app=web, tier!=db,env in (prod, staging),!canary,team")
        #expect(s.requirements.count == 5)
        #expect(s.matches(["app": "web", "env": "prod", "team": "a"]))
        #expect(!s.matches(["app": "web", "env": "prod", "team": "a", "canary": "1"]))
        #expect(!s.matches(["app": "web", "env": "dev", "team": "a"]))
        #expect(!s.matches(["app": "web", "env": "prod", "team": "a", "tier": "db"]))
        #expect(try LabelSelector.parse("app==web").matches(["app": "web"]))
        #expect(try LabelSelector.parse("x notin (a)").matches([:]))
        #expect(try LabelSelector.parse("").matches(["any": "thing"]))
        #expect(throws: LabelSelector.ParseError(message: "invalid label selector \"app in api\": expected '(' after in")) { try LabelSelector.parse("app in api") }
        #expect(throws: LabelSelector.ParseError(message: "invalid label selector \"a=b=c\": unexpected '=' at position 4")) { try LabelSelector.parse("a=b=c") }
    }
}

@Suite struct ApplyUnifiedDiffTests {
    @Test func hunksWithContext() {
        let old = (1...12).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 11\n", with: "")
        #expect(UnifiedDiff.render(old: old, new: new, oldLabel: "a", newLabel: "b") == """
        --- a
        +++ b
        @@ -1,5 +1,5 @@
         line 1
        -line 2
        +line two
         line 3
         line 4
         line 5
        @@ -8,5 +8,4 @@
         line 8
         line 9
         line 10
        -line 11
         line 12

        """)
        #expect(UnifiedDiff.render(old: old, new: old, oldLabel: "a", newLabel: "b") == "")
        #expect(UnifiedDiff.render(old: "", new: "x\n", oldLabel: "a", newLabel: "b") == "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n")
    }

    @Test func editsAreMinimal() {
        let e = UnifiedDiff.edits(["a", "b", "c", "a", "b", "b", "a"], ["c", "b", "a", "b", "a", "c"])
        let changes = e.filter { if case .equal = $0 { false } else { true } }.count
        #expect(changes == 5)  // Myers' paper example: D = 5
    }
}

@Suite struct ReflectorMachineTests {
    @Test func listPagesThenWatchThenResume() {
        var m = ReflectorMachine()
        #expect(m.start() == .list(continueToken: nil))
        #expect(m.listPage(continueToken: "c1", resourceVersion: "10") == (false, .list(continueToken: "c1")))
        let done = m.listPage(continueToken: nil, resourceVersion: "10")
        #expect(done.commit)
        #expect(done.next == .watch(resourceVersion: "10"))
        m.event(resourceVersion: "15")
        #expect(m.watchEnded() == .watch(resourceVersion: "15"))
        #expect(m.listCount == 1)
    }

    @Test func goneRelistsAndErrorsBackOff() {
        var m = ReflectorMachine(backoff: Backoff(initial: 1, factor: 2, cap: 5))
        _ = m.start()
        _ = m.listPage(continueToken: nil, resourceVersion: "10")
        #expect(m.watchFailed(status: 500, retryAfter: nil) == .wait(seconds: 1, then: .watch(resourceVersion: "10")))
        #expect(m.watchFailed(status: 0, retryAfter: nil) == .wait(seconds: 2, then: .watch(resourceVersion: "10")))
        #expect(m.watchFailed(status: 429, retryAfter: 7) == .wait(seconds: 7, then: .watch(resourceVersion: "10")))
        #expect(m.watchFailed(status: 503, retryAfter: nil) == .wait(seconds: 5, then: .watch(resourceVersion: "10")))
        m.event(resourceVersion: "11")
        #expect(m.failures == 0)
        #expect(m.watchFailed(status: 410, retryAfter: nil) == .list(continueToken: nil))
        #expect(m.resourceVersion == nil)
        // An expired continue token restarts the list at once.
        #expect(m.listFailed(status: 410, retryAfter: nil) == .list(continueToken: nil))
        #expect(m.listFailed(status: 403, retryAfter: nil) == .wait(seconds: 1, then: .list(continueToken: nil)))
    }

    @Test func retryAfterHeader() {
        #expect(RetryAfter.seconds("3") == 3)
        #expect(RetryAfter.seconds(" 1.5 ") == 1.5)
        #expect(RetryAfter.seconds("3600") == 60)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryAfter.seconds(nil) == nil)
    }
}

@Suite struct JSONTreeTests {
    @Test func roundTripAndEdit() throws {
        var t = try JSONTree(json: Array(#"{"a":1,"b":[true,null,"x\n"],"c":{"d":1.50}}"#.utf8))
        #expect(t.compactJSONString == #"{"a":1,"b":[true,null,"x\n"],"c":{"d":1.50}}"#)
        t.setValue("new", at: ["c", "e", "f"])
        t.setValue(nil, at: ["a"])
        t.setValue(nil, at: ["missing", "deep"])
        #expect(t.compactJSONString == #"{"b":[true,null,"x\n"],"c":{"d":1.50,"e":{"f":"new"}}}"#)
        let reordered = try JSONTree(json: Array(#"{"c":{"e":{"f":"new"},"d":1.5},"b":[true,null,"x\n"]}"#.utf8))
        #expect(t.semanticallyEquals(reordered))
        #expect(t != reordered)
    }
}
