/// Small pieces of Go's standard library that istioctl's renderings depend on, so our
/// tables agree with istioctl's byte for byte (ordering, address splitting, `%x` of a big.Int).
enum GoCompat {
    /// Go's `<` on strings: bytewise, which is not Swift's Unicode-aware `<`.
    @inline(__always)
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Compares tuples of strings field by field, bytewise.
    static func less(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return less(x, y) }
        return a.count < b.count
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
