import MeshClient
import MeshModel

/// Which table a screen shows, as a value: the state names views, the specs (code, with
/// builders) are looked up when needed, so a navigation stack holds no closures.
///
/// ```swift
/// Screen.table(.pods(namespace: "bookinfo"), data: data, crumb: "bookinfo")
/// registry.spec(.named("clusters"))   // the spec `:clusters` opens
/// ```
/// A new parametrised view (a picker built for one row) is a case here plus a line in
/// ``spec``; a plain view needs neither (it is `.named`).
public enum ViewID: Sendable {
    /// A view of the registry, by its `:` name (a group's tables included).
    case named(String)
    /// Enter on a `:sections` row: that section's resources (by name, else position).
    case sectionResources(section: String, index: Int)
    /// Enter on a namespace: its pods.
    case pods(namespace: String)
    /// Enter on an `:istio` kind: its objects.
    case objects(qualifiedName: String)
    /// `:ctx`: the kubeconfig's contexts, `current` marked.
    case contexts([Kubeconfig.Context], current: String)
    /// `L` on a pod: the destinations of a path from `POD.NS`.
    case layersPicker(from: String)
    /// `D` on a proxy: what to compare it with.
    case diffPicker(MeshState.Proxy)
    /// `:views`: every view of the registry (built by the registry, which it lists).
    case viewList
    /// `:messages`: the messages since start, as they were when it was (re)built.
    case messages(MessageLog)
    /// `:ns` with no name: the namespaces, Enter sets `:ns` to the row's.
    case namespacePicker

    /// The spec of a parametrised view (nil for `.named`, which the registry holds).
    var spec: TableViewSpec? {
        switch self {
        case .named, .viewList: nil
        case .sectionResources(let section, let index): DocumentViews.resourcesSpec(section: section, index: index)
        case .pods(let namespace): LiveViews.pods(in: namespace)
        case .objects(let name): LiveViews.objects(name)
        case .contexts(let contexts, let current): LiveViews.contextsSpec(contexts, current: current)
        case .layersPicker(let from): LiveLayers.picker(from: from)
        case .diffPicker(let proxy): DiffScreen.pickerSpec(proxy)
        case .messages(let log): MessageViews.spec(log)
        case .namespacePicker: LiveViews.namespacePickerSpec
        }
    }
}

/// A view as a value: the registry it belongs to and its id; ``spec`` is the code.
public struct ViewRef: Sendable {
    public var registry: ViewRegistry
    public var id: ViewID

    public init(_ id: ViewID, in registry: ViewRegistry) {
        self.registry = registry
        self.id = id
    }

    public var spec: TableViewSpec { registry.spec(id) }
}
