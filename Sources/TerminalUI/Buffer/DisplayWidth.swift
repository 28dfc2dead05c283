import MeshBase

/// How many terminal columns text takes, for widgets: the TUI's name for MeshBase's
/// ``TerminalText`` widths, so the CLI's tables and the cell buffer measure alike.
///
/// Widths go by grapheme cluster: a flag (two regional indicators) is 2, `❤️` (U+2764 with
/// the emoji selector U+FE0F) is 2, `e` + U+0301 is 1, CJK is 2. A cluster that starts with a
/// control character counts 1 (the cell buffer shows it as `?`). The curses backend
/// double-checks each non-ASCII character against the C library's `wcwidth` before writing it.
///
/// ```swift
/// DisplayWidth.of("a")          // 1
/// DisplayWidth.of("界")         // 2
/// DisplayWidth.of("\u{301}")    // 0 (combining acute accent)
/// DisplayWidth.of("日本語ok")    // 8
/// DisplayWidth.of("🇩🇪")         // 2
/// ```
public enum DisplayWidth {
    /// Width of one scalar; -1 for control characters (which are not printed as-is).
    @inline(__always)
    public static func of(_ s: Unicode.Scalar) -> Int { TerminalText.width(of: s) }

    /// Width of a string as the cell buffer lays it out, cluster by cluster.
    @inline(__always)
    public static func of(_ text: String) -> Int { TerminalText.width(of: text) }

    /// Width of one grapheme cluster.
    @inline(__always)
    public static func of(grapheme c: Character) -> Int { TerminalText.width(of: c) }
}
