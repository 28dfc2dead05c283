import CNcurses
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The curses backend: starts ncursesw on the process's terminal, writes planned runs
/// of cells, reads keys, applies resizes, and restores the terminal. Every call runs on
/// ``TerminalActor``.
///
/// The terminal is restored by ``stop()``, and also, without any Swift code running, by
/// the shim's `atexit` handler and its SIGINT/SIGTERM/SIGHUP/SIGQUIT and crash-signal
/// handlers (they call `endwin` and then die of the same signal).
@TerminalActor
public final class CursesTerminal {
    public private(set) var size: Size
    public let options: TerminalOptions
    /// Read end of the SIGWINCH self-pipe (poll it beside stdin).
    public nonisolated let resizeFD: Int32
    private var pairs: [UInt32: Int32] = [:]
    private var nextPair: Int32 = 1
    private let colorCount: Int
    private let maxPairs: Int
    private var active = true
    private var needsClear = false

    /// Checks that there is a usable terminal, then enters curses mode.
    public init(options: TerminalOptions, environment: [String: String]) throws(TerminalError) {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw TerminalError("the terminal UI needs a terminal, but standard \(isatty(0) == 1 ? "output" : "input") is not one; use a headless command instead (see meshscope --help)")
        }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else {
            throw TerminalError("TERM is \(environment["TERM"].map { "\"\($0)\"" } ?? "not set"): the terminal UI needs a terminal type with cursor addressing, e.g. TERM=xterm-256color")
        }
        _ = ms_setup_locale()
        resizeFD = ms_install_handlers()
        guard ms_start() == 0 else {
            throw TerminalError("TERM=\(term): unknown terminal type (no terminfo entry found); try TERM=xterm-256color")
        }
        self.options = options
        raw()
        noecho()
        nonl()
        let scr = ms_stdscr()
        keypad(scr, true)
        nodelay(scr, true)
        intrflush(scr, false)
        leaveok(scr, true)
        curs_set(0)
        set_escdelay(25)
        if !options.noColor && has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(ms_colors())
            maxPairs = Int(ms_color_pairs())
        } else {
            colorCount = 0
            maxPairs = 0
        }
        if options.mouse {
            mousemask(mmask_t(ms_mouse_all()), nil)
            mouseinterval(0)
        }
        var rows: Int32 = 0, cols: Int32 = 0
        ms_getmaxyx(scr, &rows, &cols)
        size = Size(width: Int(cols), height: Int(rows))
    }

    /// Writes a frame's runs and flushes them to the terminal.
    public func present(_ plan: FramePlan) {
        guard active else { return }
        if needsClear {
            clearok(ms_stdscr(), true)
            needsClear = false
        }
        var buffer: [UInt32] = []
        for run in plan.runs {
            let (attrs, pair) = attributes(run.style)
            if let tail = run.tail {
                var chars = Self.cluster(run.scalars[0], tail, columns: run.columns)
                _ = ms_put(Int32(run.y), Int32(run.x), &chars, Int32(chars.count), attrs, pair)
                continue
            }
            buffer.removeAll(keepingCapacity: true)
            for s in run.scalars {
                if s < 0x80 {
                    buffer.append(s)
                    continue
                }
                // Agree with the C library on widths, or the cursor drifts: substitute.
                let ours = DisplayWidth.of(Unicode.Scalar(s) ?? "?")
                let theirs = Int(ms_wcwidth(s))
                if ours == theirs {
                    buffer.append(s)
                } else if ours == 2 {
                    buffer.append(0x3F)
                    buffer.append(0x20)
                } else {
                    buffer.append(0x3F)
                }
            }
            _ = ms_put(Int32(run.y), Int32(run.x), &buffer, Int32(buffer.count), attrs, pair)
        }
        refresh()
    }

    /// What to hand curses for one grapheme cluster so that curses, the terminal and the
    /// cell buffer agree on where the next cell starts: the whole cluster when the C
    /// library's widths of its scalars add up to the columns the buffer gave it (a flag's
    /// two regional indicators: 1 + 1), padded with blanks when they add up to fewer (`❤️`:
    /// glibc says 1, Unicode's emoji presentation 2; curses keeps the selector on the heart),
    /// and `?` padded when the C library cannot print a scalar or counts more columns.
    nonisolated static func cluster(_ base: UInt32, _ tail: String, columns: Int, wcwidth: (UInt32) -> Int = { Int(ms_wcwidth($0)) }) -> [UInt32] {
        var chars = [base]
        chars.append(contentsOf: tail.unicodeScalars.lazy.map(\.value))
        var sum = 0
        for c in chars {
            let w = wcwidth(c)
            if w < 0 {
                sum = Int.max
                break
            }
            sum += w
        }
        if sum == 0 || sum > columns { chars = [0x3F]; sum = 1 }
        chars.append(contentsOf: repeatElement(0x20, count: max(0, columns - sum)))
        return chars
    }

    private func attributes(_ style: Style) -> (UInt32, Int32) {
        var a: UInt32 = 0
        let s = style.attrs
        if s.contains(.bold) { a |= ms_a_bold() }
        if s.contains(.dim) { a |= ms_a_dim() }
        if s.contains(.underline) { a |= ms_a_underline() }
        if s.contains(.reverse) { a |= ms_a_reverse() }
        if s.contains(.italic) { a |= ms_a_italic() }
        if s.contains(.blink) { a |= ms_a_blink() }
        return (a, pair(style.fg, style.bg))
    }

    /// The colour pair for (fg, bg), allocated on first use; 0 when colours are off or
    /// the terminal's pairs run out.
    private func pair(_ fg: Color, _ bg: Color) -> Int32 {
        guard colorCount > 0 else { return 0 }
        let f = curses(fg), b = curses(bg)
        if f == -1 && b == -1 { return 0 }
        let key = UInt32(UInt16(bitPattern: Int16(f))) << 16 | UInt32(UInt16(bitPattern: Int16(b)))
        if let p = pairs[key] { return p }
        guard Int(nextPair) < maxPairs else { return 0 }
        let p = nextPair
        nextPair += 1
        _ = ms_init_pair(p, f, b)
        pairs[key] = p
        return p
    }

    /// A palette index the terminal has: 256-colour indices fold to the 16 or 8 basic
    /// colours on smaller terminals.
    private func curses(_ c: Color) -> Int32 {
        guard case .indexed(let v) = c else { return -1 }
        if Int(v) < colorCount { return Int32(v) }
        return Int32(Palette.nearestBasic(v, count: colorCount >= 16 ? 16 : 8))
    }

    /// Reads every key waiting (never blocks).
    public func readInput() -> [InputEvent] {
        guard active else { return [] }
        var raws: [KeyDecoder.Raw] = []
        var mice: [MouseEvent] = []
        var ch: UInt32 = 0
        while true {
            let rc = ms_get_wch(&ch)
            if rc == ERR { break }
            let isCode = rc == KEY_CODE_YES
            if isCode && ch == KeyDecoder.Code.mouse {
                if let m = readMouse() { mice.append(m) }
                continue
            }
            if isCode && ch == KeyDecoder.Code.resize { continue }
            raws.append(KeyDecoder.Raw(isKeyCode: isCode, value: ch))
        }
        return KeyDecoder.decode(raws).map { .key($0) } + mice.map { .mouse($0) }
    }

    private func readMouse() -> MouseEvent? {
        var y: Int32 = 0, x: Int32 = 0
        var b: UInt = 0
        guard ms_getmouse(&y, &x, &b) == 0 else { return nil }
        let (px, py) = (Int(x), Int(y))
        if b & ms_button4_pressed() != 0 { return MouseEvent(.scrollUp, x: px, y: py) }
        if ms_button5_pressed() != 0 && b & ms_button5_pressed() != 0 { return MouseEvent(.scrollDown, x: px, y: py) }
        if b & ms_button1_double() != 0 { return MouseEvent(.doubleClick, x: px, y: py) }
        if b & ms_button1_clicked() != 0 { return MouseEvent(.click, x: px, y: py) }
        if b & ms_button1_pressed() != 0 { return MouseEvent(.press, x: px, y: py) }
        return nil
    }

    /// Applies the terminal's current size (after SIGWINCH). The next frame is full.
    public func applyResize() -> Size {
        _ = ms_drain_winch()
        var rows: Int32 = 0, cols: Int32 = 0
        if ms_terminal_size(&rows, &cols) == 0 {
            resizeterm(rows, cols)
        }
        ms_getmaxyx(ms_stdscr(), &rows, &cols)
        size = Size(width: Int(cols), height: Int(rows))
        needsClear = true
        return size
    }

    /// Ctrl-Z: hands the terminal back and stops like any job; returns after `fg` with the
    /// size as it is now (the next frame must be full).
    public func suspend() -> Size {
        guard active else { return size }
        ms_suspend()
        return applyResize()
    }

    /// Writes bytes straight to the terminal (OSC 52 clipboard), after curses' output.
    public func writeRaw(_ bytes: [UInt8]) {
        refresh()
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(1, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }

    /// Leaves curses mode and restores the terminal (idempotent).
    public func stop() {
        guard active else { return }
        active = false
        if options.mouse { mousemask(0, nil) }
        ms_restore_terminal()
    }
}
