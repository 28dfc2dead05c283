import ArgumentParser
import MeshModel

/// The `meshscope` command tree. Every subcommand is the headless face of a view.
public struct MeshScope: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "meshscope",
        abstract: "An interactive debugging terminal for Istio/Envoy service meshes.",
        discussion: LimitFlags.helpText,
        version: MeshScopeVersion.text,
        subcommands: MeshScope.subcommandTypes,
        defaultSubcommand: TUICommand.self
    )

    public init() {}

    static let subcommandTypes: [any ParsableCommand.Type] = [
        TUICommand.self,
        ProxyConfigCommand.self,
        StatsCommand.self,
        CertsCommand.self,
        ZtunnelConfigCommand.self,
        ProxyStatusCommand.self,
        GenerateCommand.self,
        LayersCommand.self,
        GetCommand.self,
        ApplyCommand.self,
        AdminCommand.self,
        DiffCommand.self,
        SnapshotCommand.self,
        FlowsCommand.self,
        TopCommand.self,
        LogLevelCommand.self,
    ] + MeshScope.liveCommands
}
