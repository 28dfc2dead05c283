import Foundation

/// One fuzz input: the bytes of each file a target reads (a dump, or a dump and its
/// previous sample) and a variant number that picks the command form (output format,
/// view). Saved as one file so a finding replays exactly; each part is also written
/// beside it (`.partN`) to run the CLI on by hand.
struct FuzzCase: Sendable {
    var parts: [[UInt8]]
    var variant: UInt64

    private static let magic = "meshscope-fuzz 1"

    /// `meshscope-fuzz 1 variant=V parts=N\n`, then per part `LEN\n` and the bytes.
    func encoded() -> [UInt8] {
        var out = Array("\(Self.magic) variant=\(variant) parts=\(parts.count)\n".utf8)
        for p in parts {
            out += Array("\(p.count)\n".utf8)
            out += p
        }
        return out
    }

    /// A file not in the container format is one part with variant 0 (a raw reproducer).
    init(decoding bytes: [UInt8]) {
        guard let nl = bytes.firstIndex(of: 0x0A),
              case let header = String(decoding: bytes[..<nl], as: UTF8.self), header.hasPrefix(Self.magic) else {
            self.init(parts: [bytes], variant: 0)
            return
        }
        let fields = Dictionary(header.split(separator: " ").compactMap { f -> (String, String)? in
            let kv = f.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        var parts: [[UInt8]] = []
        var i = nl + 1
        for _ in 0..<(fields["parts"].flatMap { Int($0) } ?? 0) {
            guard let e = bytes[i...].firstIndex(of: 0x0A), let n = Int(String(decoding: bytes[i..<e], as: UTF8.self)),
                  n >= 0, e + 1 + n <= bytes.count else { break }
            parts.append(Array(bytes[(e + 1)..<(e + 1 + n)]))
            i = e + 1 + n
        }
        self.init(parts: parts, variant: fields["variant"].flatMap { UInt64($0) } ?? 0)
    }

    init(parts: [[UInt8]], variant: UInt64 = 0) {
        self.parts = parts
        self.variant = variant
    }

    init(_ part: [UInt8]) { self.init(parts: [part]) }

    /// Writes the case and its parts; returns the path of the case file.
    @discardableResult
    func write(to path: String) -> String {
        FileManager.default.createFile(atPath: path, contents: Data(encoded()))
        for (i, p) in parts.enumerated() where parts.count > 0 {
            FileManager.default.createFile(atPath: path + ".part\(i)", contents: Data(p))
        }
        return path
    }

    /// A choice among `n` forms of the command, fixed by the case.
    func choose(_ n: Int, salt: UInt64 = 0) -> Int {
        var r = FuzzRandom(seed: variant ^ salt)
        return r.below(n)
    }
}
