import ArgumentParser
import MeshModel

/// `-o table|wide|json|yaml`, shared by every view command.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, wide, json, yaml
    /// istioctl's name for the default table.
    case short
}

public struct OutputOptions: ParsableArguments, Sendable {
    @Option(name: [.short, .long], help: "Output format: table, wide, json or yaml.")
    public var output: OutputFormat = .table

    public init() {}

    public var isWide: Bool { output == .wide }

    /// Prints a view: the table for table/wide, the structured form for json/yaml.
    ///
    /// `jsonIndent` and `keyStyle` follow what istioctl prints for the same view.
    public func emit(table: @autoclosure () -> Table, data: @autoclosure () -> JSONTree, jsonIndent: Int = 2, keyStyle: KeyStyle = .preserve) {
        let console = Console.current
        switch output {
        case .table, .short: console.write(table().render(wide: false))
        case .wide: console.write(table().render(wide: true))
        case .json: console.write(JSONWriter.bytes(data(), indent: jsonIndent, keyStyle: keyStyle))
        case .yaml: console.write(YAMLWriter.string(data(), keyStyle: keyStyle))
        }
    }
}
