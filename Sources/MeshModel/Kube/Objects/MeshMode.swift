/// How a pod takes part in the mesh, as `get pods` shows it in the MODE column.
///
/// Decided from what Istio itself writes on the pod, most specific first:
/// - `waypoint`: labels `gateway.istio.io/managed=istio.io-mesh-controller` or
///   `gateway.networking.k8s.io/gateway-class-name=istio-waypoint`, or an `istio-proxy`
///   container started as `proxy waypoint`.
/// - `gateway`: `gateway.istio.io/managed=istio.io-gateway-controller`, a
///   `gateway.networking.k8s.io/gateway-name` label, an `istio-proxy` started as
///   `proxy router`, or the classic `istio=ingressgateway|egressgateway` label.
/// - `sidecar`: an `istio-proxy` container (or native sidecar init container), or the
///   injector's `sidecar.istio.io/status` annotation.
/// - `ambient`: the CNI's `ambient.istio.io/redirection: enabled` annotation.
/// - `none` otherwise.
///
/// ```swift
/// MeshMode.detect(pod)   // .ambient
/// ```
public enum MeshMode: String, Sendable, CaseIterable {
    case sidecar, ambient, waypoint, gateway, none

    public static func detect(_ pod: KubePod) -> MeshMode { explain(pod).mode }

    /// The mode and the label, annotation or container that decided it.
    public static func explain(_ pod: KubePod) -> (mode: MeshMode, evidence: String) {
        let labels = pod.metadata.labels
        let annotations = pod.metadata.annotations
        let proxy = (pod.containers + pod.initContainers).first { $0.name == "istio-proxy" }
        let proxyRole = proxy.flatMap { c in c.args.first(where: { ["sidecar", "router", "waypoint"].contains($0) }) }

        if labels["gateway.istio.io/managed"] == "istio.io-mesh-controller" {
            return (.waypoint, "label gateway.istio.io/managed=istio.io-mesh-controller")
        }
        if labels["gateway.networking.k8s.io/gateway-class-name"] == "istio-waypoint" {
            return (.waypoint, "label gateway.networking.k8s.io/gateway-class-name=istio-waypoint")
        }
        if proxyRole == "waypoint" { return (.waypoint, "istio-proxy runs as waypoint") }
        if labels["gateway.istio.io/managed"] == "istio.io-gateway-controller" {
            return (.gateway, "label gateway.istio.io/managed=istio.io-gateway-controller")
        }
        if let name = labels["gateway.networking.k8s.io/gateway-name"] {
            return (.gateway, "label gateway.networking.k8s.io/gateway-name=\(name)")
        }
        if proxyRole == "router" { return (.gateway, "istio-proxy runs as router") }
        if let istio = labels["istio"], istio == "ingressgateway" || istio == "egressgateway" {
            return (.gateway, "label istio=\(istio)")
        }
        // ztunnel's DaemonSet names its container istio-proxy too, but it is the node proxy,
        // not a sidecar of the pod.
        if labels["app"] == "ztunnel" { return (.none, "ztunnel node proxy (label app=ztunnel)") }
        if let proxy {
            let native = pod.initContainers.contains { $0.name == proxy.name && $0.restartPolicy == "Always" }
            return (.sidecar, native ? "native sidecar init container istio-proxy" : "container istio-proxy")
        }
        if annotations["sidecar.istio.io/status"] != nil { return (.sidecar, "annotation sidecar.istio.io/status") }
        if annotations["ambient.istio.io/redirection"] == "enabled" {
            return (.ambient, "annotation ambient.istio.io/redirection=enabled")
        }
        return (.none, "no sidecar, no ambient redirection")
    }
}
