import MeshModel

/// The `--max-…` and `--…-timeout` flags: bounds on what meshscope reads, taken out of the
/// arguments wherever they stand (before or after the subcommand) and turned into
/// ``InputLimits`` before any command or the terminal UI runs, so every reader sees the
/// same bounds without each command declaring them.
///
/// ```
/// meshscope --max-json-depth 2000 pc all --file deep.json -o yaml
/// meshscope apply -f big.yaml --max-document-size 2Gi
/// ```
enum LimitFlags {
    /// The kind of value a flag takes and the limit it sets: the kind alone decides how the
    /// value is parsed and bounded, how it is named in help and errors, and how its default
    /// is written, so a new flag is one line.
    enum Value {
        /// A whole number from 1 to `Int32.max` (`N`).
        case count(WritableKeyPath<InputLimits, Int>)
        /// A size from 1 byte to 1Pi (`SIZE`: `1048576`, `512Mi`, `2G`).
        case size(WritableKeyPath<InputLimits, Int>)
        /// A duration up to a year (`DURATION`: `30s`, `2m`, `500ms`).
        case duration(WritableKeyPath<InputLimits, Double>)
    }

    struct Flag {
        var name: String
        var help: String
        var value: Value

        var valueName: String {
            switch value {
            case .count: "N"
            case .size: "SIZE"
            case .duration: "DURATION"
            }
        }

        /// What a usage error says the flag expects.
        var expectation: String {
            switch value {
            case .count: "expected a whole number from 1 to \(Int32.max)"
            case .size: "expected a size in bytes up to 1Pi (1048576, 512Mi, 1Gi, 2G)"
            case .duration: "expected a duration up to a year (30s, 2m, 500ms)"
            }
        }

        /// Sets the limit from `text`; false when `text` is not a value the flag takes.
        func apply(_ text: String, to limits: inout InputLimits) -> Bool {
            switch value {
            case .count(let limit):
                guard let n = LimitFlags.positive(text) else { return false }
                limits[keyPath: limit] = n
            case .size(let limit):
                guard let n = LimitFlags.size(text) else { return false }
                limits[keyPath: limit] = n
            case .duration(let limit):
                guard let seconds = LimitFlags.duration(text) else { return false }
                limits[keyPath: limit] = seconds
            }
            return true
        }

        /// The limit in `limits`, written as the flag takes it (`1Gi`, `30s`).
        func text(in limits: InputLimits) -> String {
            switch value {
            case .count(let limit): String(limits[keyPath: limit])
            case .size(let limit): InputLimits.sizeText(limits[keyPath: limit])
            case .duration(let limit): InputLimits.durationText(limits[keyPath: limit])
            }
        }
    }

    // Computed: key paths are not `Sendable`, so the table cannot be a stored `static let`.
    static var flags: [Flag] {
        [
            Flag(name: "--max-json-depth", help: "JSON/YAML nesting depth", value: .count(\.maxJSONDepth)),
            Flag(name: "--max-yaml-nodes", help: "YAML nodes after aliases", value: .count(\.maxYAMLNodes)),
            Flag(name: "--max-document-size", help: "size of a file read", value: .size(\.maxDocumentBytes)),
            Flag(name: "--max-decompressed-size", help: "gzip output size", value: .size(\.maxDecompressedBytes)),
            Flag(name: "--max-decompression-ratio", help: "gzip ratio, past 64Mi of output", value: .count(\.maxDecompressionRatio)),
            Flag(name: "--max-cell-width", help: "table cell width, in columns", value: .count(\.maxCellWidth)),
            Flag(name: "--exec-timeout", help: "exec credential plugin run time", value: .duration(\.execTimeout)),
            Flag(name: "--connect-timeout", help: "TCP and TLS connect time", value: .duration(\.connectTimeout)),
        ]
    }

    struct Extracted {
        var limits: InputLimits
        var rest: [String]
    }

    /// Removes the limit flags (`--flag VALUE` or `--flag=VALUE`, up to a `--`) from
    /// `arguments` and applies them to `base`. A missing or bad value is a usage error.
    static func extract(_ arguments: [String], base: InputLimits) throws(CLIError) -> Extracted {
        let flags = Self.flags
        var out = Extracted(limits: base, rest: [])
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            if arg == "--" {
                out.rest += arguments[i...]
                break
            }
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            guard let flag = flags.first(where: { $0.name == name }) else {
                out.rest.append(arg)
                i += 1
                continue
            }
            let value: String
            if name.count < arg.count {
                value = String(arg.dropFirst(name.count + 1))
            } else {
                guard i + 1 < arguments.count else { throw CLIError(.usage, "\(name) needs a value (\(flag.valueName))") }
                i += 1
                value = arguments[i]
            }
            guard flag.apply(value, to: &out.limits) else {
                throw CLIError(.usage, "\(name): \(flag.expectation), got \"\(value.prefix(64))\"")
            }
            i += 1
        }
        return out
    }

    // Upper bounds keep every later computation with a limit (a limit plus a margin, a
    // width times a row count) far from overflow.
    static func positive(_ text: String) -> Int? {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(text), n >= 1, n <= Int32.max else { return nil }
        return n
    }

    static func size(_ text: String) -> Int? {
        InputLimits.parseSize(text).flatMap { $0 >= 1 && $0 <= 1 << 50 ? $0 : nil }
    }

    static func duration(_ text: String) -> Double? {
        // At most a year: later arithmetic on deadlines must not overflow.
        InputLimits.parseDuration(text).flatMap { $0 > 0 && $0 <= 366 * 86_400 ? $0 : nil }
    }

    /// The "Limits" paragraph of `meshscope --help`.
    static var helpText: String {
        let d = InputLimits()
        // One line per flag, under the 80 columns where ArgumentParser wraps.
        var lines = ["Limits (any command and the terminal UI; before or after the subcommand):"]
        for f in flags {
            let left = "  \(f.name) \(f.valueName)"
            lines.append(left.padding(toLength: max(left.count + 1, 32), withPad: " ", startingAt: 0) + "\(f.help) (default \(f.text(in: d)))")
        }
        return lines.joined(separator: "\n")
    }
}
