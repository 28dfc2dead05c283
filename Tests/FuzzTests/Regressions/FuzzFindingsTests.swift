import Foundation
import MeshModel
import MeshScopeApp
import Testing
import TerminalUI
import Yams

/// Regression tests for what the fuzzer found and was fixed here (docs/fuzzing.md). The
/// expected values come from the input (and Yams reading the output back), not from our
/// own writer.
@Suite struct FuzzFindingsTests {
    /// `certs -o yaml` / `proxy-status -o yaml` on data holding C1 controls, DEL or NEL
    /// wrote them raw: the output did not parse ("control characters are not allowed") or,
    /// with NEL/LS/PS, read back as a line break.
    @Test(arguments: ["a\u{9B}31m", "x\u{7F}y", "line\u{85}break", "ls\u{2028}ps\u{2029}", "bom\u{FFFE}", "evil\u{1B}]0;PWNED\u{07}",
                      "two\nlines\u{85}", "tab\tand\u{80}", "plain-\u{9F}"])
    func yamlEscapesWhatYAMLCannotCarryRaw(_ value: String) throws {
        let yaml = YAMLWriter.string(.object([(value, .string(value)), ("list", .array([.string(value)]))]))
        let back = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        #expect(back[value] as? String == value)
        #expect((back["list"] as? [String]) == [value])
    }

    /// Ordinary strings keep istioctl's (yaml.v2's) spelling.
    @Test func ordinaryStringsAreUnchanged() {
        #expect(YAMLWriter.string(.object([("a", .string("tab\there")), ("b", .string("x: y")), ("c", .string("é字"))]))
                    == "a: \"tab\\there\"\nb: 'x: y'\nc: é字\n")
    }

    /// A manifest (JSON) with `\` before a control byte or a lone C1 byte: the parse error
    /// quoted the byte raw (`invalid escape '\u{14}'`). It is named by its hex value.
    @Test(arguments: [UInt8(0x14), 0x9B, 0x1B, 0xC3])
    func invalidEscapeNamesTheByteNotItself(_ byte: UInt8) {
        let input: [UInt8] = Array("{\"a\": \"x\\".utf8) + [byte] + Array("\"}".utf8)
        do {
            _ = try JSONDocument(bytes: input)
            Issue.record("parsed an invalid escape")
        } catch {
            let text = "\(error)"
            #expect(text.contains(String(format: "followed by byte 0x%02X", byte)), "\(text)")
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(text)")
        }
    }

    /// `keys.yaml` with a key name holding a line break (a quoted scalar `"ctrl-\nx"`): the
    /// error quoted it raw, so `meshscope: keys.yaml:2: apply: unknown key "ctrl-` ended the
    /// line and the rest printed as a second one. Found by the `user-files` target.
    @Test func keyFileErrorQuotingALineBreakStaysOneLine() throws {
        // YAML's own escapes: `\n` a line break, `\e` ESC.
        let text = "snapshot: ctrl-t\napply: \"ctrl-\\nx\\e[2J\"\n"
        do {
            _ = try Keymap.standard.rebound(try KeyFile.parse(text, file: "keys.yaml"), file: "keys.yaml")
            Issue.record("an unknown key was accepted")
        } catch {
            let line = String(describing: error)
            #expect(line.hasPrefix("keys.yaml:2: apply: unknown key"), "\(line)")
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line)")
        }
    }
}
