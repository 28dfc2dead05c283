import MeshBase
import MeshYAML
import Yams

/// A theme file that could not be used: where (file, line) and which key.
///
/// ```
/// themes/mine.yaml:12: styles.table.header.fg: unknown colour "blu" (use a name, 0-255, #rrggbb or default)
/// ```
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String
    /// Set for YAML syntax errors, which know the column too.
    public var column: Int? = nil

    public var description: String {
        var s = file
        if let line { s += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        s += ": "
        if let key { s += "\(key): " }
        // Escaped once here: the message and key quote the file's own text.
        return TerminalText.escaped(s + message)
    }
}

/// Reads `themes/*.yaml`:
///
/// ```yaml
/// name: default-dark
/// styles:
///   table.header:   { fg: white, bg: default, attrs: [bold] }
///   table.selected: { fg: black, bg: "#5fafff" }
/// ```
/// Roles a file leaves out come from `fallback` (the built-in default), so a user
/// theme may override only what it cares about. Unknown roles, colours or attributes
/// are errors that name the line and key.
public enum ThemeParser {
    public static func parse(_ yaml: String, file: String, fallback: Theme? = Theme.defaultDark) throws(ThemeError) -> Theme {
        let root: Node?
        do {
            root = try BoundedYAML.first(yaml)
        } catch {
            throw ThemeError(file: file, line: error.line, key: nil, message: "not valid YAML: \(error.message)", column: error.column)
        }
        guard let root, let top = root.mapping else {
            throw ThemeError(file: file, line: root?.mark?.line, key: nil, message: "expected a mapping with `name` and `styles`")
        }
        var name = file
        var styles: [Role: Style] = [:]
        for (k, v) in top {
            let key = k.string ?? ""
            switch key {
            case "name":
                guard let s = v.scalar?.string, !s.isEmpty else {
                    throw ThemeError(file: file, line: v.mark?.line, key: "name", message: "expected a string")
                }
                name = s
            case "description":
                continue
            case "styles":
                guard let m = v.mapping else {
                    throw ThemeError(file: file, line: v.mark?.line, key: "styles", message: "expected a mapping of role: {fg, bg, attrs}")
                }
                for (rk, rv) in m {
                    let roleName = rk.string ?? ""
                    guard let role = Role(rawValue: roleName) else {
                        throw ThemeError(file: file, line: rk.mark?.line, key: "styles.\(roleName)",
                                         message: "unknown role (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    styles[role] = try style(rv, key: "styles.\(roleName)", file: file)
                }
            default:
                throw ThemeError(file: file, line: k.mark?.line, key: key, message: "unknown key (expected name, description, styles)")
            }
        }
        return Theme(name: name, styles: styles, fallback: fallback)
    }

    static func style(_ node: Node, key: String, file: String) throws(ThemeError) -> Style {
        guard let m = node.mapping else {
            throw ThemeError(file: file, line: node.mark?.line, key: key, message: "expected {fg: COLOUR, bg: COLOUR, attrs: [bold, ...]}")
        }
        var style = Style()
        for (k, v) in m {
            let field = k.string ?? ""
            let fieldKey = "\(key).\(field)"
            switch field {
            case "fg", "bg":
                guard let text = v.scalar?.string, let c = ColorParser.parse(text) else {
                    throw ThemeError(file: file, line: v.mark?.line, key: fieldKey,
                                     message: "unknown colour \"\(v.scalar?.string ?? "?")\" (use a name, 0-255, #rrggbb or default)")
                }
                if field == "fg" { style.fg = c } else { style.bg = c }
            case "attrs":
                let names: [Node]
                if let seq = v.sequence { names = Array(seq) } else { names = [v] }
                for n in names {
                    let words = (n.scalar?.string ?? "").split(whereSeparator: { $0 == "," || $0 == " " })
                    for w in words {
                        guard let a = Attributes.byName.first(where: { $0.0 == w.lowercased() }) else {
                            throw ThemeError(file: file, line: n.mark?.line, key: fieldKey,
                                             message: "unknown attribute \"\(w)\" (known: \(Attributes.byName.map(\.0).joined(separator: ", ")))")
                        }
                        style.attrs.insert(a.1)
                    }
                }
            default:
                throw ThemeError(file: file, line: k.mark?.line, key: fieldKey, message: "unknown field (expected fg, bg, attrs)")
            }
        }
        return style
    }
}
