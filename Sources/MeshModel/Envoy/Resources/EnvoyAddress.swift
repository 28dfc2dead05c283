/// An `envoy.config.core.v3.Address`: socket, pipe (unix socket) or Envoy internal address.
///
/// ```swift
/// EnvoyAddress(json)?.description   // "10.0.0.1:8080", "./etc/istio/proxy/XDS", "envoy://connect_originate/10.0.0.1:80"
/// ```
///
/// A `port_value` that is not a port (`4294967296`, `-1`, `80.5`) stays visible as
/// ``PortNumber/invalid(_:)``: `10.0.0.1:<invalid port 4294967296>`.
public enum EnvoyAddress: Sendable, Equatable, CustomStringConvertible {
    case socket(address: String, port: PortNumber, protocol: String?)
    case pipe(path: String)
    case `internal`(serverListenerName: String?, endpointID: String)
    case unknown

    public init?(_ json: JSONValue?) {
        guard let json, json.isObject else { return nil }
        if let s = json["socket_address"], s.isObject {
            // protojson omits zero values, so a missing port is 0 and a missing address "".
            self = .socket(address: s["address"]?.string ?? "", port: PortNumber(json: s["port_value"]), protocol: s["protocol"]?.string)
        } else if let p = json["pipe"], p.isObject {
            self = .pipe(path: p["path"]?.string ?? "")
        } else if let i = json["envoy_internal_address"], i.isObject {
            self = .internal(serverListenerName: i["server_listener_name"]?.string, endpointID: i["endpoint_id"]?.string ?? "")
        } else {
            self = .unknown
        }
    }

    /// The host part as istioctl reads it for listeners (`retrieveListenerAddress`).
    public var host: String {
        switch self {
        case .socket(let a, _, _): a
        case .pipe(let p): p
        default: ""
        }
    }

    /// The port (0 for pipes and internal addresses, as istioctl's `GetPortValue()` gives);
    /// nil when the dump's `port_value` is not a port, so it equals no port asked for.
    public var port: Int? { portNumber.number }

    /// The port as the dump states it, for display (``PortNumber/description``).
    public var portNumber: PortNumber {
        if case .socket(_, let p, _) = self { return p }
        return .valid(0)
    }

    /// As istioctl renders endpoint addresses (`retrieveEndpointAddresses`).
    public var description: String {
        switch self {
        case .socket(let a, let p, _): "\(a):\(p)"
        case .pipe(let path): path
        case .internal(let name?, let id): "envoy://\(name)/\(id)"
        case .internal(nil, _), .unknown: "unknown"
        }
    }
}
