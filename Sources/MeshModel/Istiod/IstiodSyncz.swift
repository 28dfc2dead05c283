import Foundation

/// istiod's sync status in any of the shapes it comes in:
/// - `/debug/syncz`: a JSON array of `SyncStatus` (per-type `*_sent`/`*_acked` nonces, and in
///   newer istiods `resources{typeUrl: {sent, acked, sentTime, lastError}}`);
/// - a CSDS `DiscoveryResponse` whose `resources` are `ClientConfig`s (what istioctl asks
///   istiod for, and prints with `proxy-status -o json`);
/// - several of those at once: an array of `DiscoveryResponse`s, or an object keyed by
///   istiod name whose values are either shape;
/// - a single `ClientConfig`.
///
/// ```swift
/// let syncz = IstiodSyncz.decode(try JSONDocument(bytes: bytes), istiod: "istiod-abc")
/// syncz.proxies.map(\.proxyID)
/// ```
public struct IstiodSyncz: Sendable {
    public enum Shape: String, Sendable { case syncStatusList, discoveryResponse, clientConfig, byIstiod, empty }

    public var shape: Shape = .empty
    public var proxies: [ProxySyncStatus] = []
    /// The CSDS responses as given (for `-o json`), one per istiod.
    public var discoveryResponses: [JSONValue] = []
    public var issues: [JSONShapeError] = []

    public init() {}

    /// `istiod` names the control plane when the document does not (syncz lists never do).
    public static func decode(_ document: JSONDocument, istiod: String = "") -> IstiodSyncz {
        var out = IstiodSyncz()
        var r = ShapeReader()
        out.decode(document.root, istiod: istiod, &r, nested: false)
        out.issues = r.issues
        return out
    }

    private mutating func decode(_ v: JSONValue, istiod: String, _ r: inout ShapeReader, nested: Bool) {
        if v.isArray {
            let first = v.elements.first { _ in true }
            if let first, Self.isDiscoveryResponse(first) {
                for e in v.elements { decode(e, istiod: istiod, &r, nested: true) }
                if !nested { shape = .discoveryResponse }
                return
            }
            if !nested { shape = .syncStatusList }
            for e in v.elements {
                guard r.expectObject(e, "sync status") else { continue }
                guard e["proxy"] != nil else {
                    r.fail(e, "expected a sync status with a \"proxy\" field")
                    continue
                }
                proxies.append(Self.syncStatus(e, istiod: istiod, &r))
            }
            return
        }
        guard r.expectObject(v, "sync status document") else { return }
        if Self.isDiscoveryResponse(v) {
            if !nested { shape = .discoveryResponse }
            discoveryResponses.append(v)
            let cp = Self.controlPlaneID(v, &r) ?? istiod
            guard let resources = v["resources"], !resources.isNull else { return }
            guard resources.isArray else {
                r.fail(resources, "expected an array of ClientConfig resources, found \(resources.describedKind)")
                return
            }
            for res in resources.elements {
                guard r.expectObject(res, "ClientConfig") else { continue }
                if let t = res.typeName, t != "envoy.service.status.v3.ClientConfig" {
                    r.fail(res, "expected a ClientConfig resource, found \(t)")
                    continue
                }
                var p = Self.clientConfig(res, istiod: cp, &r)
                p.response = v
                proxies.append(p)
            }
            return
        }
        if v["node"] != nil || v["generic_xds_configs"] != nil {
            if !nested { shape = .clientConfig }
            proxies.append(Self.clientConfig(v, istiod: istiod, &r))
            return
        }
        guard !nested else {
            r.fail(v, "expected syncz or a CSDS response, found an object without resources or node")
            return
        }
        // An object keyed by istiod name.
        shape = .byIstiod
        var inner = ShapeReader()
        for (name, value) in v.members {
            guard value.isArray || value.isObject else {
                inner.fail(value, "expected syncz or a CSDS response, found \(value.describedKind)")
                continue
            }
            decode(value, istiod: name, &inner, nested: true)
        }
        if proxies.isEmpty && !inner.issues.isEmpty {
            // Nothing here looks like sync status: one clear message, not one per member.
            r.fail(v, "not istiod sync status: expected /debug/syncz (a list) or a CSDS DiscoveryResponse")
        } else {
            r.issues += inner.issues
        }
    }

    /// A DiscoveryResponse has a list of resources (a SyncStatus has a map of them).
    static func isDiscoveryResponse(_ v: JSONValue) -> Bool {
        guard v.isObject else { return false }
        return v["control_plane"] != nil || v["type_url"] != nil || v["version_info"] != nil || (v["resources"]?.isArray ?? false)
    }

    static func controlPlaneID(_ v: JSONValue, _ r: inout ShapeReader) -> String? {
        guard let identifier = v["control_plane"]?["identifier"]?.string, !identifier.isEmpty else { return nil }
        // istiod puts a JSON document in the identifier: {"Component":"istiod","ID":"istiod-1",...}.
        guard let doc = try? JSONDocument(identifier), let id = doc.root.member(exactly: "ID")?.string ?? doc.root["id"]?.string else {
            return identifier
        }
        return id
    }

    static func clientConfig(_ v: JSONValue, istiod: String, _ r: inout ShapeReader) -> ProxySyncStatus {
        var p = ProxySyncStatus()
        p.raw = v
        p.istiod = istiod
        if let node = v["node"], r.expectObject(node, "node") {
            p.proxyID = r.string(node["id"])
            if let meta = node["metadata"], meta.isObject {
                p.clusterID = r.string(meta.member(exactly: "CLUSTER_ID"))
                p.version = r.string(meta.member(exactly: "ISTIO_VERSION"))
                p.namespace = r.string(meta.member(exactly: "NAMESPACE"))
            }
        }
        if let generic = v["generic_xds_configs"], !generic.isNull {
            guard generic.isArray else {
                r.fail(generic, "expected an array, found \(generic.describedKind)")
                return p
            }
            for g in generic.elements {
                guard r.expectObject(g, "xDS config") else { continue }
                let state = XdsTypeStatus.State(rawValue: r.string(g["config_status"])) ?? .unknown
                p.types.append(XdsTypeStatus(typeURL: r.string(g["type_url"]), state: state, lastUpdated: g["last_updated"]?.string.flatMap(Timestamp.parse)))
            }
        } else if let legacy = v["xds_config"], legacy.isArray {
            // Before genericXdsConfigs: one entry per classic type, told apart by its payload field.
            for x in legacy.elements where x.isObject {
                let typeURL: String
                if x["listener_config"] != nil { typeURL = XdsType.listener }
                else if x["cluster_config"] != nil { typeURL = XdsType.cluster }
                else if x["route_config"] != nil { typeURL = XdsType.route }
                else if x["endpoint_config"] != nil { typeURL = XdsType.endpoint }
                else { continue }
                let state = XdsTypeStatus.State(rawValue: r.string(x["status"])) ?? .unknown
                p.types.append(XdsTypeStatus(typeURL: typeURL, state: state))
            }
        }
        if p.namespace.isEmpty, let dot = p.proxyID.lastIndex(of: ".") {
            p.namespace = String(p.proxyID[p.proxyID.index(after: dot)...])
        }
        return p
    }

    static func syncStatus(_ v: JSONValue, istiod: String, _ r: inout ShapeReader) -> ProxySyncStatus {
        var p = ProxySyncStatus()
        p.raw = v
        p.istiod = istiod
        p.proxyID = r.string(v["proxy"])
        p.clusterID = r.string(v["cluster_id"])
        p.proxyType = r.string(v["proxy_type"])
        p.version = r.string(v["istio_version"])
        if p.version.isEmpty {
            let proxyVersion = r.string(v["proxy_version"])
            if !proxyVersion.isEmpty { p.version = proxyVersion + "*" }
        }
        if let resources = v["resources"], resources.isObject, !resources.isEmpty {
            for (typeURL, res) in resources.members {
                guard r.expectObject(res, "resource status") else { continue }
                let sentTime = res["sent_time"]?.string.flatMap(Timestamp.parse).flatMap { $0.timeIntervalSince1970 > 0 ? $0 : nil }
                p.types.append(.fromNonces(
                    typeURL: typeURL, sent: r.string(res["sent"]), acked: r.string(res["acked"]),
                    lastError: r.string(res["last_error"]), sentTime: sentTime))
            }
        } else {
            // Older istiods: the classic types only. ztunnels never subscribe to them, so an
            // unsent type of a ztunnel is not listed (istiod reports UNKNOWN for it).
            let fields: [(String, String, String)] = [
                (XdsType.cluster, "cluster_sent", "cluster_acked"), (XdsType.listener, "listener_sent", "listener_acked"),
                (XdsType.endpoint, "endpoint_sent", "endpoint_acked"), (XdsType.route, "route_sent", "route_acked"),
                (XdsType.extensionConfig, "extensionconfig_sent", "extensionconfig_acked"),
            ]
            for (typeURL, sentKey, ackedKey) in fields {
                let sent = r.string(v.member(exactly: sentKey))
                let acked = r.string(v.member(exactly: ackedKey))
                if sent.isEmpty && acked.isEmpty && p.proxyType == "ztunnel" { continue }
                p.types.append(.fromNonces(typeURL: typeURL, sent: sent, acked: acked))
            }
        }
        if let dot = p.proxyID.lastIndex(of: ".") { p.namespace = String(p.proxyID[p.proxyID.index(after: dot)...]) }
        return p
    }
}
