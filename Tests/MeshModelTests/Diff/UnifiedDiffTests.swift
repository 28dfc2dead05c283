import Foundation
import MeshModel
import Testing

@Suite struct UnifiedDiffTests {
    @Test func equalTextsHaveNoHunks() {
        #expect(UnifiedDiff.hunks(old: "a\nb\n", new: "a\nb\n") == "")
        #expect(UnifiedDiff.hunks(old: "", new: "") == "")
    }

    @Test func oneChangeWithContext() {
        let old = (1...10).map { "l\($0)\n" }.joined()
        let new = old.replacingFirst("l5\n", "L5\n")
        #expect(UnifiedDiff.hunks(old: old, new: new, context: 2) == """
            @@ -3,5 +3,5 @@
             l3
             l4
            -l5
            +L5
             l6
             l7

            """)
        #expect(UnifiedDiff.hunks(old: old, new: new, context: 0) == "@@ -5 +5 @@\n-l5\n+L5\n")
    }

    @Test func nearbyChangesShareAHunkDistantOnesDoNot() {
        let old = (1...20).map { "l\($0)\n" }.joined()
        let new = old.replacingFirst("l3\n", "x3\n").replacingFirst("l6\n", "x6\n").replacingFirst("l18\n", "x18\n")
        let hunks = UnifiedDiff.hunks(old: old, new: new, context: 1)
        #expect(hunks.components("@@ -") == 2)
        #expect(hunks.hasPrefix("@@ -2,6 +2,6 @@\n l2\n-l3\n+x3\n l4\n l5\n-l6\n+x6\n l7\n@@ -17,3 +17,3 @@\n l17\n-l18\n+x18\n l19\n"))
    }

    @Test func insertionsAndDeletionsUseGNURanges() {
        #expect(UnifiedDiff.hunks(old: "a\nb\n", new: "a\nx\nb\n", context: 0) == "@@ -1,0 +2 @@\n+x\n")
        #expect(UnifiedDiff.hunks(old: "a\nx\nb\n", new: "a\nb\n", context: 0) == "@@ -2 +1,0 @@\n-x\n")
        #expect(UnifiedDiff.hunks(old: "", new: "a\nb\n", context: 3) == "@@ -0,0 +1,2 @@\n+a\n+b\n")
        #expect(UnifiedDiff.hunks(old: "a\nb\n", new: "", context: 3) == "@@ -1,2 +0,0 @@\n-a\n-b\n")
    }

    @Test func missingFinalNewline() {
        #expect(UnifiedDiff.hunks(old: "a\nb", new: "a\nb\n", context: 1) == """
            @@ -1,2 +1,2 @@
             a
            -b
            \\ No newline at end of file
            +b

            """)
        #expect(UnifiedDiff.hunks(old: "a\n", new: "a\nc", context: 1) == "@@ -1 +1,2 @@\n a\n+c\n\\ No newline at end of file\n")
    }

    @Test func editScriptIsMinimal() {
        let a = Array("ABCABBA").map(String.init)
        let b = Array("CBABAC").map(String.init)
        let edits = UnifiedDiff.edits(a, b)
        let changes = edits.filter { if case .equal = $0 { return false } else { return true } }
        #expect(changes.count == 5)  // the classic Myers example: D = 5
        // Applying the script to a gives b.
        var rebuilt: [String] = []
        for e in edits {
            switch e {
            case .equal(let o, _): rebuilt.append(a[o])
            case .insert(let n): rebuilt.append(b[n])
            case .delete: break
            }
        }
        #expect(rebuilt == b)
    }

    @Test func largeDifferencesFallBackToOneReplacedBlock() {
        let a = (0..<3000).map { "a\($0)" }
        let b = (0..<3000).map { "b\($0)" }
        let edits = UnifiedDiff.edits(a, b)
        #expect(edits.count == 6000)
    }
}

extension String {
    func replacingFirst(_ a: String, _ b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }

    func components(_ s: String) -> Int { components(separatedBy: s).count - 1 }
}
