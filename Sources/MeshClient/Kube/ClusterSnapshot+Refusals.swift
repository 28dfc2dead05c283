import MeshModel

/// What the cluster's refusals (``ClusterSnapshot/forbidden``) hide, asked the same way by the
/// TUI's views, the CLI commands and the findings: an empty list of a refused kind, istiod or
/// ztunnel missing because istio-system's pods could not be read, pods read nowhere at all.
///
/// ```swift
/// snapshot.refusals(hiding: "pods", in: "istio-system").first?.message
/// // forbidden: cannot list pods in istio-system (needs get/list on pods)
/// snapshot.controlPlaneRefusal("istiod")
/// // istiod not found: forbidden: cannot list pods in istio-system (needs get/list on pods)
/// ```
extension ClusterSnapshot {
    /// The refusals that hide `qualifiedResource` in `namespace` (nil: every namespace), the
    /// namespace's own first (it says more than the cluster-wide one behind it). A cluster-wide
    /// refusal does not hide a namespace that was read by itself.
    public func refusals(hiding qualifiedResource: String, in namespace: String?) -> [ForbiddenAccess] {
        let readAlone = namespace.map { namespacesRead[qualifiedResource]?.contains($0) == true } ?? false
        let hiding = forbidden.hiding(qualifiedResource, in: namespace).filter { $0.namespace != nil || !readAlone }
        let own = hiding.filter { $0.namespace != nil }
        return own.isEmpty ? hiding : own
    }

    /// Why `component` (`istiod`, `ztunnel`: pods of the control plane's namespace) was not
    /// found, when pods there were refused; nil when they were read (then it is not running).
    public func controlPlaneRefusal(_ component: String) -> String? {
        refusals(hiding: "pods", in: ClusterMeshSource.controlPlaneNamespace).first.map { "\(component) not found: \($0.message)" }
    }

    /// Why no pod could be read where a command looks (`namespace`; nil: every namespace), as
    /// one line: the refusals that hid them, when none was read there. A live table over
    /// proxies waits for proxies to answer; with their pods refused none ever will, so
    /// `connections` says this and stops instead of waiting. nil when a pod was read there or
    /// nothing was refused (then the namespace simply has no pod).
    ///
    /// ```swift
    /// snapshot.podsRefusal(in: nil)   // -A as a namespace-scoped user
    /// // forbidden: cannot list pods in all namespaces (needs get/list on pods cluster-wide)
    /// ```
    public func podsRefusal(in namespace: String?) -> String? {
        let read = namespace.map { ns in pods.contains { $0.metadata.namespace == ns } } ?? !pods.isEmpty
        guard !read else { return nil }
        let hiding = refusals(hiding: "pods", in: namespace)
        return hiding.isEmpty ? nil : hiding.said
    }

    /// Why no pod at all could be read: pods refused cluster-wide and read in no namespace by
    /// itself. Rules over pods would judge an empty list and "pass"; they are not evaluated.
    public var podsUnreadable: String? {
        guard namespacesRead["pods"]?.isEmpty != false else { return nil }
        return forbidden.first { $0.namespace == nil && $0.group.isEmpty && $0.resource == "pods" && ($0.verb == "list" || $0.verb == "watch") }?.message
    }
}
