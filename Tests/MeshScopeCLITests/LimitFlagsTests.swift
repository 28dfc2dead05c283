import Foundation
import MeshModel
import Testing
@testable import MeshScopeCLI

/// The limit flags: taken out wherever they stand, validated, applied before the command runs.
@Suite struct LimitFlagsTests {
    /// Each flag with a value and the limits it must produce (from the flag's documented units).
    static let cases: [(flag: String, value: String, check: @Sendable (InputLimits) -> Bool)] = [
        ("--max-json-depth", "77", { $0.maxJSONDepth == 77 }),
        ("--max-yaml-nodes", "5000", { $0.maxYAMLNodes == 5000 }),
        ("--max-document-size", "512Mi", { $0.maxDocumentBytes == 512 * 1024 * 1024 }),
        ("--max-decompressed-size", "1Gi", { $0.maxDecompressedBytes == 1024 * 1024 * 1024 }),
        ("--max-decompression-ratio", "50", { $0.maxDecompressionRatio == 50 }),
        ("--max-cell-width", "40", { $0.maxCellWidth == 40 }),
        ("--exec-timeout", "2m", { $0.execTimeout == 120 }),
        ("--connect-timeout", "30s", { $0.connectTimeout == 30 }),
    ]

    @Test func eachFlagBeforeAndAfterTheSubcommand() throws {
        for c in Self.cases {
            for args in [[c.flag, c.value, "pc", "cluster", "--file", "x.json"],
                         ["pc", "cluster", "--file", "x.json", c.flag, c.value],
                         ["pc", "cluster", "\(c.flag)=\(c.value)", "--file", "x.json"]] {
                let out = try LimitFlags.extract(args, base: InputLimits())
                #expect(out.rest == ["pc", "cluster", "--file", "x.json"], "\(args)")
                #expect(c.check(out.limits), "\(args)")
            }
        }
    }

    @Test func plainBytesDecimalUnitsAndDurations() throws {
        #expect(try LimitFlags.extract(["--max-document-size", "1048576"], base: InputLimits()).limits.maxDocumentBytes == 1_048_576)
        #expect(try LimitFlags.extract(["--max-document-size", "2G"], base: InputLimits()).limits.maxDocumentBytes == 2_000_000_000)
        #expect(try LimitFlags.extract(["--exec-timeout", "500ms"], base: InputLimits()).limits.execTimeout == 0.5)
        #expect(try LimitFlags.extract(["--connect-timeout", "1.5"], base: InputLimits()).limits.connectTimeout == 1.5)
        // After `--`, arguments belong to the command.
        #expect(try LimitFlags.extract(["get", "--", "--max-json-depth", "5"], base: InputLimits()).rest == ["get", "--", "--max-json-depth", "5"])
    }

    @Test func badValuesAreUsageErrors() async {
        let bad: [(String, String)] = [
            ("--max-json-depth", "0"), ("--max-json-depth", "-1"), ("--max-json-depth", "lots"),
            ("--max-yaml-nodes", "1e6"), ("--max-document-size", "1Xi"), ("--max-document-size", "99999999999999999999"),
            ("--max-document-size", "9999999999Ti"), ("--max-decompressed-size", "-5"), ("--max-decompression-ratio", "1.5"),
            ("--max-cell-width", ""), ("--exec-timeout", "forever"), ("--exec-timeout", "-2s"), ("--connect-timeout", "0s"),
            ("--connect-timeout", "1e400"), ("--max-json-depth", "9223372036854775807"), ("--max-document-size", "2Pi"),
        ]
        for (flag, value) in bad {
            for args in [[flag, value, "pc", "cluster", "--file", "x.json"], ["pc", "cluster", "--file", "x.json", flag, value]] {
                let r = await MeshScopeMain.invoke(args)
                #expect(r.code == 2, "\(args)")
                #expect(r.stderr.hasPrefix("meshscope: \(flag): expected "), "\(args): \(r.stderr)")
                #expect(r.stdout.isEmpty)
            }
        }
        let missing = await MeshScopeMain.invoke(["pc", "cluster", "--max-json-depth"])
        #expect(missing.code == 2)
        #expect(missing.stderr == "meshscope: --max-json-depth needs a value (N)\n")
    }

    /// The flags reach the readers, before or after the subcommand.
    @Test func flagsApplyToTheCommand() async throws {
        let deep = try tempFile(#"{"configs": "# + String(repeating: "[", count: 30) + String(repeating: "]", count: 30) + "}", "deep.json")
        let plain = await MeshScopeMain.invoke(["pc", "all", "--file", deep, "-o", "json"])
        #expect(plain.code == 0, "\(plain.stderr)")
        for args in [["--max-json-depth", "10", "pc", "all", "--file", deep], ["pc", "all", "--file", deep, "--max-json-depth", "10"]] {
            let r = await MeshScopeMain.invoke(args)
            #expect(r.code == 1, "\(args)")
            #expect(r.stderr.contains("JSON nested deeper than 10 levels (limit 10; raise it with --max-json-depth)"), "\(args): \(r.stderr)")
            #expect(r.stderr.count < 300)
        }
        let size = try FileManager.default.attributesOfItem(atPath: deep)[.size] as? Int ?? -1
        for args in [["--max-document-size", "16", "pc", "all", "--file", deep], ["pc", "all", "--file", deep, "--max-document-size=16"]] {
            let r = await MeshScopeMain.invoke(args)
            #expect(r.code == 1, "\(args)")
            #expect(r.stderr == "meshscope: \(deep): the input has \(size) bytes, more than allowed (limit 16; raise it with --max-document-size)\n", "\(args)")
        }
        // Nothing leaks into the next run.
        #expect(InputLimits.current == InputLimits())
    }

    @Test func stdinIsBoundedToo() async {
        let r = await MeshScopeMain.invoke(["pc", "all", "--file", "-", "--max-document-size", "8"], stdin: Array(#"{"configs": []}"#.utf8))
        #expect(r.code == 1)
        #expect(r.stderr == "meshscope: <stdin>: the input has 15 bytes, more than allowed (limit 8; raise it with --max-document-size)\n")
    }

    @Test func rootHelpListsTheLimits() async {
        let r = await MeshScopeMain.invoke(["--help"])
        #expect(r.code == 0)
        #expect(r.stdout.contains("Limits (any command and the terminal UI; before or after the subcommand):"))
        for c in Self.cases { #expect(r.stdout.contains(c.flag), "\(c.flag)") }
        #expect(r.stdout.contains("(default 1000)"))
        #expect(r.stdout.contains("(default 1Gi)"))
    }
}
