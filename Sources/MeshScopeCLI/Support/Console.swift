#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MeshModel

/// Where command output goes: the process's stdout/stderr, or buffers in tests.
///
/// Commands never call `print`; they write through `Console.current`, so the same
/// command runs in-process under test with its output captured.
public final class Console: @unchecked Sendable {
    @TaskLocal public static var current = Console.standard

    public static let standard = Console(capture: false)

    private let capture: Bool
    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []
    /// Bytes given to the command as standard input when captured.
    public var stdinBytes: [UInt8]?

    public init(capture: Bool, stdin: [UInt8]? = nil) {
        self.capture = capture
        self.stdinBytes = stdin
    }

    public var isTerminal: Bool { !capture && isatty(1) == 1 }

    /// Writes text output (tables, text views, YAML, help). Whatever the data held, what
    /// reaches the stream has no control character but newline and tab, no C1 control and no
    /// bidi override: they are escaped (``TerminalText/escaped(_:keepLayout:)``, `\u001b`
    /// style), to a terminal or not, as kubectl does. Tables and YAML are already inert (they
    /// escape in their own syntax), so for them this is one scan that changes nothing.
    public func write(_ s: String) { put(Array(TerminalText.escaped(s, keepLayout: true).utf8)) }

    /// Writes text that carries colours of its own (a coloured diff, the `--watch` redraw):
    /// SGR colour sequences pass, every other control character is escaped as in ``write(_:)-(String)``.
    public func writeStyled(_ s: String) { put(Array(TerminalText.escapedKeepingColors(s).utf8)) }

    /// Writes meshscope's own terminal control (the `--watch` redraw's cursor home and
    /// clear-below) as is: the caller escapes any data it puts in between.
    public func writeControl(_ s: String) { put(Array(s.utf8)) }

    /// Writes bytes as they are (`-o json`, raw admin output) when standard output is a
    /// file or a pipe; to a terminal they are made inert like text (invalid UTF-8 shows as
    /// U+FFFD, control characters but newline and tab escaped).
    public func write(_ bytes: [UInt8]) {
        put(isTerminal ? TerminalText.escaped(bytes: bytes) : bytes)
    }

    private func put(_ bytes: [UInt8]) {
        if capture {
            lock.withLock { out.append(contentsOf: bytes) }
        } else {
            Console.writeAll(1, bytes)
        }
    }

    /// Writes one error line to stderr: a message is always one line, whatever it quotes
    /// from the data (a parser's multi-line message, a name with ESC in it): newlines, tabs
    /// and every other control or bidi character are escaped (`\n`, `\u001b`).
    public func error(_ s: String) {
        var line = Substring(s)
        if line.hasSuffix("\n") { line = line.dropLast() }
        errorText(TerminalText.escaped(String(line)) + "\n")
    }

    /// Writes text of several lines to stderr (ArgumentParser's usage message), made
    /// inert with its newlines and tabs kept.
    public func errorBlock(_ s: String) {
        errorText(TerminalText.escaped(s.hasSuffix("\n") ? s : s + "\n", keepLayout: true))
    }

    private func errorText(_ s: String) {
        let bytes = Array(s.utf8)
        if capture {
            lock.withLock { err.append(contentsOf: bytes) }
        } else {
            Console.writeAll(2, bytes)
        }
    }

    public var capturedOut: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    public var capturedErr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE (e.g. `| head`): nothing sensible left to do.
                }
                offset += n
            }
        }
    }
}
