extension ZtunnelDump {
    /// Decodes a parsed `/config_dump`. Never throws: an item with the wrong shape is
    /// skipped and reported in ``issues`` (with its JSON path), everything else is kept.
    public static func decode(_ document: JSONDocument) -> ZtunnelDump {
        var dump = ZtunnelDump()
        var r = ShapeReader()
        let root = document.root
        dump.root = root
        guard root.isObject else {
            r.fail(root, "expected the config dump to be an object, found \(root.describedKind)")
            dump.issues = r.issues
            return dump
        }
        for (key, value) in root.members {
            switch key {
            case "workloads":
                dump.workloads = r.collection(value, layout: &dump.layout) { k, v, r in decodeWorkload(k, v, &r) }
            case "services":
                dump.services = r.collection(value, layout: &dump.layout) { k, v, r in decodeService(k, v, &r) }
            case "policies":
                var ignored = dump.layout
                dump.policies = r.collection(value, layout: &ignored) { _, v, r in decodePolicy(v, &r) }
            case "certificates":
                var ignored = dump.layout
                dump.certificates = r.collection(value, layout: &ignored) { _, v, r in decodeCertificate(v, &r) }
            case "workloadState", "workload_state":
                var ignored = dump.layout
                dump.workloadStates = r.collection(value, layout: &ignored) { k, v, r in decodeWorkloadState(k, v, &r) }
            case "staticConfig", "static_config":
                dump.staticConfig = value
            case "config":
                dump.config = value
            case "version":
                dump.version = decodeVersion(value, &r)
            default:
                dump.otherSections.append((key, value))
            }
        }
        let known = ["workloads", "services", "policies", "certificates", "workloadState", "workload_state"]
        if !root.members.contains(where: { known.contains($0.key) }) {
            r.fail(root, "not a ztunnel config dump: none of workloads, services, policies, certificates, workloadState")
        }
        dump.issues = r.issues
        return dump
    }

    static func decodeWorkload(_ key: String?, _ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelWorkload? {
        guard r.expectObject(v, "workload") else { return nil }
        var w = ZtunnelWorkload(raw: v)
        w.key = key
        for (k, f) in v.members {
            switch k {
            case "uid": w.uid = r.string(f)
            case "name": w.name = r.string(f)
            case "namespace": w.namespace = r.string(f)
            case "workloadIps", "workload_ips": w.workloadIPs = r.strings(f)
            case "hostname": w.hostname = r.string(f)
            case "node": w.node = r.string(f)
            case "network": w.network = r.string(f)
            case "clusterId", "cluster_id": w.clusterID = r.string(f)
            case "protocol", "tunnelProtocol", "tunnel_protocol": w.protocol_ = r.string(f)
            case "status": w.status = r.string(f)
            case "serviceAccount", "service_account": w.serviceAccount = r.string(f)
            case "trustDomain", "trust_domain": w.trustDomain = r.string(f)
            case "workloadName", "workload_name": w.workloadName = r.string(f)
            case "workloadType", "workload_type": w.workloadType = r.string(f)
            case "canonicalName", "canonical_name": w.canonicalName = r.string(f)
            case "canonicalRevision", "canonical_revision": w.canonicalRevision = r.string(f)
            case "waypoint": w.waypoint = r.gateway(f)
            case "networkGateway", "network_gateway": w.networkGateway = r.gateway(f)
            case "authorizationPolicies", "authorization_policies": w.authorizationPolicies = r.strings(f)
            default: break
            }
        }
        return w
    }

    static func decodeService(_ key: String?, _ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelService? {
        guard r.expectObject(v, "service") else { return nil }
        var s = ZtunnelService(raw: v)
        s.key = key
        for (k, f) in v.members {
            switch k {
            case "name": s.name = r.string(f)
            case "namespace": s.namespace = r.string(f)
            case "hostname": s.hostname = r.string(f)
            case "vips", "addresses": s.vips = r.strings(f)
            case "ports":
                if f.isObject {
                    for (p, t) in f.members { s.ports.append((p, PortNumber(json: t))) }
                } else if !f.isNull {
                    r.fail(f, "expected an object of port → target port, found \(f.describedKind)")
                }
            case "endpoints":
                var ignored = ZtunnelDump.Layout.list
                s.endpoints = r.collection(f, layout: &ignored) { _, e, r in
                    guard r.expectObject(e, "endpoint") else { return nil }
                    return ZtunnelEndpoint(
                        workloadUID: r.string(e["workload_uid"]), service: r.string(e["service"]), address: r.string(e["address"]),
                        status: r.string(e["status"]))
                }
            case "waypoint": s.waypoint = r.gateway(f)
            case "subjectAltNames", "subject_alt_names": s.subjectAltNames = r.strings(f)
            default: break
            }
        }
        return s
    }

    static func decodePolicy(_ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelPolicy? {
        guard r.expectObject(v, "policy") else { return nil }
        var p = ZtunnelPolicy(raw: v)
        for (k, f) in v.members {
            switch k {
            case "name": p.name = r.string(f)
            case "namespace": p.namespace = r.string(f)
            case "scope": p.scope = r.string(f)
            case "action": p.action = r.string(f)
            case "rules": p.ruleCount = f.isArray ? f.count : 0
            default: break
            }
        }
        return p
    }

    static func decodeCertificate(_ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelCertificate? {
        guard r.expectObject(v, "certificate") else { return nil }
        var c = ZtunnelCertificate(raw: v)
        for (k, f) in v.members {
            switch k {
            case "identity": c.identity = r.string(f)
            case "state": c.state = r.string(f)
            case "certChain", "cert_chain": c.certChain = certEntries(f, &r)
            case "rootCerts", "root_certs", "caCert", "ca_cert": c.rootCerts = certEntries(f, &r)
            default: break
            }
        }
        return c
    }

    static func certEntries(_ v: JSONValue, _ r: inout ShapeReader) -> [ZtunnelCertEntry] {
        var ignored = ZtunnelDump.Layout.list
        return r.collection(v, layout: &ignored) { _, e, r in
            guard r.expectObject(e, "certificate entry") else { return nil }
            var c = ZtunnelCertEntry()
            for (k, f) in e.members {
                switch k {
                case "pem": c.pem = r.string(f)
                case "serialNumber", "serial_number": c.serialNumber = r.string(f)
                case "validFrom", "valid_from": c.validFrom = r.string(f)
                case "expirationTime", "expiration_time": c.expirationTime = r.string(f)
                default: break
                }
            }
            return c
        }
    }

    static func decodeWorkloadState(_ key: String?, _ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelWorkloadState? {
        guard r.expectObject(v, "workload state") else { return nil }
        var s = ZtunnelWorkloadState(raw: v)
        s.key = key ?? ""
        for (k, f) in v.members {
            switch k {
            case "state": s.state = r.string(f)
            case "info":
                guard r.expectObject(f, "workload info") else { continue }
                s.name = r.string(f["name"])
                s.namespace = r.string(f["namespace"])
                s.serviceAccount = r.string(f["service_account"])
                s.trustDomain = r.string(f["trust_domain"])
            case "connections":
                guard r.expectObject(f, "connections") else { continue }
                s.inbound = connections(f["inbound"], &r)
                s.outbound = connections(f["outbound"], &r)
            default: break
            }
        }
        return s
    }

    static func connections(_ v: JSONValue?, _ r: inout ShapeReader) -> [ZtunnelConnection] {
        guard let v else { return [] }
        var ignored = ZtunnelDump.Layout.list
        return r.collection(v, layout: &ignored) { _, c, r in
            guard r.expectObject(c, "connection") else { return nil }
            var out = ZtunnelConnection()
            for (k, f) in c.members {
                switch k {
                case "src": out.src = r.string(f)
                case "originalDst", "original_dst": out.originalDst = r.string(f)
                // Early ztunnels printed inbound connections as {src, dst}.
                case "actualDst", "actual_dst", "dst": out.actualDst = r.string(f)
                case "protocol": out.protocol_ = r.string(f)
                default: break
                }
            }
            return out
        }
    }

    static func decodeVersion(_ v: JSONValue, _ r: inout ShapeReader) -> ZtunnelVersion? {
        if let s = v.string {
            var out = ZtunnelVersion(raw: v)
            out.version = s
            return out
        }
        guard r.expectObject(v, "version") else { return nil }
        var out = ZtunnelVersion(raw: v)
        out.version = r.string(v["version"])
        out.gitRevision = r.string(v["git_revision"])
        out.istioVersion = r.string(v["istio_version"])
        out.rustVersion = r.string(v["rust_version"])
        return out
    }
}

/// Reads loosely typed JSON fields and records, rather than throws, what does not fit.
struct ShapeReader {
    var issues: [JSONShapeError] = []

    mutating func fail(_ v: JSONValue, _ message: String) {
        issues.append(JSONShapeError(message, path: v.path))
    }

    mutating func expectObject(_ v: JSONValue, _ what: String) -> Bool {
        if v.isObject { return true }
        fail(v, "expected \(what) to be an object, found \(v.describedKind)")
        return false
    }

    /// A string; null or absent reads as "" (Go's zero value). Anything else is an issue;
    /// a number or bool is still shown as its text, a container as "".
    mutating func string(_ v: JSONValue?) -> String {
        guard let v, !v.isNull else { return "" }
        if let s = v.string { return s }
        fail(v, "expected a string, found \(v.describedKind)")
        return v.kind == .number || v.kind == .bool ? v.rawText : ""
    }

    mutating func strings(_ v: JSONValue) -> [String] {
        if v.isNull { return [] }
        guard v.isArray else {
            fail(v, "expected an array of strings, found \(v.describedKind)")
            return []
        }
        var out: [String] = []
        for e in v.elements {
            if let s = e.string { out.append(s) } else { fail(e, "expected a string, found \(e.describedKind)") }
        }
        return out
    }

    mutating func gateway(_ v: JSONValue) -> ZtunnelGatewayAddress? {
        if v.isNull { return nil }
        guard expectObject(v, "gateway address") else { return nil }
        let destination = string(v["destination"])
        let port = (v["hbone_mtls_port"] ?? v["port"])?.int
        return ZtunnelGatewayAddress(destination: destination, port: port)
    }

    /// A section that is either an object keyed by address (old layout) or an array.
    mutating func collection<T>(
        _ v: JSONValue, layout: inout ZtunnelDump.Layout, _ item: (String?, JSONValue, inout ShapeReader) -> T?
    ) -> [T] {
        var out: [T] = []
        if v.isArray {
            layout = .list
            out.reserveCapacity(v.count)
            for e in v.elements { if let x = item(nil, e, &self) { out.append(x) } }
        } else if v.isObject {
            layout = .addressMap
            for (k, e) in v.members { if let x = item(k, e, &self) { out.append(x) } }
        } else if !v.isNull {
            fail(v, "expected an array or an object, found \(v.describedKind)")
        }
        return out
    }
}

extension JSONValue {
    /// `object`, `array`, `string`, `number`, `bool` or `null`, for messages.
    var describedKind: String {
        switch kind {
        case .null: "null"
        case .bool: "a bool"
        case .number: "a number"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }
}
