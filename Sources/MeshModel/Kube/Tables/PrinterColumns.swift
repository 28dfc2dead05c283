/// The `additionalPrinterColumns` of the Istio and Gateway API CRDs. On a cluster `get`
/// prints the server's Table (which has them); these render the same columns where no
/// server answers (snapshots) and are what the fake API server's Tables serve.
public struct PrinterColumn: Sendable {
    public var name: String
    public var wideOnly: Bool
    let extract: @Sendable (JSONValue) -> String

    public func value(_ object: JSONValue) -> String { extract(object) }

    /// A column reading a simple `.a.b.c` path; arrays and objects print as compact JSON
    /// (as kubectl's JSONPath printer does) and missing values as an empty cell.
    static func path(_ name: String, _ path: String, wideOnly: Bool = false) -> PrinterColumn {
        let parts = path.split(separator: ".").map(String.init)
        return PrinterColumn(name: name, wideOnly: wideOnly) { obj in
            var v: JSONValue? = obj
            for p in parts { v = v?.member(exactly: p) }
            guard let v else { return "" }
            switch v.kind {
            case .string: return v.string ?? ""
            case .null: return ""
            case .array, .object: return JSONTree(v).compactJSONString
            default: return v.rawText
            }
        }
    }

    /// `.status.conditions[?(@.type=="T")].status`.
    static func condition(_ name: String, _ type: String) -> PrinterColumn {
        PrinterColumn(name: name, wideOnly: false) { obj in
            guard let conditions = obj["status"]?["conditions"] else { return "" }
            for c in conditions.elements where c["type"]?.string == type { return c["status"]?.string ?? "" }
            return ""
        }
    }

    /// `.status.addresses[*].value`: kubectl joins JSONPath list results with spaces.
    static func addresses(_ name: String) -> PrinterColumn {
        PrinterColumn(name: name, wideOnly: false) { obj in
            guard let list = obj["status"]?["addresses"] else { return "" }
            return list.elements.compactMap { $0["value"]?.string }.joined(separator: " ")
        }
    }
}

public enum PrinterColumns {
    /// Columns between NAME and AGE for a resource.
    public static func forResource(_ r: APIResource) -> [PrinterColumn] {
        switch (r.group, r.kind) {
        case ("networking.istio.io", "VirtualService"):
            return [.path("GATEWAYS", "spec.gateways"), .path("HOSTS", "spec.hosts")]
        case ("networking.istio.io", "DestinationRule"):
            return [.path("HOST", "spec.host")]
        case ("networking.istio.io", "ServiceEntry"):
            return [.path("HOSTS", "spec.hosts"), .path("LOCATION", "spec.location"), .path("RESOLUTION", "spec.resolution")]
        case ("networking.istio.io", "WorkloadEntry"):
            return [.path("ADDRESS", "spec.address")]
        case ("security.istio.io", "PeerAuthentication"):
            return [.path("MODE", "spec.mtls.mode")]
        case ("security.istio.io", "AuthorizationPolicy"):
            return [.path("ACTION", "spec.action")]
        case ("gateway.networking.k8s.io", "Gateway"):
            return [.path("CLASS", "spec.gatewayClassName"), .addresses("ADDRESS"), .condition("PROGRAMMED", "Programmed")]
        case ("gateway.networking.k8s.io", "HTTPRoute"), ("gateway.networking.k8s.io", "GRPCRoute"):
            return [.path("HOSTNAMES", "spec.hostnames")]
        case ("gateway.networking.k8s.io", "GatewayClass"):
            return [.path("CONTROLLER", "spec.controllerName"), .condition("ACCEPTED", "Accepted")]
        default:
            return []
        }
    }
}

extension JSONTree {
    /// Compact JSON as a String.
    public var compactJSONString: String { String(decoding: compactJSON(), as: UTF8.self) }
}
