import MeshModel
import TerminalUI

/// One visible line of a folded JSON tree.
public struct JSONLine: Sendable {
    public enum Kind: Sendable, Equatable { case open, close, scalar, folded }
    public var kind: Kind
    public var depth: Int
    /// Member name, or nil for array elements and the root.
    public var key: String?
    public var value: JSONValue
    public var comma: Bool

    /// Tape index of the value (of the container, for `open`/`close`/`folded`).
    public var node: Int { value.index }
}

/// A JSON document shown as a tree with folding and search (the raw-config pane). It lives in
/// MeshScopeApp, not TerminalUI, because it walks MeshModel's JSON tape (``JSONValue``).
///
/// Folding state is a set of collapsed containers (by tape index); the visible lines are
/// rebuilt when it changes, skipping folded subtrees in O(1) each, so a 50 MB dump with
/// its sections folded is a few hundred lines.
///
/// ```swift
/// var pane = JSONPaneState(root: doc.root)
/// pane.moveCursor(by: 1, height: 20)
/// pane.toggle()                               // fold or unfold the container under the cursor
/// pane.search(try TextMatcher("outbound"))    // unfolds the path to the first hit
/// ```
public struct JSONPaneState: Sendable {
    public let root: JSONValue
    public private(set) var collapsed: Set<Int>
    public private(set) var lines: [JSONLine] = []
    public private(set) var cursor: Int = 0
    public var top: Int = 0
    public private(set) var matcher: TextMatcher?
    /// Search hits in document order: the value node and its ancestor containers.
    public private(set) var hits: [(node: Int, ancestors: [Int])] = []
    public private(set) var currentHit: Int?
    /// `w`: long lines wrap onto the rows below instead of being cut with `…`.
    public var wrap = false

    /// Opens with everything expanded when the value is small, else only the first
    /// `depth` levels.
    public init(root: JSONValue, expandedDepth: Int = 2, expandAllBelowBytes: Int = 32_768) {
        self.root = root
        self.collapsed = []
        if root.rawBytes.count > expandAllBelowBytes {
            var c = Set<Int>()
            JSONPaneState.collectContainers(root, depth: 0, minDepth: expandedDepth, into: &c)
            collapsed = c
        }
        rebuild()
    }

    static func collectContainers(_ v: JSONValue, depth: Int, minDepth: Int, into set: inout Set<Int>) {
        guard v.isObject || v.isArray, !v.isEmpty else { return }
        if depth >= minDepth {
            set.insert(v.index)
            return  // descendants stay collapsed state-less: unfolding shows them expanded one level
        }
        if v.isObject {
            for (_, m) in v.members { collectContainers(m, depth: depth + 1, minDepth: minDepth, into: &set) }
        } else {
            for e in v.elements { collectContainers(e, depth: depth + 1, minDepth: minDepth, into: &set) }
        }
    }

    public var currentLine: JSONLine? { lines.indices.contains(cursor) ? lines[cursor] : nil }

    mutating func rebuild() {
        var out: [JSONLine] = []
        walk(root, key: nil, depth: 0, comma: false, into: &out)
        lines = out
        cursor = Scroll.clamp(cursor, count: lines.count)
    }

    private func walk(_ v: JSONValue, key: String?, depth: Int, comma: Bool, into out: inout [JSONLine]) {
        guard (v.isObject || v.isArray), !v.isEmpty else {
            out.append(JSONLine(kind: .scalar, depth: depth, key: key, value: v, comma: comma))
            return
        }
        if collapsed.contains(v.index) {
            out.append(JSONLine(kind: .folded, depth: depth, key: key, value: v, comma: comma))
            return
        }
        out.append(JSONLine(kind: .open, depth: depth, key: key, value: v, comma: false))
        if v.isObject {
            var pending: (String, JSONValue)?
            for (k, m) in v.members {
                if let p = pending { walk(p.1, key: p.0, depth: depth + 1, comma: true, into: &out) }
                pending = (k, m)
            }
            if let p = pending { walk(p.1, key: p.0, depth: depth + 1, comma: false, into: &out) }
        } else {
            var pending: JSONValue?
            for e in v.elements {
                if let p = pending { walk(p, key: nil, depth: depth + 1, comma: true, into: &out) }
                pending = e
            }
            if let p = pending { walk(p, key: nil, depth: depth + 1, comma: false, into: &out) }
        }
        out.append(JSONLine(kind: .close, depth: depth, key: nil, value: v, comma: comma))
    }

    public mutating func moveCursor(by n: Int, height: Int) {
        cursor = Scroll.clamp(cursor + n, count: lines.count)
        top = Scroll.top(selected: cursor, top: top, height: height, count: lines.count)
    }

    public mutating func moveCursor(to n: Int, height: Int) { moveCursor(by: n - cursor, height: height) }

    /// Folds an open container (or the one a closing bracket ends), unfolds a folded one.
    public mutating func toggle() {
        guard let line = currentLine else { return }
        switch line.kind {
        case .open, .close: fold(line.node)
        case .folded: unfold(line.node)
        case .scalar: break
        }
    }

    /// `l`/→: unfold the container under the cursor.
    public mutating func expand() {
        guard let line = currentLine, line.kind == .folded else { return }
        unfold(line.node)
    }

    /// `h`/←: fold the container under the cursor; on anything else, jump to its parent.
    public mutating func collapse() {
        guard let line = currentLine else { return }
        if line.kind == .open || line.kind == .close {
            fold(line.node)
            return
        }
        var i = cursor - 1
        while i >= 0 {
            if lines[i].kind == .open && lines[i].depth < line.depth {
                cursor = i
                return
            }
            i -= 1
        }
    }

    public mutating func expandAll() {
        let node = currentLine?.node
        collapsed = []
        rebuild()
        if let node, let i = lines.firstIndex(where: { $0.node == node }) { cursor = i }
    }

    public mutating func collapseAll() {
        var c = Set<Int>()
        JSONPaneState.collectContainers(root, depth: 0, minDepth: 1, into: &c)
        collapsed = c
        cursor = 0
        top = 0
        rebuild()
    }

    private mutating func fold(_ node: Int) {
        collapsed.insert(node)
        rebuild()
        if let i = lines.firstIndex(where: { $0.node == node }) { cursor = i }
    }

    private mutating func unfold(_ node: Int) {
        collapsed.remove(node)
        rebuild()
        if let i = lines.firstIndex(where: { $0.node == node }) { cursor = i }
    }

    /// Searches keys and scalar values (folded parts too); jumps to the first hit after the cursor.
    public mutating func search(_ m: TextMatcher?, height: Int) {
        matcher = m
        hits = []
        currentHit = nil
        guard let m, !m.isEmpty else { return }
        var found: [(Int, [Int])] = []
        var stack: [Int] = []
        JSONPaneState.find(root, key: nil, matcher: m, stack: &stack, into: &found)
        hits = found.map { (node: $0.0, ancestors: $0.1) }
        guard !hits.isEmpty else { return }
        let here = currentLine?.node ?? 0
        currentHit = (hits.firstIndex { $0.node >= here } ?? 0) - 1
        nextHit(forward: true, height: height)
    }

    static func find(_ v: JSONValue, key: String?, matcher: TextMatcher, stack: inout [Int], into out: inout [(Int, [Int])]) {
        let keyHit = key.map { matcher.matches($0) } ?? false
        if v.isObject || v.isArray {
            if keyHit { out.append((v.index, stack)) }
            stack.append(v.index)
            if v.isObject {
                for (k, m) in v.members { find(m, key: k, matcher: matcher, stack: &stack, into: &out) }
            } else {
                for e in v.elements { find(e, key: nil, matcher: matcher, stack: &stack, into: &out) }
            }
            stack.removeLast()
        } else if keyHit || matcher.matches(v.rawText) {
            out.append((v.index, stack))
        }
    }

    /// `n` / `N`: the next or previous hit, unfolding its ancestors.
    public mutating func nextHit(forward: Bool, height: Int) {
        guard !hits.isEmpty else { return }
        let k = currentHit.map { forward ? ($0 + 1) % hits.count : ($0 - 1 + hits.count) % hits.count } ?? 0
        currentHit = k
        let hit = hits[k]
        var changed = false
        for a in hit.ancestors where collapsed.contains(a) {
            collapsed.remove(a)
            changed = true
        }
        if changed { rebuild() }
        if let i = lines.firstIndex(where: { $0.node == hit.node }) {
            cursor = i
            top = Scroll.top(selected: cursor, top: max(0, cursor - height / 3), height: height, count: lines.count)
        }
    }

    /// The value under the cursor (for copy / YAML of a subtree).
    public var selectedValue: JSONValue { currentLine?.value ?? root }
}

/// Paints a ``JSONPaneState``: gutter fold markers, coloured keys and values, `{…} N keys`
/// for folded containers, search hits highlighted, the cursor line shaded.
public struct JSONPaneWidget: Sendable {
    public var state: JSONPaneState

    public init(state: JSONPaneState) { self.state = state }

    public func paint(into buf: inout CellBuffer, _ rect: Rect, theme: Theme) {
        buf.fill(rect, style: theme[.text])
        guard rect.height > 0, rect.width > 0 else { return }
        var y = rect.y
        var n = firstLine(rect, &buf, theme: theme)
        while y < rect.maxY, n < state.lines.count {
            y += paintLine(n, into: &buf, rect, y: y, theme: theme, dryRun: false)
            n += 1
        }
    }

    /// The line painted at screen row `y` of `rect` (a click), wrapped or not; nil below the
    /// last line. The same walk as ``paint(into:_:theme:)``, measuring instead of painting.
    public func line(atRow y: Int, _ rect: Rect, theme: Theme) -> Int? {
        guard rect.height > 0, rect.width > 0, y >= rect.y, y < rect.maxY else { return nil }
        var scratch = CellBuffer(size: Size(width: rect.maxX, height: rect.maxY))
        var n = firstLine(rect, &scratch, theme: theme)
        var row = rect.y
        while n < state.lines.count {
            row += state.wrap ? paintLine(n, into: &scratch, rect, y: rect.y, theme: theme, dryRun: true) : 1
            if y < row { return n }
            n += 1
        }
        return nil
    }

    /// The first line on screen: the scroll position, moved down while wrapped lines would
    /// push the cursor's line off the bottom.
    private func firstLine(_ rect: Rect, _ buf: inout CellBuffer, theme: Theme) -> Int {
        var top = Scroll.top(selected: state.cursor, top: state.top, height: rect.height, count: state.lines.count)
        if state.wrap, state.lines.indices.contains(state.cursor) {
            var used = (top...state.cursor).reduce(0) { $0 + paintLine($1, into: &buf, rect, y: rect.y, theme: theme, dryRun: true) }
            while used > rect.height, top < state.cursor {
                used -= paintLine(top, into: &buf, rect, y: rect.y, theme: theme, dryRun: true)
                top += 1
            }
        }
        return top
    }

    /// Paints line `n` from row `y` (or only measures it, `dryRun`) and returns the rows it
    /// takes: one, or with ``JSONPaneState/wrap`` as many as its text needs, continuation
    /// rows indented under the value.
    private func paintLine(_ n: Int, into buf: inout CellBuffer, _ rect: Rect, y startY: Int, theme: Theme, dryRun: Bool) -> Int {
        let line = state.lines[n]
        let isCursor = n == state.cursor
        let shade: (Role) -> Style = { role in isCursor ? theme[role].over(theme[.cursorLine]) : theme[role] }
        let indent = rect.x + min(line.depth * 2 + 2, max(0, rect.width / 2))
        var x = min(rect.x + line.depth * 2, rect.maxX)
        var y = startY
        let maxX = rect.maxX
        if isCursor, !dryRun { buf.fill(rect.row(y - rect.y), style: shade(.text)) }
        func emit(_ s: String, _ role: Role, highlight: Bool = false) {
            guard state.wrap else {
                guard x < maxX, !dryRun else { return }
                let start = x
                x += buf.put(s, x: x, y: y, maxWidth: maxX - x, style: shade(role), ellipsis: true)
                if highlight, let m = state.matcher {
                    for r in m.ranges(in: s) {
                        let before = DisplayWidth.of(String(s[..<r.lowerBound]))
                        guard start + before < maxX else { break }
                        buf.put(String(s[r]), x: start + before, y: y, maxWidth: maxX - start - before, style: theme[.searchMatch])
                    }
                }
                return
            }
            // Wrapping: whole clusters per row, continuing at the indent on the next row.
            let hits = highlight ? (state.matcher?.ranges(in: s) ?? []) : []
            var rest = s[...]
            // Bounded by the screen: a megabyte string costs a screenful of rows, not more.
            while !rest.isEmpty, y - startY <= rect.height {
                if x >= maxX {
                    y += 1
                    x = indent
                    if isCursor, !dryRun, y < rect.maxY { buf.fill(rect.row(y - rect.y), style: shade(.text)) }
                }
                let (end, width) = TextWrap.fit(rest, columns: maxX - x)
                if width > maxX - x, x > indent {
                    x = maxX  // a wide character that does not fit: next row
                    continue
                }
                if !dryRun, y < rect.maxY {
                    buf.put(String(rest[..<end]), x: x, y: y, maxWidth: maxX - x, style: shade(role))
                    for r in hits where r.overlaps(rest.startIndex..<end) {
                        let lo = max(r.lowerBound, rest.startIndex), hi = min(r.upperBound, end)
                        buf.put(String(s[lo..<hi]), x: x + DisplayWidth.of(String(s[rest.startIndex..<lo])), y: y, maxWidth: maxX - x, style: theme[.searchMatch])
                    }
                }
                x += width
                rest = rest[end...]
            }
        }
        let marker: String
        switch line.kind {
        case .open: marker = "▾ "
        case .folded: marker = "▸ "
        default: marker = "  "
        }
        emit(marker, .jsonFold)
        if let key = line.key {
            emit(JSONPaneWidget.quote(key), .jsonKey, highlight: true)
            emit(": ", .jsonPunct)
        }
        let v = line.value
        switch line.kind {
        case .open: emit(v.isObject ? "{" : "[", .jsonPunct)
        case .close: emit(v.isObject ? "}" : "]", .jsonPunct)
        case .folded:
            let n = v.count
            emit(v.isObject ? "{…}" : "[…]", .jsonFold)
            emit(v.isObject ? " \(n) \(n == 1 ? "key" : "keys")" : " \(n) \(n == 1 ? "item" : "items")", .dim)
        case .scalar:
            switch v.kind {
            case .string: emit(String(decoding: v.rawBytes, as: UTF8.self), .jsonString, highlight: true)
            case .number: emit(v.rawText, .jsonNumber, highlight: true)
            case .bool: emit(v.rawText, .jsonBool, highlight: true)
            case .null: emit("null", .jsonNull, highlight: true)
            case .object: emit("{}", .jsonPunct)
            case .array: emit("[]", .jsonPunct)
            }
        }
        if line.comma { emit(",", .jsonPunct) }
        return y - startY + 1
    }

    /// A member name as JSON writes it, through MeshModel's one escaper (the names come from
    /// the document, so they may hold quotes and control characters).
    static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        JSONWriter.appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
