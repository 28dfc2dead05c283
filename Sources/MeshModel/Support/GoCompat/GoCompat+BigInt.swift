extension GoCompat {
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
