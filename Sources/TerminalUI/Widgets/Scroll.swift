/// Keeps a cursor inside a scrolled viewport.
///
/// ```swift
/// Scroll.top(selected: 50, top: 0, height: 20, count: 100)   // 31: selection on the last row
/// ```
public enum Scroll {
    public static func top(selected: Int, top: Int, height: Int, count: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var t = top
        if selected < t { t = selected }
        if selected >= t + height { t = selected - height + 1 }
        return max(0, min(t, max(0, count - height)))
    }

    public static func clamp(_ i: Int, count: Int) -> Int { count == 0 ? 0 : max(0, min(i, count - 1)) }
}
