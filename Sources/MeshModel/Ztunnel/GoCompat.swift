#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small pieces of Go's standard library that istioctl's renderings depend on, so our
/// tables agree with istioctl's byte for byte (ordering, address splitting, `%x` of a big.Int).
enum GoCompat {
    /// Go's `<` on strings: bytewise, which is not Swift's Unicode-aware `<`.
    @inline(__always)
    static func less(_ a: String, _ b: String) -> Bool { compare(a, b) < 0 }

    /// Bytewise three-way comparison (negative, zero, positive), as Go's `strings.Compare`.
    static func compare(_ a: String, _ b: String) -> Int {
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Int in
                let n = min(pa.count, pb.count)
                if n > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                    let r = memcmp(x, y, n)
                    if r != 0 { return Int(r) }
                }
                return pa.count - pb.count
            }
        }
        if let r = fast ?? nil { return r }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// Field-by-field bytewise order of two rows of sort keys (no arrays built per comparison).
    static func less(_ a: (String, String), _ b: (String, String)) -> Bool {
        let c = compare(a.0, b.0)
        return c != 0 ? c < 0 : compare(a.1, b.1) < 0
    }

    static func less(_ a: (String, String, String), _ b: (String, String, String)) -> Bool {
        var c = compare(a.0, b.0)
        if c != 0 { return c < 0 }
        c = compare(a.1, b.1)
        return c != 0 ? c < 0 : compare(a.2, b.2) < 0
    }

    static func less(_ a: (String, String, String, String), _ b: (String, String, String, String)) -> Bool {
        var c = compare(a.0, b.0)
        if c != 0 { return c < 0 }
        c = compare(a.1, b.1)
        if c != 0 { return c < 0 }
        c = compare(a.2, b.2)
        return c != 0 ? c < 0 : compare(a.3, b.3) < 0
    }

    /// Indices `0..<count` ordered bytewise by each row's key fields (Go's order of
    /// `a.x < b.x || a.x == b.x && a.y < b.y ...`), stable. The keys are copied once into one
    /// buffer (fields joined by NUL, which sorts below every other byte), so comparisons
    /// touch no reference counts: sorting 250,000 rows this way is several times faster.
    static func order(_ count: Int, keys: (Int) -> [String]) -> [Int] {
        var flat: [UInt8] = []
        var bounds: [(start: Int, end: Int)] = []
        bounds.reserveCapacity(count)
        for i in 0..<count {
            let start = flat.count
            for (k, field) in keys(i).enumerated() {
                if k > 0 { flat.append(0) }
                flat.append(contentsOf: field.utf8)
            }
            bounds.append((start, flat.count))
        }
        return flat.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress
            return (0..<count).sorted { i, j in
                let a = bounds[i], b = bounds[j]
                let la = a.end - a.start, lb = b.end - b.start
                let n = min(la, lb)
                if n > 0, let base {
                    let r = memcmp(base + a.start, base + b.start, n)
                    if r != 0 { return r < 0 }
                }
                return la != lb ? la < lb : i < j
            }
        }
    }

    /// `net.SplitHostPort`: `host:port` or `[v6]:port`; nil when Go would return an error.
    static func splitHostPort(_ s: String) -> (host: String, port: String)? {
        let u = Array(s.utf8)
        guard let lastColon = u.lastIndex(of: 0x3A) else { return nil }
        var host: ArraySlice<UInt8>
        if u.first == 0x5B {
            guard let close = u.firstIndex(of: 0x5D), close + 1 == lastColon else { return nil }
            host = u[1..<close]
        } else {
            host = u[0..<lastColon]
            if host.contains(0x3A) { return nil }  // "too many colons"
        }
        if host.contains(0x5B) || host.contains(0x5D) { return nil }
        return (String(decoding: host, as: UTF8.self), String(decoding: u[(lastColon + 1)...], as: UTF8.self))
    }

    /// `net.JoinHostPort`: brackets hosts that contain a colon.
    static func joinHostPort(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `big.Int.SetString(s, 10)` then `%x`: lowercase hex of a decimal of any length.
    /// Nil when the text is not a decimal integer (Go's SetString fails).
    static func decimalToHex(_ s: String) -> String? {
        var digits = Array(s.utf8)
        var negative = false
        if digits.first == 0x2B || digits.first == 0x2D {
            negative = digits.first == 0x2D
            digits.removeFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        // Little-endian base-2^32 limbs; multiply-add one decimal digit at a time.
        var limbs: [UInt32] = [0]
        for d in digits {
            var carry = UInt64(d - 0x30)
            for i in limbs.indices {
                let v = UInt64(limbs[i]) * 10 + carry
                limbs[i] = UInt32(truncatingIfNeeded: v)
                carry = v >> 32
            }
            if carry > 0 { limbs.append(UInt32(carry)) }
        }
        while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
        var hex = String(limbs.last!, radix: 16)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb, radix: 16)
            hex += String(repeating: "0", count: 8 - part.count) + part
        }
        return negative && hex != "0" ? "-" + hex : hex
    }
}
