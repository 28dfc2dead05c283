import CZlib
import Foundation

/// meshscope's gzip members. A gzip file may hold any number of members, which every gzip
/// reader inflates one after the other (RFC 1952, 2.2); meshscope writes a snapshot as a
/// series of them, each carrying in its header's extra field (subfield `MS`) its own length
/// and, for a member holding one proxy response alone, a tag naming that response. A reader
/// can then walk the members by their headers without inflating them: the document's size is
/// the sum of their trailers' sizes (``inflatedSize(_:)``), and `check` steps over the
/// responses it never reads (``Gzip/inflateChunks(_:limits:chunkSize:skip:_:)``).
///
/// The `MS` subfield's data: a version byte (1), the member's length in bytes from its first
/// header byte to its trailer's last (UInt32, little-endian), then the tag (UTF-8, may be
/// empty). A tagged member inflates to `,"KEY":VALUE` inside a proxy's section, so the
/// document without it is still whole (docs/snapshot-format.md).
///
/// ```swift
/// let w = try GzipMemberWriter()
/// let file = try w.member(Array("{\"a\":1".utf8)) + w.member(Array(",\"b\":2}".utf8), tag: "admin/b")
/// GzipMembers.header(file, at: 0)?.tag      // nil: untagged
/// try Gzip.decompress(file)                  // {"a":1,"b":2}
/// ```
public enum GzipMembers {
    /// What a member's `MS` subfield says.
    public struct Header: Sendable, Equatable {
        /// Bytes from the member's first header byte to its trailer's last.
        public var length: Int
        /// The response the member holds alone (`admin/configDump`); nil when untagged.
        public var tag: String?
    }

    static let subfield: (UInt8, UInt8) = (0x4D, 0x53)   // "MS"
    static let version: UInt8 = 1
    /// Header bytes before the tag: the fixed 10, XLEN, the subfield's ID and LEN, its version
    /// and length.
    static let headerBytes = 10 + 2 + 4 + 1 + 4
    /// Tags longer than this are cut (a tag is a section and a response key).
    static let maxTag = 200

    /// The `MS` subfield of the member starting at `offset`; nil when the bytes there are not a
    /// gzip member carrying one, or its length does not end where another member (or the file,
    /// or the zero padding gzip allows after the last) begins: such a length is not believed.
    public static func header(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) -> Header? {
        guard offset >= 0, b.count - offset >= 12, b[offset] == 0x1F, b[offset + 1] == 0x8B, b[offset + 2] == 8 else { return nil }
        let flags = b[offset + 3]
        guard flags & 0x04 != 0, flags & 0xE0 == 0 else { return nil }
        let xlen = Int(b[offset + 10]) | Int(b[offset + 11]) << 8
        let start = offset + 12, end = start + xlen
        guard end <= b.count else { return nil }
        var p = start
        while end - p >= 4 {
            let n = Int(b[p + 2]) | Int(b[p + 3]) << 8
            guard n <= end - p - 4 else { return nil }
            if b[p] == subfield.0, b[p + 1] == subfield.1 {
                guard n >= 5, b[p + 4] == version else { return nil }
                let length = (0..<4).reduce(0) { $0 | Int(b[p + 5 + $1]) << (8 * $1) }
                // The smallest member: its header, an empty deflate block (2 bytes), the trailer.
                guard length >= end - offset + 2 + 8, length <= b.count - offset, landsOnMember(b, offset + length) else { return nil }
                let tag = n > 5 ? String(validating: UnsafeBufferPointer(rebasing: b[(p + 9)..<(p + 4 + n)]), as: UTF8.self) : nil
                return Header(length: length, tag: tag?.isEmpty == false ? tag : nil)
            }
            p += 4 + n
        }
        return nil
    }

    public static func header(_ bytes: [UInt8], at offset: Int) -> Header? {
        bytes.withUnsafeBufferPointer { header($0, at: offset) }
    }

    /// Whether `at` is the start of a gzip member, the end of `b`, or zero padding to it (a
    /// few blocks at most: a length pointing into a long run of zeros inside deflate data would
    /// otherwise cost a scan of the run for every member claiming it).
    static func landsOnMember(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
        if at == b.count { return true }
        if b.count - at >= 2, b[at] == 0x1F, b[at + 1] == 0x8B { return true }
        return b.count - at <= 4096 && b[at...].allSatisfy { $0 == 0 }
    }

    /// The inflated size of a file whose every member carries its length: the sum of the
    /// members' trailer sizes (each ISIZE, a member's size modulo 4 GiB; meshscope's members
    /// are far smaller). nil when a member does not say its length (another writer's file):
    /// then only the last trailer is known.
    public static func inflatedSize(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var offset = 0
        var total = 0
        while offset < b.count {
            guard let h = header(b, at: offset) else { return nil }
            let end = offset + h.length
            total &+= (0..<4).reduce(0) { $0 | Int(b[end - 4 + $1]) << (8 * $1) }
            offset = end
            while offset < b.count && b[offset] == 0 { offset += 1 }
        }
        return offset > 0 ? total : nil
    }
}

/// Writes gzip members that carry their length, and a tag when given (``GzipMembers``): raw
/// deflate from zlib, the header and trailer written here (the CRC folded, as reading checks it).
public final class GzipMemberWriter {
    private let owner: DeflateStream
    private var stream: UnsafeMutablePointer<z_stream> { owner.pointer }

    /// Input past which a member is split: its length must fit the header's 32 bits.
    static let maxInput = 1 << 30

    public init(level: Int32 = 6) throws(GzipError) {
        owner = try DeflateStream(level: level, gzip: false)
    }

    /// `bytes` as one gzip member, tagged `tag` (a response held alone; nil: untagged).
    /// Input over ``maxInput`` becomes several untagged members.
    public func member(_ bytes: [UInt8], tag: String? = nil) throws(GzipError) -> [UInt8] {
        if bytes.count > Self.maxInput {
            var out: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Self.maxInput)
                out += try member(Array(bytes[start..<end]))
                start = end
            }
            return out
        }
        let tagBytes = Array((tag ?? "").utf8.prefix(GzipMembers.maxTag))
        let head = GzipMembers.headerBytes + tagBytes.count
        guard deflateReset(stream) == Z_OK else { throw GzipError(message: "zlib deflateReset failed") }
        let bound = Int(deflateBound(stream, uLong(bytes.count)))
        var out = [UInt8](repeating: 0, count: head + bound + 8)
        var rc: Int32 = Z_OK
        var produced = 0
        var crc: UInt32 = 0
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { o in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = o.baseAddress! + head
                stream.pointee.avail_out = UInt32(bound)
                rc = deflate(stream, Z_FINISH)
                produced = bound - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                if let base = input.baseAddress { crc = meshscope_crc32(0, base, input.count) }
            }
        }
        guard rc == Z_STREAM_END else { throw GzipError(message: "zlib deflate failed (\(rc))") }
        let length = head + produced + 8
        func put(_ value: Int, at i: Int, bytes n: Int) {
            for k in 0..<n { out[i + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        }
        out[0] = 0x1F; out[1] = 0x8B; out[2] = 8
        out[3] = 0x04                                        // FEXTRA
        out[9] = 0xFF                                        // OS: unknown
        put(4 + 5 + tagBytes.count, at: 10, bytes: 2)        // XLEN
        out[12] = GzipMembers.subfield.0; out[13] = GzipMembers.subfield.1
        put(5 + tagBytes.count, at: 14, bytes: 2)            // LEN
        out[16] = GzipMembers.version
        put(length, at: 17, bytes: 4)
        out.replaceSubrange(21..<(21 + tagBytes.count), with: tagBytes)
        put(Int(crc), at: head + produced, bytes: 4)
        put(bytes.count, at: head + produced + 4, bytes: 4)
        out.removeLast(out.count - length)
        return out
    }
}
