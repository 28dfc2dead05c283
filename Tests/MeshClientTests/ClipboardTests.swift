import Foundation
@testable import MeshClient
import Testing

/// Clipboard readers, including a real tmux paste buffer on a private server.
@Suite(.serialized) struct ClipboardTests {
    @Test func tmuxBuffer() async throws {
        let socketName = "test-\(getpid())-\(UUID().uuidString.prefix(6))"
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-tmux\n"
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        /// Runs tmux on the private socket; `quiet` sends output to /dev/null (new-session
        /// forks the server, which would otherwise hold our stdout pipe open).
        func tmux(_ args: String, quiet: Bool = false) async throws -> String {
            let r = try await Subprocess.run("/bin/sh", ["-c", "exec tmux -L \(socketName) \(args) </dev/null 2>/dev/null" + (quiet ? " >/dev/null" : "")],
                                             environment: ["PATH": path], timeout: 10)
            return String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await tmux("-f /dev/null new-session -d -s clip", quiet: true)
        do {
            _ = try await tmux("set-buffer '\(manifest)'")
            let socket = try await tmux("display-message -p '#{socket_path}'")
            #expect(socket.hasSuffix("/\(socketName)"))

            // $TMUX names the server the way tmux sets it inside a session: socket,pid,session.
            let env = ["PATH": path, "TMUX": "\(socket),0,0"]
            let contents = try await Clipboard(environment: env).read()
            #expect(contents.source == "tmux save-buffer -")
            #expect(String(decoding: contents.bytes, as: UTF8.self) == manifest)
        } catch {
            _ = try? await tmux("kill-server")
            throw error
        }
        _ = try await tmux("kill-server")
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "tmux-\(getuid())/\(socketName)")
        try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socketName)")
    }

    @Test func customCommandComesFirst() async throws {
        let env = ["PATH": "/usr/bin:/bin", "MESHSCOPE_CLIPBOARD_CMD": "printf 'kind: X'", "TMUX": "/nonexistent,0,0"]
        let contents = try await Clipboard(environment: env).read()
        #expect(contents.source == "$MESHSCOPE_CLIPBOARD_CMD (printf 'kind: X')")
        #expect(contents.bytes == Array("kind: X".utf8))
    }

    @Test func noneAvailableExplainsWhatWasTriedAndWhatToInstall() async throws {
        let env = ["PATH": "/nonexistent", "DISPLAY": ":99"]
        do {
            _ = try await Clipboard(environment: env).read()
            Issue.record("expected a failure")
        } catch {
            #expect(error.message == """
            cannot read the clipboard; tried:
              wl-paste: skipped, WAYLAND_DISPLAY is not set
              xclip -selection clipboard -o: not installed
              xsel -ob: not installed
              pbpaste: not installed
              tmux save-buffer -: skipped, not inside tmux ($TMUX is not set)
            install wl-clipboard (Wayland) or xclip or xsel (X11), run inside tmux to use its paste buffer, or set MESHSCOPE_CLIPBOARD_CMD to a command that prints the clipboard; or use -f FILE / -f -
            """)
        }
    }

    @Test func emptyClipboardFallsThrough() async throws {
        let env = ["PATH": "/usr/bin:/bin", "MESHSCOPE_CLIPBOARD_CMD": "true"]
        do {
            _ = try await Clipboard(environment: env).read()
            Issue.record("expected a failure")
        } catch {
            #expect(error.message.contains("$MESHSCOPE_CLIPBOARD_CMD (true): clipboard is empty"))
        }
    }
}
