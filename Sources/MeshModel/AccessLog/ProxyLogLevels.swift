import Foundation

/// A proxy's log levels as its `/logging` endpoint answers: Envoy lists every logger
/// (`active loggers:` then `  name: level` lines), ztunnel says `current log level is …`.
///
/// ```swift
/// let l = ProxyLogLevels.parse("active loggers:\n  admin: warning\n  rbac: debug\n")
/// l.loggers["rbac"]   // "debug"
/// ProxyLogLevels.parse("current log level is info\n").ztunnelLevel   // "info"
/// ```
public struct ProxyLogLevels: Sendable, Equatable {
    /// Envoy's loggers and their levels, in the order listed.
    public var loggers: [(name: String, level: String)] = []
    /// ztunnel's level specification (`info`, `access:debug,info`).
    public var ztunnelLevel: String?

    public static func == (a: ProxyLogLevels, b: ProxyLogLevels) -> Bool {
        a.ztunnelLevel == b.ztunnelLevel && a.loggers.map(\.name) == b.loggers.map(\.name) && a.loggers.map(\.level) == b.loggers.map(\.level)
    }

    /// Levels Envoy accepts (`warn` is read as `warning`).
    public static let envoyLevels = ["trace", "debug", "info", "warning", "error", "critical", "off"]

    public var isZtunnel: Bool { ztunnelLevel != nil }

    public static func parse(_ text: String) -> ProxyLogLevels {
        var out = ProxyLogLevels()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("current log level is ") {
                out.ztunnelLevel = String(line.dropFirst("current log level is ".count))
                continue
            }
            if line == "active loggers:" || line.isEmpty { continue }
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                out.loggers.append((String(parts[0]).trimmingCharacters(in: .whitespaces), String(parts[1]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return out
    }

    /// The table: one row per logger (Envoy) or the one level (ztunnel).
    public var table: Table {
        var t = Table(columns: [.init("LOGGER"), .init("LEVEL")])
        if let z = ztunnelLevel {
            t.rows = [["ztunnel", z]]
        } else {
            t.rows = loggers.map { [$0.name, $0.level] }
        }
        return t
    }

    public var outputNode: JSONTree {
        if let z = ztunnelLevel { return .object([("level", .string(z))]) }
        return .object(loggers.map { ($0.name, .string($0.level)) })
    }

    /// `--level debug,rbac:trace` → the `/logging` queries Envoy takes, one per change
    /// (`level=debug`, `rbac=trace`); a bad level is an error naming it.
    public static func envoyQueries(_ spec: String) throws(Invalid) -> [String] {
        var out: [String] = []
        for item in spec.split(separator: ",") {
            let kv = item.split(separator: ":", maxSplits: 1).map(String.init)
            let level = (kv.count == 2 ? kv[1] : kv[0]).lowercased()
            let normalized = level == "warn" ? "warning" : level
            guard envoyLevels.contains(normalized) else {
                throw Invalid(description: "--level \(item): \"\(level)\" is not a level (\(envoyLevels.joined(separator: ", ")))")
            }
            if kv.count == 2 {
                guard !kv[0].isEmpty, kv[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                    throw Invalid(description: "--level \(item): \"\(kv[0])\" is not a logger name")
                }
                out.append("\(kv[0])=\(normalized)")
            } else {
                out.append("level=\(normalized)")
            }
        }
        if out.isEmpty { throw Invalid(description: "--level: no level given") }
        return out
    }

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }
}
