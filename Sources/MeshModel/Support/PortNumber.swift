/// A TCP/UDP port as the data states it: a number in 0...65535, or the text of anything
/// else, kept so that a table shows what the dump says instead of a wrapped, clamped or
/// truncated number.
///
/// Envoy's `port_value` is a `uint32` that Envoy itself bounds to 65535; a dump that says
/// `4294967296`, `-1`, `80.5` or `99999999999999999999` is broken or hostile, and printing
/// `0`, a negative number or `80` would be a lie an operator acts on. Such a port prints as
/// `<invalid port 4294967296>`, matches no port filter, and sorts after every valid port.
///
/// ```swift
/// PortNumber(text: "8080")         // .valid(8080)
/// PortNumber(text: "4294967296")   // .invalid("4294967296"), "<invalid port 4294967296>"
/// PortNumber(json: nil)            // .valid(0): protojson omits a zero port
/// ```
public enum PortNumber: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    case valid(Int)
    /// The raw text (a JSON number or string as written) of a value that is not a port.
    case invalid(String)

    public static let range = 0...65535

    public init(_ value: Int) {
        self = PortNumber.range.contains(value) ? .valid(value) : .invalid(String(value))
    }

    public init(integerLiteral value: Int) { self.init(value) }

    /// Decimal digits only (at most five, at most 65535); anything else is invalid.
    public init<S: StringProtocol>(text: S) {
        let u = text.utf8
        if !u.isEmpty, u.count <= 5, u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            var v = 0
            for c in u { v = v * 10 + Int(c - 0x30) }
            if v <= 65535 {
                self = .valid(v)
                return
            }
        }
        self = .invalid(String(text))
    }

    /// A proto `uint32` port field: absent is 0 (protojson omits zero values); a number or a
    /// string holding one is read from its text, so nothing is rounded through Double first.
    public init(json: JSONValue?) {
        guard let json else {
            self = .valid(0)
            return
        }
        if json.isNull {
            self = .valid(0)
        } else {
            self = PortNumber(text: json.rawText)
        }
    }

    /// The port, or nil when the data did not hold one.
    public var number: Int? {
        if case .valid(let n) = self { return n }
        return nil
    }

    public var isValid: Bool { number != nil }

    public var description: String {
        switch self {
        case .valid(let n): String(n)
        case .invalid(let raw): "<invalid port \(raw)>"
        }
    }

    public static func < (a: PortNumber, b: PortNumber) -> Bool {
        switch (a, b) {
        case (.valid(let x), .valid(let y)): x < y
        case (.valid, .invalid): true
        case (.invalid, .valid): false
        case (.invalid(let x), .invalid(let y)): GoCompat.less(x, y)
        }
    }
}
