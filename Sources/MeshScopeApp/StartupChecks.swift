import Foundation
import TerminalUI

/// What is checked before the screen is taken: a mistake in a flag or the key file is one
/// line on stderr and exit status 2, instead of a flash nobody reads on a screen that starts
/// anyway.
///
/// ```
/// $ meshscope --theme /nonexistent.yaml
/// meshscope: --theme /nonexistent.yaml: no such theme file
/// $ echo $?
/// 2
/// ```
public enum StartupChecks {
    /// `--theme NAME|PATH`: a theme that exists and parses (nil: nothing asked on the command line).
    public static func theme(_ name: String?, environment: [String: String]) throws(TUIError) {
        guard let name, !name.isEmpty else { return }
        let loader = ThemeLoader(environment: environment)
        guard let path = loader.locate(name) else {
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
                throw TUIError(.usage, "--theme \(name): no such theme file")
            }
            throw TUIError(.usage, "--theme \(name): no such theme; available: \(loader.availableNames().joined(separator: ", ")) (or a path to a .yaml file)")
        }
        do {
            _ = try loader.loadFile(path)
        } catch {
            throw TUIError(.usage, "--theme \(name): \(error)")
        }
    }

    /// `$XDG_CONFIG_HOME/meshscope/keys.yaml`, read and checked.
    public static func keymap(environment: [String: String]) throws(TUIError) -> Keymap {
        do {
            return try Keymap.load(environment: environment)
        } catch {
            throw TUIError(.usage, error.description)
        }
    }

    /// `--view NAME` against the views the source offers.
    public static func view(_ name: String?, in registry: ViewRegistry) throws(TUIError) {
        guard let name, registry.find(name) == nil, registry.group(name) == nil else { return }
        throw TUIError(.usage, "--view \(name): no such view here; the views: \(registry.commandNames.joined(separator: ", "))")
    }

    /// The views of a live source, cluster, demo or snapshot (what `--view` is checked against).
    public static var liveRegistry: ViewRegistry { LiveViews.registry() }
}
