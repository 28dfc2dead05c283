import Foundation

/// Copies text out of the TUI: OSC 52 (works through SSH and tmux with set-clipboard on),
/// plus the platform's clipboard tool when one is installed.
enum Clipboard {
    /// `ESC ] 52 ; c ; BASE64 BEL`.
    static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}".utf8)
    }

    /// Pipes the text to wl-copy, xclip, xsel or pbcopy (the first that exists and fits
    /// the session); returns the tool's name, or nil when none ran.
    static func copyWithTool(_ text: String, environment: [String: String]) -> String? {
        var candidates: [[String]] = []
        if environment["WAYLAND_DISPLAY"] != nil { candidates.append(["wl-copy"]) }
        if environment["DISPLAY"] != nil {
            candidates.append(["xclip", "-selection", "clipboard"])
            candidates.append(["xsel", "--clipboard", "--input"])
        }
        candidates.append(["pbcopy"])
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for argv in candidates {
            guard let dir = path.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(argv[0])") }) else { continue }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "\(dir)/\(argv[0])")
            p.arguments = Array(argv.dropFirst())
            let pipe = Pipe()
            p.standardInput = pipe
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do {
                try p.run()
                pipe.fileHandleForWriting.write(Data(text.utf8))
                try pipe.fileHandleForWriting.close()
                p.waitUntilExit()
                if p.terminationStatus == 0 { return argv[0] }
            } catch {
                continue
            }
        }
        return nil
    }
}
