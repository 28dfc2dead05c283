#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

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

    public func write(_ s: String) { write(Array(s.utf8)) }

    public func write(_ bytes: [UInt8]) {
        if capture {
            lock.withLock { out.append(contentsOf: bytes) }
        } else {
            Console.writeAll(1, bytes)
        }
    }

    public func error(_ s: String) {
        let bytes = Array((s.hasSuffix("\n") ? s : s + "\n").utf8)
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
