import Foundation
import MeshYAML
import Yams

/// Picks and loads the theme: `--theme NAME`, else `$MESHSCOPE_THEME`, else `theme: NAME`
/// in `$XDG_CONFIG_HOME/meshscope/config.yaml`, else `default-dark`. A name is looked up
/// as `NAME.yaml` in the user's `$XDG_CONFIG_HOME/meshscope/themes/`, then in the
/// installed/checked-out `themes/` directories; a path to a `.yaml` file works too.
/// Problems never stop the UI: they come back as warnings and the default is used.
///
/// ```swift
/// let (theme, warnings) = ThemeLoader(environment: ProcessInfo.processInfo.environment).load(requested: "light")
/// ```
public struct ThemeLoader: Sendable {
    public var environment: [String: String]
    /// Directories holding the bundled themes, searched after the user's own.
    public var themeDirectories: [String]

    public init(environment: [String: String], themeDirectories: [String]? = nil) {
        self.environment = environment
        self.themeDirectories = themeDirectories ?? ThemeLoader.bundledDirectories(environment: environment)
    }

    public var configHome: String {
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty { return x }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
    }

    public var userThemeDirectory: String { configHome + "/meshscope/themes" }
    public var configFile: String { configHome + "/meshscope/config.yaml" }

    /// The theme name asked for, and where the request came from (for messages).
    public func requestedName(flag: String?) -> (name: String, origin: String, warnings: [String]) {
        if let flag, !flag.isEmpty { return (flag, "--theme", []) }
        if let env = environment["MESHSCOPE_THEME"], !env.isEmpty { return (env, "$MESHSCOPE_THEME", []) }
        var warnings: [String] = []
        if let text = try? String(contentsOfFile: configFile, encoding: .utf8) {
            do {
                if let root = try BoundedYAML.first(text), let map = root.mapping {
                    for (k, v) in map where k.string == "theme" {
                        if let s = v.scalar?.string, !s.isEmpty { return (s, configFile, []) }
                        warnings.append("\(configFile):\(v.mark?.line ?? 0): theme: expected a theme name")
                    }
                }
            } catch {
                warnings.append("\(configFile):\(error.place.map { "\($0):" } ?? "") not valid YAML: \(error.message)")
            }
        }
        return ("default-dark", "default", warnings)
    }

    /// Loads the theme asked for; on any problem returns the built-in default and says why.
    public func load(requested flag: String?) -> (theme: Theme, warnings: [String]) {
        let (name, origin, w) = requestedName(flag: flag)
        var warnings = w
        guard let path = locate(name) else {
            if name != "default-dark" {
                warnings.append("theme \"\(name)\" (from \(origin)) not found in \(([userThemeDirectory] + themeDirectories).joined(separator: ", ")); using default-dark")
            }
            return (Theme.defaultDark, warnings)
        }
        do {
            return (try loadFile(path), warnings)
        } catch {
            warnings.append("\(error); using default-dark")
            return (Theme.defaultDark, warnings)
        }
    }

    public func loadFile(_ path: String) throws(ThemeError) -> Theme {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "cannot read file")
        }
        return try ThemeParser.parse(text, file: path)
    }

    public func locate(_ name: String) -> String? {
        let fm = FileManager.default
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
            return fm.fileExists(atPath: name) ? name : nil
        }
        for dir in [userThemeDirectory] + themeDirectories {
            for ext in ["yaml", "yml"] {
                let p = "\(dir)/\(name).\(ext)"
                if fm.fileExists(atPath: p) { return p }
            }
        }
        return nil
    }

    /// Names of every theme found (bundled and the user's), sorted.
    public func availableNames() -> [String] {
        var names = Set<String>()
        for dir in [userThemeDirectory] + themeDirectories {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".yaml") {
                names.insert(String(f.dropLast(5)))
            }
        }
        names.insert("default-dark")
        return names.sorted()
    }

    /// Where bundled themes live: `$MESHSCOPE_THEMES_DIR`, next to the executable
    /// (`themes/`, `../share/meshscope/themes`), and the source checkout this was built from.
    public static func bundledDirectories(environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let d = environment["MESHSCOPE_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(exe.appendingPathComponent("themes").path)
        dirs.append(exe.deletingLastPathComponent().appendingPathComponent("share/meshscope/themes").path)
        let checkout = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes")
        dirs.append(checkout.path)
        return dirs
    }
}
