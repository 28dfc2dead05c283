import Foundation

extension Clipboard {
    /// `ESC ] 52 ; c ; BASE64 BEL`: asks the terminal to set its clipboard (works through
    /// SSH, and through tmux with `set-clipboard on`). The terminal is the caller's to write to.
    ///
    /// ```swift
    /// terminal.writeRaw(Clipboard.osc52("hello"))   // ESC]52;c;aGVsbG8=BEL
    /// ```
    public static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}".utf8)
    }

    /// The tools that set the clipboard here, first choice first: `wl-copy` (Wayland, when
    /// `WAYLAND_DISPLAY` is set), `xclip` and `xsel` (X11, when `DISPLAY` is set), `pbcopy`.
    func writers() -> [[String]] {
        var list: [[String]] = []
        if environment["WAYLAND_DISPLAY"] != nil { list.append(["wl-copy"]) }
        if environment["DISPLAY"] != nil {
            list.append(["xclip", "-selection", "clipboard"])
            list.append(["xsel", "--clipboard", "--input"])
        }
        list.append(["pbcopy"])
        return list
    }

    /// Pipes `text` to the first clipboard tool that is installed and exits 0 within
    /// ``timeout``; returns its name, or nil when none did. A tool that hangs (an X server
    /// that does not answer) is killed at the timeout and the next one is tried.
    ///
    /// The tool's output goes to /dev/null: xclip and xsel stay behind to serve the
    /// selection, and would otherwise hold the output pipe open until the timeout.
    public func write(_ text: String) async -> String? {
        let bytes = Array(text.utf8)
        for argv in writers() {
            guard let executable = Subprocess.which(argv[0], path: environment["PATH"] ?? "/usr/bin:/bin") else { continue }
            let result = try? await Subprocess.run("/bin/sh", ["-c", "exec \"$0\" \"$@\" >/dev/null 2>&1", executable] + argv.dropFirst(),
                                                   environment: environment, stdin: bytes, timeout: timeout)
            if result?.status == 0 { return argv[0] }
        }
        return nil
    }
}
