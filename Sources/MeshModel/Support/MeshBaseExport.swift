// MeshModel's API speaks MeshBase's types (its views are `Table`s, its readers take
// `InputLimits`, its printers escape with `TerminalText`), so importing MeshModel brings
// them along: callers name one module, and MeshBase stays free of mesh knowledge.
@_exported import MeshBase
