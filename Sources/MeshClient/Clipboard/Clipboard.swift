import Foundation

/// Reads the clipboard through whichever tool works here, in this order:
/// `$MESHSCOPE_CLIPBOARD_CMD` (run with `sh -c`), `wl-paste` (Wayland, when
/// `WAYLAND_DISPLAY` is set), `xclip -selection clipboard -o` and `xsel -ob` (X11, when
/// `DISPLAY` is set), `pbpaste` (macOS), and `tmux save-buffer -` inside tmux (`$TMUX`).
///
/// ```swift
/// let clip = try await Clipboard().read()
/// clip.source   // "tmux save-buffer -"
/// ```
public struct Clipboard: Sendable {
    public struct Contents: Sendable {
        public var bytes: [UInt8]
        /// The command that produced them, for "applied from clipboard (wl-paste)".
        public var source: String
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// A way to read the clipboard and when it applies.
    struct Reader: Sendable {
        var label: String
        var command: String
        var args: [String]
        /// Why it was not tried, or nil when it applies here.
        var skipReason: String?
    }

    public var environment: [String: String]
    public var timeout: Double

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Double = 5) {
        self.environment = environment
        self.timeout = timeout
    }

    func readers() -> [Reader] {
        let env = environment
        var list: [Reader] = []
        if let custom = env["MESHSCOPE_CLIPBOARD_CMD"], !custom.isEmpty {
            list.append(Reader(label: "$MESHSCOPE_CLIPBOARD_CMD (\(custom))", command: "/bin/sh", args: ["-c", custom], skipReason: nil))
        }
        let wayland = env["WAYLAND_DISPLAY"].map { !$0.isEmpty } ?? false
        let x11 = env["DISPLAY"].map { !$0.isEmpty } ?? false
        list.append(Reader(label: "wl-paste", command: "wl-paste", args: ["--no-newline"], skipReason: wayland ? nil : "WAYLAND_DISPLAY is not set"))
        list.append(Reader(label: "xclip -selection clipboard -o", command: "xclip", args: ["-selection", "clipboard", "-o"], skipReason: x11 ? nil : "DISPLAY is not set"))
        list.append(Reader(label: "xsel -ob", command: "xsel", args: ["-ob"], skipReason: x11 ? nil : "DISPLAY is not set"))
        list.append(Reader(label: "pbpaste", command: "pbpaste", args: [], skipReason: nil))
        let inTmux = env["TMUX"].map { !$0.isEmpty } ?? false
        list.append(Reader(label: "tmux save-buffer -", command: "tmux", args: ["save-buffer", "-"], skipReason: inTmux ? nil : "not inside tmux ($TMUX is not set)"))
        return list
    }

    /// The first reader that runs and returns something. Empty output from a tool that ran
    /// is an empty clipboard, which is an error too: there is nothing to apply.
    public func read() async throws(Failure) -> Contents {
        var tried: [String] = []
        for r in readers() {
            if let why = r.skipReason {
                tried.append("\(r.label): skipped, \(why)")
                continue
            }
            do {
                let result = try await Subprocess.run(r.command, r.args, environment: environment, timeout: timeout)
                if result.status != 0 {
                    let detail = result.stderrText.split(separator: "\n").first.map(String.init) ?? ""
                    tried.append("\(r.label): exit status \(result.status)\(detail.isEmpty ? "" : " (\(detail))")")
                    continue
                }
                if result.stdout.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
                    tried.append("\(r.label): clipboard is empty")
                    continue
                }
                return Contents(bytes: result.stdout, source: r.label)
            } catch {
                switch error {
                case .notFound: tried.append("\(r.label): not installed")
                case .couldNotStart(_, let why): tried.append("\(r.label): \(why)")
                case .timedOut: tried.append("\(r.label): no answer within \(Int(timeout)) s")
                }
            }
        }
        throw Failure(message: "cannot read the clipboard; tried:\n  " + tried.joined(separator: "\n  ") + "\n" + installHint())
    }

    func installHint() -> String {
        #if os(macOS)
        return "pbpaste ships with macOS; or set MESHSCOPE_CLIPBOARD_CMD to a command that prints the clipboard"
        #else
        return "install wl-clipboard (Wayland) or xclip or xsel (X11), run inside tmux to use its paste buffer, or set MESHSCOPE_CLIPBOARD_CMD to a command that prints the clipboard; or use -f FILE / -f -"
        #endif
    }
}
