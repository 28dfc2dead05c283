import Foundation

/// A Kubernetes-style equality label selector, as typed after `/-l`:
/// `app=reviews,version!=v1,node` (`=`/`==` equal, `!=` differ, a bare key must exist).
///
/// ```swift
/// let s = try LabelSelector("app=reviews,version!=v1")
/// s.matches(["app": "reviews", "version": "v2"])   // true
/// ```
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Op: Sendable, Equatable { case equal, notEqual, exists, notExists }
    public struct Term: Sendable, Equatable {
        public var key: String
        public var op: Op
        public var value: String
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var terms: [Term]
    public var text: String

    public init(_ text: String) throws(ParseError) {
        self.text = text
        terms = []
        for raw in text.split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            if let r = part.range(of: "!=") {
                terms.append(Term(key: String(part[..<r.lowerBound]), op: .notEqual, value: String(part[r.upperBound...])))
            } else if let r = part.range(of: "==") ?? part.range(of: "=") {
                terms.append(Term(key: String(part[..<r.lowerBound]), op: .equal, value: String(part[r.upperBound...])))
            } else if part.hasPrefix("!") {
                terms.append(Term(key: String(part.dropFirst()), op: .notExists, value: ""))
            } else {
                terms.append(Term(key: part, op: .exists, value: ""))
            }
            if terms.last!.key.isEmpty { throw ParseError(description: "label selector: empty key in \"\(part)\"") }
        }
    }

    public func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { t in
            switch t.op {
            case .equal: labels[t.key] == t.value
            case .notEqual: labels[t.key] != t.value
            case .exists: labels[t.key] != nil
            case .notExists: labels[t.key] == nil
            }
        }
    }

    public var description: String { "-l " + text }
}

