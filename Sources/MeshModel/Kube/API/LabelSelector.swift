/// A label selector as typed after `-l` (`app=web,tier!=db,env in (prod,staging),!canary`).
///
/// The client passes the text to the API server unchanged; parsing it here catches typos
/// before a request and lets the fake server and the cache filter the same way.
///
/// ```swift
/// let s = try LabelSelector.parse("app=web,env in (prod,staging)")
/// s.matches(["app": "web", "env": "prod"])   // true
/// ```
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: Sendable, Equatable { case equals, notEquals, `in`, notIn, exists, doesNotExist }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var op: Operator
        public var values: [String]
    }

    public var requirements: [Requirement]
    public var description: String

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    public static let everything = LabelSelector(requirements: [], description: "")

    public static func parse(_ text: String) throws(ParseError) -> LabelSelector {
        var reqs: [Requirement] = []
        let chars = Array(text)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        func word() -> String {
            var w = ""
            while i < chars.count, !" ,=!()".contains(chars[i]) {
                w.append(chars[i])
                i += 1
            }
            return w
        }
        func fail(_ m: String) -> ParseError { ParseError(message: "invalid label selector \"\(text)\": \(m)") }

        skipSpaces()
        if i == chars.count { return .everything }
        while i < chars.count {
            skipSpaces()
            if chars[i] == "!" {
                i += 1
                skipSpaces()
                let key = word()
                if key.isEmpty { throw fail("expected a label key after '!'") }
                reqs.append(Requirement(key: key, op: .doesNotExist, values: []))
            } else {
                let key = word()
                if key.isEmpty { throw fail("expected a label key at position \(i + 1)") }
                skipSpaces()
                if i == chars.count || chars[i] == "," {
                    reqs.append(Requirement(key: key, op: .exists, values: []))
                } else if chars[i] == "=" || chars[i] == "!" {
                    let neg = chars[i] == "!"
                    i += 1
                    if i < chars.count, chars[i] == "=" { i += 1 } else if neg { throw fail("expected '=' after '!' in \"\(key)\"") }
                    skipSpaces()
                    let value = word()
                    reqs.append(Requirement(key: key, op: neg ? .notEquals : .equals, values: [value]))
                } else {
                    let opWord = word()
                    guard opWord == "in" || opWord == "notin" else { throw fail("unknown operator \"\(opWord)\" after \"\(key)\"") }
                    skipSpaces()
                    guard i < chars.count, chars[i] == "(" else { throw fail("expected '(' after \(opWord)") }
                    i += 1
                    var values: [String] = []
                    while true {
                        skipSpaces()
                        values.append(word())
                        skipSpaces()
                        guard i < chars.count else { throw fail("missing ')'") }
                        if chars[i] == ")" { i += 1; break }
                        guard chars[i] == "," else { throw fail("unexpected '\(chars[i])' in value list") }
                        i += 1
                    }
                    reqs.append(Requirement(key: key, op: opWord == "in" ? .in : .notIn, values: values))
                }
            }
            skipSpaces()
            if i < chars.count {
                guard chars[i] == "," else { throw fail("unexpected '\(chars[i])' at position \(i + 1)") }
                i += 1
            }
        }
        return LabelSelector(requirements: reqs, description: text)
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            let v = labels[r.key]
            switch r.op {
            case .equals: return v == r.values.first
            case .notEquals: return v != r.values.first
            case .in: return v.map { r.values.contains($0) } ?? false
            case .notIn: return v.map { !r.values.contains($0) } ?? true
            case .exists: return v != nil
            case .doesNotExist: return v == nil
            }
        }
    }
}
