/// A resource as a config dump lists it, inside the wrapper Envoy writes around every xDS
/// resource (`{"version_info": ..., "cluster": {...}, "last_updated": ...}`): the wrapper's
/// stamps are read here, once, for every section.
///
/// ```swift
/// dump.clusters[0].versionInfo   // "2024-05-01T10:00:00Z/42": the push that delivered it
/// dump.clusters[0].lastUpdated   // "2024-05-01T10:00:01.123Z"
/// ```
public protocol EnvoyDumpEntry {
    /// The wrapper as in the dump.
    var entry: JSONValue { get }
    /// `last_updated`: when Envoy accepted the resource (a rejected listener says when it tried).
    var lastUpdated: String? { get }
}

extension EnvoyDumpEntry {
    /// `version_info`: the xDS version (istiod's push) that delivered the resource.
    public var versionInfo: String? { entry["version_info"]?.string }

    public var lastUpdated: String? { entry["last_updated"]?.string }
}
