import Foundation

extension Clipboard {
    /// What `c` did, for the flash: the route the text took and what confirms it.
    public struct CopyOutcome: Sendable, Equatable {
        /// `copied 2017 bytes via xclip`, `sent 2017 bytes via OSC 52 (terminal clipboard)`.
        public var message: String
        /// The way the text went: a tool's name, `tmux load-buffer`, or `OSC 52`.
        public var route: String
    }

    /// Copies `text` the first way that works here, and says which:
    ///
    /// 1. a clipboard tool (``writers()``: wl-copy, xclip, xsel, pbcopy) that exits 0;
    /// 2. inside tmux (`$TMUX`): with `set-clipboard on`, OSC 52 written to the terminal
    ///    (tmux stores it in a paste buffer and passes it on); otherwise tmux ignores an
    ///    application's OSC 52, so `tmux load-buffer -w -` (a paste buffer, and the outer
    ///    terminal's clipboard when tmux may set it);
    /// 3. OSC 52 written to the terminal (through SSH, or a local terminal without a tool),
    ///    which nothing can confirm: the message says "sent", not "copied".
    ///
    /// `terminal` writes bytes to the terminal (the TUI's raw output); tests pass a recorder.
    ///
    /// ```swift
    /// let outcome = await Clipboard().copy(yaml) { bytes in await terminal.writeRaw(bytes) }
    /// outcome.message   // "copied 2017 bytes via xclip"
    /// ```
    public func copy(_ text: String, terminal: @Sendable ([UInt8]) async -> Void) async -> CopyOutcome {
        let n = text.utf8.count
        if let tool = await write(text) {
            return CopyOutcome(message: "copied \(n) bytes via \(tool)", route: tool)
        }
        if environment["TMUX"].map({ !$0.isEmpty }) ?? false {
            if await tmux(["show-options", "-gv", "set-clipboard"])?.text == "on" {
                await terminal(Self.osc52(text))
                return CopyOutcome(message: "copied \(n) bytes via OSC 52 (tmux buffer)", route: "OSC 52")
            }
            // `-w` (tmux 3.2+) also sets the outer terminal's clipboard; older tmux lacks it.
            for args in [["load-buffer", "-w", "-"], ["load-buffer", "-"]] {
                if await tmux(args, stdin: Array(text.utf8))?.status == 0 {
                    return CopyOutcome(message: "copied \(n) bytes via tmux load-buffer", route: "tmux load-buffer")
                }
            }
        }
        await terminal(Self.osc52(text))
        let ssh = environment["SSH_TTY"] != nil || environment["SSH_CONNECTION"] != nil
        return CopyOutcome(message: "sent \(n) bytes via OSC 52 (terminal clipboard" + (ssh ? ")" : "; no clipboard tool here)"),
                           route: "OSC 52")
    }

    /// Runs `tmux ARGS`; nil when it cannot run or does not answer within ``timeout``.
    private func tmux(_ args: [String], stdin: [UInt8]? = nil) async -> (status: Int32, text: String)? {
        guard let result = try? await Subprocess.run("tmux", args, environment: environment, stdin: stdin, timeout: timeout) else { return nil }
        let text = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (result.status, text)
    }
}
