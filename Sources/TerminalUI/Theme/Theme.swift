/// A named set of styles, one per ``Role``.
///
/// ```swift
/// let theme = Theme.defaultDark
/// buf.put("NAME", x: 0, y: 0, style: theme[.tableHeader])
/// ```
public struct Theme: Sendable, Equatable {
    public var name: String
    private var styles: [Style]

    public init(name: String, styles: [Role: Style], fallback: Theme? = nil) {
        self.name = name
        self.styles = Role.allCases.map { styles[$0] ?? fallback?[$0] ?? .plain }
    }

    public subscript(role: Role) -> Style {
        get { styles[Role.allCases.firstIndex(of: role)!] }
        set { styles[Role.allCases.firstIndex(of: role)!] = newValue }
    }

    /// Every role with colours removed and attributes kept: how `NO_COLOR` is honoured.
    /// A role that stood out by its background (selection, active tab, matches) gets
    /// reverse video instead, so it still stands out.
    public var withoutColor: Theme {
        var t = self
        let baseBackground = self[.text].bg
        t.styles = styles.map { s in
            var plain = s.withoutColor
            if s.bg != .default && s.bg != baseBackground { plain.attrs.insert(.reverse) }
            return plain
        }
        return t
    }

    /// The built-in default (a copy of `themes/default-dark.yaml`, so a missing themes
    /// directory still gives a working UI).
    public static let defaultDark: Theme = {
        do {
            return try ThemeParser.parse(BuiltinThemes.defaultDark, file: "<built-in default-dark>", fallback: nil)
        } catch {
            preconditionFailure("built-in theme does not parse: \(error)")
        }
    }()
}
