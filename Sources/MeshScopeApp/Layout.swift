import TerminalUI

/// Where each part of the screen goes for a given size; shared by `view` (to paint) and
/// `update` (to know page heights), so both agree.
public struct ScreenLayout: Sendable, Equatable {
    public static let minimum = Size(width: 40, height: 10)
    public static let headerHeight = 3

    public var header: Rect
    public var prompt: Rect?
    public var main: Rect
    public var tabs: Rect?
    /// Inside the frame, below the tabs bar.
    public var content: Rect
    public var crumbs: Rect
    public var hints: Rect

    public init(size: Size, prompt hasPrompt: Bool, tabs hasTabs: Bool) {
        var rest = Rect(size: size)
        (header, rest) = rest.splitTop(ScreenLayout.headerHeight)
        if hasPrompt {
            let p: Rect
            (p, rest) = rest.splitTop(1)
            prompt = p
        } else {
            prompt = nil
        }
        (rest, hints) = rest.splitBottom(1)
        (main, crumbs) = rest.splitBottom(1)
        var inner = main.inset(1)
        if hasTabs {
            let t: Rect
            (t, inner) = inner.splitTop(1)
            tabs = t
        } else {
            tabs = nil
        }
        content = inner
    }

    public static func isTooSmall(_ size: Size) -> Bool { size.width < minimum.width || size.height < minimum.height }
}

extension AppState {
    var layout: ScreenLayout {
        var hasTabs = false
        if case .tabs = top?.content { hasTabs = true }
        return ScreenLayout(size: size, prompt: promptEditor != nil, tabs: hasTabs)
    }

    var promptEditor: LineEditor? {
        switch mode {
        case .command(let e), .filter(let e), .search(let e): e
        default: nil
        }
    }

    /// Rows of data a page shows in the focused content.
    var pageHeight: Int {
        let h = layout.content.height
        if case .table = focused { return max(1, h - 1) }
        return max(1, h)
    }

    /// The innermost content: the top screen's, or its active tab's.
    public var focused: Content? {
        guard let c = top?.content else { return nil }
        if case .tabs(let t) = c { return t.current }
        return c
    }

    mutating func updateFocused(_ f: (inout Content) -> Void) {
        guard var screen = stack.popLast() else { return }
        if case .tabs(var t) = screen.content {
            if var c = t.pages[t.active].built {
                f(&c)
                t.pages[t.active].built = c
            }
            screen.content = .tabs(t)
        } else {
            f(&screen.content)
        }
        stack.append(screen)
    }
}
