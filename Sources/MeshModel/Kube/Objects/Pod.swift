import Foundation

/// The parts of a Pod that `get pods`, the mesh index and the admin client need.
public struct KubePod: Sendable {
    public var metadata: ObjectMeta
    public var nodeName: String?
    public var phase: String
    /// `status.reason`, e.g. `Evicted`.
    public var reason: String?
    public var podIP: String?
    public var podIPs: [String]
    public var hostIP: String?
    public var nominatedNodeName: String?
    public var readinessGates: [String]
    public var conditions: [String: Bool]
    /// `reason` of each condition that has one (`PodScheduled` → `SchedulingGated`).
    public var conditionReasons: [String: String]
    public var serviceAccount: String?
    public var containers: [Container]
    public var initContainers: [Container]
    public var containerStatuses: [ContainerStatus]
    public var initContainerStatuses: [ContainerStatus]

    public struct Container: Sendable, Hashable {
        public var name: String
        public var image: String
        public var args: [String]
        /// `Always` marks a native sidecar among init containers (Kubernetes 1.28+).
        public var restartPolicy: String?
        public var ports: [Int]
    }

    public struct ContainerStatus: Sendable, Hashable {
        public var name: String
        public var ready: Bool
        public var started: Bool?
        public var restartCount: Int
        /// `waiting` / `running` / `terminated`, with the reason where there is one.
        public var state: State
        public var lastTerminationFinishedAt: Date?

        public enum State: Sendable, Hashable {
            case waiting(reason: String?)
            case running
            case terminated(reason: String?, exitCode: Int, signal: Int)
            case unknown
        }
    }

    public init(_ v: JSONValue) {
        metadata = ObjectMeta(v["metadata"])
        let spec = v["spec"]
        let status = v["status"]
        nodeName = spec?["nodeName"]?.string
        serviceAccount = spec?["serviceAccountName"]?.string
        readinessGates = spec?["readinessGates"]?.elements.compactMap { $0["conditionType"]?.string } ?? []
        containers = spec?["containers"]?.elements.map(KubePod.container) ?? []
        initContainers = spec?["initContainers"]?.elements.map(KubePod.container) ?? []
        phase = status?["phase"]?.string ?? "Pending"
        reason = status?["reason"]?.string
        podIP = status?["podIP"]?.string
        podIPs = status?["podIPs"]?.elements.compactMap { $0["ip"]?.string } ?? []
        hostIP = status?["hostIP"]?.string
        nominatedNodeName = status?["nominatedNodeName"]?.string
        var conditions: [String: Bool] = [:]
        var reasons: [String: String] = [:]
        if let list = status?["conditions"] {
            for c in list.elements {
                guard let t = c["type"]?.string else { continue }
                conditions[t] = c["status"]?.string == "True"
                if let r = c["reason"]?.string { reasons[t] = r }
            }
        }
        self.conditions = conditions
        self.conditionReasons = reasons
        containerStatuses = status?["containerStatuses"]?.elements.map(KubePod.containerStatus) ?? []
        initContainerStatuses = status?["initContainerStatuses"]?.elements.map(KubePod.containerStatus) ?? []
    }

    static func container(_ c: JSONValue) -> Container {
        Container(
            name: c["name"]?.string ?? "",
            image: c["image"]?.string ?? "",
            args: c["args"]?.elements.compactMap(\.string) ?? [],
            restartPolicy: c["restartPolicy"]?.string,
            ports: c["ports"]?.elements.compactMap { $0["containerPort"]?.int } ?? []
        )
    }

    static func containerStatus(_ s: JSONValue) -> ContainerStatus {
        let state: ContainerStatus.State
        if let w = s["state"]?["waiting"] {
            state = .waiting(reason: w["reason"]?.string)
        } else if s["state"]?["running"] != nil {
            state = .running
        } else if let t = s["state"]?["terminated"] {
            state = .terminated(reason: t["reason"]?.string, exitCode: t["exitCode"]?.int ?? 0, signal: t["signal"]?.int ?? 0)
        } else {
            state = .unknown
        }
        return ContainerStatus(
            name: s["name"]?.string ?? "",
            ready: s["ready"]?.bool ?? false,
            started: s["started"]?.bool,
            restartCount: s["restartCount"]?.int ?? 0,
            state: state,
            lastTerminationFinishedAt: s["lastState"]?["terminated"]?["finishedAt"]?.string.flatMap(Timestamp.parse)
        )
    }

    /// How this pod takes part in the mesh.
    public var meshMode: MeshMode { MeshMode.detect(self) }
}
