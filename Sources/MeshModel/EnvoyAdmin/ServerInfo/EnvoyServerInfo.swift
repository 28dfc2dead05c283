/// Envoy's `/server_info` (`envoy.admin.v3.ServerInfo`): build, state, uptime, command line
/// and node identity.
///
/// ```swift
/// let info = try EnvoyServerInfo.decode(bytes)
/// info.versionNumber          // "1.28.0"
/// info.state                  // "LIVE"
/// info.uptimeCurrentEpoch     // 3600
/// info.node.metadata["ISTIO_VERSION"]
/// ```
public struct EnvoyServerInfo: Sendable, Equatable {
    /// Envoy's build string: `SHA/VERSION/Clean|Modified/RELEASE|DEBUG/SSL`.
    public var version: String
    /// LIVE, DRAINING, PRE_INITIALIZING or INITIALIZING.
    public var state: String
    /// Seconds since this process started, and since the first hot-restart epoch.
    public var uptimeCurrentEpoch: Double?
    public var uptimeAllEpochs: Double?
    public var hotRestartVersion: String
    public var commandLine: CommandLine
    public var node: Node

    /// The options Envoy was started with: the ones a mesh operator looks at, plus every
    /// scalar option as printed (``all``).
    public struct CommandLine: Sendable, Equatable {
        public var concurrency: Int?
        public var configPath: String?
        public var logLevel: String?
        public var componentLogLevel: String?
        public var serviceCluster: String?
        public var serviceNode: String?
        public var drainTime: Double?
        public var parentShutdownTime: Double?
        public var restartEpoch: Int?
        public var mode: String?
        /// Every scalar option, in input order (`key` as printed, value as text).
        public var all: [KeyValue] = []
    }

    public struct Node: Sendable, Equatable {
        public var id: String?
        public var cluster: String?
        public var userAgentName: String?
        /// `major.minor.patch` of `user_agent_build_version.version`.
        public var userAgentVersion: String?
        public var locality: Locality?
        /// String-valued metadata (Istio puts `ISTIO_VERSION`, `NAME`, `NAMESPACE`, `CLUSTER_ID`… here).
        public var metadata: [String: String] = [:]
    }

    /// The `1.28.0` part of ``version``, when it has Envoy's usual shape.
    public var versionNumber: String? {
        let parts = version.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1].first?.isNumber == true else { return nil }
        return String(parts[1])
    }

    public static func decode(_ bytes: [UInt8]) throws(AdminDecodeError) -> EnvoyServerInfo {
        let doc: JSONDocument
        do { doc = try JSONDocument(bytes: bytes) } catch { throw AdminDecodeError(error) }
        do { return try decodeJSON(doc.root) } catch { throw AdminDecodeError(error) }
    }

    public static func decodeJSON(_ root: JSONValue) throws(JSONShapeError) -> EnvoyServerInfo {
        guard root.isObject, let version = root["version"]?.string else {
            throw JSONShapeError("not Envoy /server_info output (no version)", path: root.path)
        }
        var info = EnvoyServerInfo(version: version, state: "LIVE", hotRestartVersion: "", commandLine: CommandLine(), node: Node())
        if let s = root["state"] {
            if let name = s.string {
                info.state = name
            } else if let n = s.int, (0..<4).contains(n) {
                info.state = ["LIVE", "DRAINING", "PRE_INITIALIZING", "INITIALIZING"][n]
            } else {
                throw JSONShapeError("unknown server state \(s.rawText)", path: s.path)
            }
        }
        info.uptimeCurrentEpoch = try duration(root["uptime_current_epoch"])
        info.uptimeAllEpochs = try duration(root["uptime_all_epochs"])
        info.hotRestartVersion = root["hot_restart_version"]?.string ?? ""
        if let o = root["command_line_options"] {
            var c = CommandLine()
            c.concurrency = o["concurrency"]?.int
            c.configPath = o["config_path"]?.string
            c.logLevel = o["log_level"]?.string
            c.componentLogLevel = o["component_log_level"]?.string
            c.serviceCluster = o["service_cluster"]?.string
            c.serviceNode = o["service_node"]?.string
            c.drainTime = try duration(o["drain_time"])
            c.parentShutdownTime = try duration(o["parent_shutdown_time"])
            c.restartEpoch = o["restart_epoch"]?.int
            c.mode = o["mode"]?.string
            for (k, v) in o.members where !v.isObject && !v.isArray {
                c.all.append(KeyValue(k, v.string ?? v.rawText))
            }
            info.commandLine = c
        }
        if let n = root["node"] {
            var node = Node()
            node.id = n["id"]?.string
            node.cluster = n["cluster"]?.string
            node.userAgentName = n["user_agent_name"]?.string
            if let v = n["user_agent_build_version"]?["version"] {
                node.userAgentVersion = "\(v["major_number"]?.int ?? 0).\(v["minor_number"]?.int ?? 0).\(v["patch"]?.int ?? 0)"
            }
            if let l = n["locality"] {
                node.locality = Locality(region: l["region"]?.string ?? "", zone: l["zone"]?.string ?? "", subZone: l["sub_zone"]?.string ?? "")
            }
            for (k, v) in n["metadata"]?.members ?? JSONValue.noMembers(n) {
                if let s = v.string { node.metadata[k] = s }
            }
            info.node = node
        }
        return info
    }

    /// `google.protobuf.Duration` in JSON: `"3600s"`, `"0.5s"`.
    static func duration(_ v: JSONValue?) throws(JSONShapeError) -> Double? {
        guard let v, !v.isNull else { return nil }
        if let d = v.double { return d }
        guard let s = v.string, s.hasSuffix("s"), let d = Double(s.dropLast()) else {
            throw JSONShapeError("expected a duration like \"12s\"", path: v.path)
        }
        return d
    }
}

extension JSONValue {
    /// An empty member sequence (for `?? ` defaults).
    static func noMembers(_ v: JSONValue) -> JSONMembers { JSONMembers(document: v.document, start: 0, end: 0) }
}
