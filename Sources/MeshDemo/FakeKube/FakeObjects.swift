import Foundation
import MeshModel

/// Builders for realistic objects: what tests seed and what the generators emit.
public enum FakeObjects {
    public static func namespace(_ name: String, labels: [String: String] = [:]) -> JSONTree {
        .object([("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", meta(name, nil, labels))])
    }

    /// A running pod. `mode` adds what Istio puts on pods of that mode.
    public static func pod(_ name: String, namespace: String, mode: MeshMode = .none, node: String = "node-1", ip: String = "10.244.0.10",
                           labels: [String: String] = ["app": "web"], ready: Bool = true, restarts: Int = 0, created: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> JSONTree {
        var labels = labels
        var annotations: [String: String] = [:]
        var containers: [JSONTree] = [container(name: "app", image: "registry.example/app:1.0", ports: [8080])]
        var args: [String]?
        switch mode {
        case .sidecar:
            annotations["sidecar.istio.io/status"] = #"{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy"],"imagePullSecrets":null,"revision":"default"}"#
            labels["security.istio.io/tlsMode"] = "istio"
            labels["service.istio.io/canonical-name"] = labels["app"] ?? name
            args = ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"]
        case .ambient:
            annotations["ambient.istio.io/redirection"] = "enabled"
        case .waypoint:
            labels["gateway.istio.io/managed"] = "istio.io-mesh-controller"
            labels["gateway.networking.k8s.io/gateway-name"] = "waypoint"
            labels["gateway.networking.k8s.io/gateway-class-name"] = "istio-waypoint"
            containers = []
            args = ["proxy", "waypoint", "--domain", "$(POD_NAMESPACE).svc.cluster.local"]
        case .gateway:
            labels["gateway.istio.io/managed"] = "istio.io-gateway-controller"
            labels["gateway.networking.k8s.io/gateway-name"] = "ingress"
            containers = []
            args = ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local"]
        case .none:
            break
        }
        if let args {
            var proxy = container(name: "istio-proxy", image: "docker.io/istio/proxyv2:1.24.0", ports: [15090])
            proxy["args"] = .array(args.map { .string($0) })
            containers.append(proxy)
        }
        let statuses: [JSONTree] = containers.map { c in
            .object([
                ("name", c["name"]!), ("image", c["image"]!), ("imageID", ""), ("ready", .bool(ready)), ("started", .bool(ready)),
                ("restartCount", .number(String(restarts))),
                ("state", ready ? .object([("running", .object([("startedAt", .string(Timestamp.rfc3339(created.addingTimeInterval(5))))]))])
                    : .object([("waiting", .object([("reason", "CrashLoopBackOff")]))])),
            ])
        }
        var m = meta(name, namespace, labels, created: created)
        if !annotations.isEmpty { m["annotations"] = .object(JSONObject(annotations.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
        m["ownerReferences"] = .array([.object([("apiVersion", "apps/v1"), ("kind", "ReplicaSet"), ("name", .string("\(labels["app"] ?? name)-7d4b9c")), ("uid", "00000000-0000-0000-0000-000000000001"), ("controller", true)])])
        return .object([
            ("apiVersion", "v1"), ("kind", "Pod"), ("metadata", m),
            ("spec", .object([
                ("containers", .array(containers)), ("nodeName", .string(node)), ("serviceAccountName", "default"),
                ("restartPolicy", "Always"), ("dnsPolicy", "ClusterFirst"), ("terminationGracePeriodSeconds", 30),
            ])),
            ("status", .object([
                ("phase", "Running"), ("podIP", .string(ip)), ("podIPs", .array([.object([("ip", .string(ip))])])),
                ("hostIP", "172.18.0.2"), ("qosClass", "BestEffort"), ("startTime", .string(Timestamp.rfc3339(created))),
                ("conditions", .array([
                    .object([("type", "Initialized"), ("status", "True")]),
                    .object([("type", "Ready"), ("status", ready ? "True" : "False")]),
                    .object([("type", "ContainersReady"), ("status", ready ? "True" : "False")]),
                    .object([("type", "PodScheduled"), ("status", "True")]),
                ])),
                ("containerStatuses", .array(statuses)),
            ])),
        ])
    }

    public static func service(_ name: String, namespace: String, ports: [Int] = [80], selector: [String: String] = ["app": "web"],
                               created: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> JSONTree {
        .object([
            ("apiVersion", "v1"), ("kind", "Service"), ("metadata", meta(name, namespace, [:], created: created)),
            ("spec", .object([
                ("ports", .array(ports.map { .object([("name", .string("http-\($0)")), ("port", .number(String($0))), ("targetPort", .number(String($0))), ("protocol", "TCP")]) })),
                ("selector", .object(JSONObject(selector.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
            ])),
        ])
    }

    static func container(name: String, image: String, ports: [Int]) -> JSONTree {
        .object([
            ("name", .string(name)), ("image", .string(image)),
            ("ports", .array(ports.map { .object([("containerPort", .number(String($0))), ("protocol", "TCP")]) })),
            ("resources", .object(JSONObject())), ("terminationMessagePath", "/dev/termination-log"), ("imagePullPolicy", "IfNotPresent"),
        ])
    }

    static func meta(_ name: String, _ namespace: String?, _ labels: [String: String], created: Date? = nil) -> JSONTree {
        var o = JSONObject([("name", .string(name))])
        if let namespace { o["namespace"] = .string(namespace) }
        if !labels.isEmpty { o["labels"] = .object(JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
        if let created { o["creationTimestamp"] = .string(Timestamp.rfc3339(created)) }
        return .object(o)
    }

    /// `count` pods spread over `namespaces`, a mix of mesh modes (for benchmarks and demos).
    public static func generatedPods(count: Int, namespaces: [String]) -> [JSONTree] {
        let modes: [MeshMode] = [.sidecar, .sidecar, .ambient, .ambient, .none, .waypoint, .gateway]
        return (0..<count).map { i in
            let ns = namespaces[i % namespaces.count]
            let app = "app-\(i / 5 % 400)"
            return pod("\(app)-\(String(i, radix: 36))", namespace: ns, mode: modes[i % modes.count], node: "node-\(i % 50)",
                       ip: "10.\(244 + i / 65536).\(i / 256 % 256).\(i % 256)", labels: ["app": app, "pod-template-hash": "7d4b9c"])
        }
    }

    public static func generatedServices(count: Int, namespaces: [String]) -> [JSONTree] {
        (0..<count).map { i in
            var svc = service("svc-\(i)", namespace: namespaces[i % namespaces.count], ports: [80, 8080 + i % 3], selector: ["app": "app-\(i % 400)"])
            svc.setValue(.string("10.96.\(i / 256 % 256).\(i % 256)"), at: ["spec", "clusterIP"])
            return svc
        }
    }
}
