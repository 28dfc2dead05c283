import MeshScopeApp
import TerminalUI

/// Files a user writes for the TUI: `keys.yaml` (through the reader and the keymap's own
/// checks) and a `--theme` file. Either loads or fails with one safe line naming the file.
extension FuzzTargets {
    static func userFiles() -> FuzzTarget {
        FuzzTarget(name: .userFiles, seeds: Seeds.userFiles.map { FuzzCase($0) }, formats: [.yaml], iterations: 300) { c in
            var o = FuzzOutcome()
            let text = String(decoding: c.parts[0], as: UTF8.self)
            do {
                _ = try Keymap.standard.rebound(try KeyFile.parse(text, file: "keys.yaml"), file: "keys.yaml")
            } catch {
                let line = String(describing: error)
                checkErrorLine(line, "keys.yaml", into: &o)
                if !line.hasPrefix("keys.yaml") { o.problem("keys.yaml: error without the file's name: \(line.prefix(200))") }
            }
            do {
                _ = try ThemeParser.parse(text, file: "theme.yaml")
            } catch {
                let line = String(describing: error)
                checkErrorLine(line, "theme", into: &o)
                if !line.hasPrefix("theme.yaml") { o.problem("theme: error without the file's name: \(line.prefix(200))") }
            }
            return o
        }
    }
}

extension Seeds {
    /// Key files in the shapes docs/tui.md shows (a key, a list, a clash), and a theme.
    static let userFiles: [[UInt8]] = [
        "# rebindings\nsnapshot: ctrl-t\napply: [a, ctrl-a]\ndown: [j, down, ctrl-n]\n",
        "snapshot: ctrl-s\nquit: [q, ctrl-c]\nfilter: /\n",
        "snapshot: x\nnoSuchBinding: y\n",
        """
        name: fuzz
        styles:
          text:         { fg: default, bg: default }
          dim:          { fg: 245 }
          border:       { fg: "#5f87d7" }
          header.label: { fg: orange }
          table.selected: { fg: black, bg: "#5fd7ff", attrs: [bold, underline] }
        """,
    ].map { Array($0.utf8) }
}
