import Foundation
import MeshModel
import MeshYAML
import Testing

/// The shared YAML loader's bounds: alias expansion, nesting, size, and one-line errors.
@Suite struct BoundedYAMLTests {
    /// "Billion laughs": `levels` anchors, each a list of `width` aliases of the previous.
    static func aliasBomb(levels: Int = 9, width: Int = 9, prefix: String = "") -> String {
        var lines = [prefix + "a0: &a0 [" + Array(repeating: "x", count: width).joined(separator: ",") + "]"]
        for i in 1...levels {
            lines.append(prefix + "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: width).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func nestedFlow(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func limits(_ change: (inout InputLimits) -> Void) -> InputLimits {
        var l = InputLimits()
        change(&l)
        return l
    }

    @Test func aliasBombIsRefusedQuickly() {
        let start = Date()
        #expect(throws: YAMLLoadError.self) { try BoundedYAML.documents(Self.aliasBomb()) }
        #expect(Date().timeIntervalSince(start) < 2)
        do {
            _ = try BoundedYAML.documents(Self.aliasBomb())
        } catch {
            #expect(error.document == 1)
            #expect(error.line != nil && error.column != nil)
            #expect(error.message == "YAML document expands to more than 1000000 nodes through aliases (limit 1000000; raise it with --max-yaml-nodes)")
        }
    }

    /// An alias as a mapping key: Yams hashes keys to find duplicates, which walks the whole
    /// aliased tree; the count stops it before the composer sees it.
    @Test func aliasBombAsMappingKeyIsRefusedQuickly() {
        let start = Date()
        #expect(throws: YAMLLoadError.self) { try BoundedYAML.documents(Self.aliasBomb(levels: 8) + "? *a8\n: v\n") }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    /// Counted by hand: root mapping 1, key `a` 1, `[x, y]` 3, key `b` 1,
    /// `[*a, *a]` 1 + 3 + 3 = 7; 13 in all.
    @Test func aliasesCountTheirAnchorsFullSize() throws {
        let yaml = "a: &a [x, y]\nb: [*a, *a]\n"
        let roots = try BoundedYAML.documents(yaml, limits: Self.limits { $0.maxYAMLNodes = 13 })
        #expect(roots.count == 1)
        #expect(throws: YAMLLoadError.self) { try BoundedYAML.documents(yaml, limits: Self.limits { $0.maxYAMLNodes = 12 }) }
    }

    @Test func eachDocumentHasItsOwnBudget() throws {
        let doc = "a: [x, y, z]\n"   // 1 + 1 + 4 = 6 nodes
        let roots = try BoundedYAML.documents(doc + "---\n" + doc, limits: Self.limits { $0.maxYAMLNodes = 6 })
        #expect(roots.count == 2)
    }

    @Test func nestingIsBounded() throws {
        let ok = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        _ = try BoundedYAML.documents(ok, limits: Self.limits { $0.maxJSONDepth = 50 })
        let deep = String(repeating: "[", count: 51) + String(repeating: "]", count: 51)
        #expect(throws: YAMLLoadError(document: 1, line: 1, column: 51, message: "YAML nested deeper than 50 levels (limit 50; raise it with --max-json-depth)")) {
            try BoundedYAML.documents(deep, limits: Self.limits { $0.maxJSONDepth = 50 })
        }
        // Block style: each level is a mapping.
        var block = ""
        for i in 0..<60 { block += String(repeating: "  ", count: i) + "k\(i):\n" }
        block += String(repeating: "  ", count: 60) + "v\n"
        #expect(throws: YAMLLoadError.self) { try BoundedYAML.documents(block, limits: Self.limits { $0.maxJSONDepth = 50 }) }
        // A raised limit raises libyaml's own bound too.
        let roots = try BoundedYAML.documents(Self.nestedFlow(2_500), limits: Self.limits { $0.maxJSONDepth = 3_000 })
        #expect(roots.count == 1)
        // The default bound stops 100,000 levels (libyaml and the composer never see them).
        let hostile = String(repeating: "[", count: 100_000)
        do {
            _ = try BoundedYAML.documents(hostile)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "YAML nested deeper than 1000 levels (limit 1000; raise it with --max-json-depth)")
        }
    }

    @Test func documentSizeIsBounded() {
        let text = "a: " + String(repeating: "x", count: 100) + "\n"
        #expect(throws: YAMLLoadError(document: 1, line: nil, column: nil, message: "the document has 104 bytes, more than allowed (limit 64; raise it with --max-document-size)")) {
            try BoundedYAML.documents(text, limits: Self.limits { $0.maxDocumentBytes = 64 })
        }
    }

    @Test func errorsAreOneLineWithPlace() {
        // The places are libyaml's: the `:` after `b` is where it finds the flow sequence
        // not continued; ` c` is where it expected a key at the outer indentation.
        for (yaml, line, column) in [("a: \"bad \\q escape\"\n", 1, 9), ("a: [1, 2\nb: 3\n", 2, 2), ("a:\n  b: 1\n c: 2\n", 3, 2)] {
            do {
                _ = try BoundedYAML.documents(yaml)
                Issue.record("expected an error for \(yaml)")
            } catch {
                #expect(error.line == line, "\(yaml)")
                #expect(error.column == column, "\(yaml)")
                #expect(!error.description.contains("\n"))
                #expect(error.description.hasPrefix("\(line):\(column): "))
            }
        }
    }

    @Test func composerErrorsKeepTheirPlace() {
        do {
            _ = try BoundedYAML.documents("a: 1\n---\nb: *missing\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.document == 2)
            #expect(error.line == 3)
            #expect(error.message.hasPrefix("found undefined alias"))
        }
    }
}
