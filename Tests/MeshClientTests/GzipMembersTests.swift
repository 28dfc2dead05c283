import Foundation
import MeshClient
import MeshModel
import Testing

/// meshscope's gzip members (``GzipMembers``, ``GzipMemberWriter``): every gzip reader
/// inflates them to the bytes written (the system's `gzip` included), each header says its
/// member's length and tag, and `inflateChunks` steps over exactly the members it is asked
/// to. A length that does not land on the next member is not believed.
@Suite struct GzipMembersTests {
    static let parts: [(String, String?)] = [
        ("{\"proxies\":[{\"name\":\"a\",\"admin\":{\"clusters\":{}", nil),
        (",\n\"configDump\":{\"json\":" + String(repeating: "{\"k\":\"dump\"},", count: 900) + "0}", "admin/configDump"),
        (",\n\"statsPrometheus\":{\"text\":\"x 1\"}}}", nil),
        (",{\"name\":\"b\",\"admin\":{\"clusters\":{}", nil),
        (",\n\"configDump\":{\"json\":{}},\n\"istiodConfigDump\":{\"json\":[1,2,3]}", "admin/configDump,istiodConfigDump"),
        ("}}]}", nil),
    ]

    static func file() throws -> (bytes: [UInt8], members: [[UInt8]]) {
        let w = try GzipMemberWriter()
        let members = try parts.map { text, tag in try w.member(Array(text.utf8), tag: tag) }
        return (members.flatMap { $0 }, members)
    }

    static var document: [UInt8] { Array(parts.map(\.0).joined().utf8) }

    @Test func everyReaderInflatesTheMembersToTheBytesWritten() throws {
        let (bytes, members) = try Self.file()
        #expect(try Gzip.decompress(bytes) == Self.document)
        var chunked: [UInt8] = []
        try Gzip.inflateChunks(bytes, chunkSize: 7) { chunked.append(contentsOf: $0); return true }
        #expect(chunked == Self.document)
        // An independent reader: the system's gzip.
        let path = NSTemporaryDirectory() + "meshscope-members-\(UUID().uuidString.prefix(8)).gz"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let inflated = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect([UInt8](inflated) == Self.document)

        // Each header: its member's length and tag; the sizes add up to the document's.
        var offset = 0
        for (member, part) in zip(members, Self.parts) {
            let h = try #require(GzipMembers.header(bytes, at: offset))
            #expect(h.length == member.count && h.tag == part.1)
            offset += member.count
        }
        #expect(bytes.withUnsafeBufferPointer(GzipMembers.inflatedSize) == Self.document.count)
        // Another writer's gzip says no length: its size is not claimed.
        let plain = try GzipDecompressTests.gzip(Self.document)
        #expect(GzipMembers.header(plain, at: 0) == nil)
        #expect(plain.withUnsafeBufferPointer(GzipMembers.inflatedSize) == nil)
    }

    @Test func inflateChunksStepsOverTheMembersItIsAskedTo() throws {
        let (bytes, _) = try Self.file()
        let asked = Locked<[String]>([])
        var out: [UInt8] = []
        let skipped = try Gzip.inflateChunks(bytes, chunkSize: 5, skip: { tag, before in
            asked.withLock { $0.append("\(tag)#\(before)") }
            return tag.hasSuffix("istiodConfigDump") || before == 0 && tag == "admin/configDump"
        }) { out.append(contentsOf: $0); return true }
        #expect(asked.withLock { $0 } == ["admin/configDump#0", "admin/configDump,istiodConfigDump#0"])
        #expect(skipped == ["admin/configDump", "admin/configDump,istiodConfigDump"])
        let expected = Self.parts.filter { $0.1 == nil }.map(\.0).joined()
        #expect(String(decoding: out, as: UTF8.self) == expected)
        // Still a whole document without them.
        #expect(throws: Never.self) { try JSONDocument(bytes: out) }
    }

    /// A length that points past the end, into a member's middle, or below a header's size;
    /// a subfield running past its extra field; a version not known: the header is not
    /// believed, nothing is stepped over, and the file reads as it would without tags.
    @Test func aLengthThatDoesNotLandOnAMemberIsNotBelieved() throws {
        let (bytes, members) = try Self.file()
        let second = members[0].count
        func withLength(_ n: Int) -> [UInt8] {
            var b = bytes
            for k in 0..<4 { b[second + 17 + k] = UInt8(truncatingIfNeeded: n >> (8 * k)) }
            return b
        }
        var badVersion = bytes
        badVersion[second + 16] = 2
        var longSubfield = bytes
        longSubfield[second + 14] = 0xFF
        for b in [withLength(members[1].count - 1), withLength(members[1].count + 3), withLength(bytes.count), withLength(10),
                  withLength(0xFFFF_FFFF), badVersion, longSubfield] {
            #expect(GzipMembers.header(b, at: second) == nil)
            var out: [UInt8] = []
            let skipped = try Gzip.inflateChunks(b, skip: { _, _ in true }) { out.append(contentsOf: $0); return true }
            #expect(!skipped.contains("admin/configDump"))
            #expect(Array(out.prefix(Self.parts[0].0.utf8.count + Self.parts[1].0.utf8.count)) == Array((Self.parts[0].0 + Self.parts[1].0).utf8))
        }
        // Truncated anywhere in a header: no header, never a trap.
        for n in 0..<30 { _ = GzipMembers.header(Array(bytes[second..<(second + n)]), at: 0) }
    }

    /// Many members, tagged or not, walk to the end by their lengths, padding and all.
    @Test func membersAfterMembersWalkToTheEnd() throws {
        let w = try GzipMemberWriter()
        var file: [UInt8] = []
        var whole: [UInt8] = []
        for i in 0..<50 {
            let part = GzipDecompressTests.text(i * 997)
            whole += part
            file += try w.member(part, tag: i % 3 == 0 ? "admin/x\(i)" : nil)
        }
        #expect(try Gzip.decompress(file) == whole)
        #expect(file.withUnsafeBufferPointer(GzipMembers.inflatedSize) == whole.count)
        // Zero padding after the last member, as gzip allows.
        #expect((file + [0, 0, 0]).withUnsafeBufferPointer(GzipMembers.inflatedSize) == whole.count)
    }
}
