import Foundation
import MeshModel
import Testing
@testable import MeshScopeApp

/// The TUI's `--file` reader refuses a file over `--max-document-size` before reading it.
@Suite struct FileSourceLimitTests {
    @Test func aFileOverTheDocumentLimitIsRefusedNamingTheFlag() throws {
        let path = NSTemporaryDirectory() + "meshscope-limit-\(UUID().uuidString).json"
        // A valid JSON document of about 300 bytes: only its size is wrong.
        let body = "{\"configs\": [" + String(repeating: " ", count: 284) + "]}"
        try Data(body.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var limits = InputLimits()
        limits.maxDocumentBytes = 100
        InputLimits.withLimits(limits) {
            do {
                _ = try FileSource(path: path).load()
                Issue.record("a file over the limit loaded under a 100-byte limit")
            } catch let error as TUIError {
                #expect(error.message.contains("has \(body.utf8.count) bytes"))
                #expect(error.message.contains("--max-document-size"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
