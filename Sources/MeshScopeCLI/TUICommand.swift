import ArgumentParser
import Foundation
import MeshScopeApp

/// `meshscope [tui] --file DUMP`: the interactive terminal UI (also what `meshscope`
/// with no subcommand runs).
public struct TUICommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Browse mesh state interactively (the default command).",
        discussion: "Keys: : command, / filter, Enter open, Esc back, ? help, Ctrl-C quit. See docs/tui.md."
    )

    @Option(name: [.short, .long], help: "An Envoy /config_dump (or any JSON file) to browse. Re-read when it changes.")
    var file: String?

    @Option(help: "Theme name (default-dark, light, solarized-dark, high-contrast, monochrome, or a user theme) or a .yaml path.")
    var theme: String?

    @Flag(help: "Report mouse clicks and the wheel (off by default so terminal selection keeps working).")
    var mouse = false

    @Option(help: "Seconds between source refreshes.")
    var refresh: Double = 2

    public init() {}

    public func validate() throws {
        guard refresh > 0 else { throw ValidationError("--refresh must be a positive number of seconds") }
    }

    public func run() async throws {
        do {
            try await TUI.run(TUIOptions(file: file, theme: theme, mouse: mouse, refreshInterval: refresh))
        } catch {
            switch error.kind {
            case .badInput: throw CLIError(.badInput, error.message)
            case .usage: throw CLIError(.usage, error.message)
            case .unavailable: throw CLIError(.unavailable, error.message)
            }
        }
    }
}
