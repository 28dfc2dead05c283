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
    struct Flag: Sendable {
        var name: String
        var valueName: String
        var help: String
        var apply: @Sendable (inout InputLimits, String) -> Bool
    }

    static let flags: [Flag] = [
        Flag(name: "--max-json-depth", valueName: "N", help: "JSON/YAML nesting depth") { l, v in
            positive(v).map { l.maxJSONDepth = $0 } != nil
        },
        Flag(name: "--max-yaml-nodes", valueName: "N", help: "YAML nodes after aliases") { l, v in
            positive(v).map { l.maxYAMLNodes = $0 } != nil
        },
        Flag(name: "--max-document-size", valueName: "SIZE", help: "size of a file read") { l, v in
            size(v).map { l.maxDocumentBytes = $0 } != nil
        },
        Flag(name: "--max-decompressed-size", valueName: "SIZE", help: "gzip output size") { l, v in
            size(v).map { l.maxDecompressedBytes = $0 } != nil
        },
        Flag(name: "--max-decompression-ratio", valueName: "N", help: "gzip ratio, past 64Mi of output") { l, v in
            positive(v).map { l.maxDecompressionRatio = $0 } != nil
        },
        Flag(name: "--max-cell-width", valueName: "N", help: "table cell width, in columns") { l, v in
            positive(v).map { l.maxCellWidth = $0 } != nil
        },
        Flag(name: "--exec-timeout", valueName: "DURATION", help: "exec credential plugin run time") { l, v in
            duration(v).map { l.execTimeout = $0 } != nil
        },
        Flag(name: "--connect-timeout", valueName: "DURATION", help: "TCP and TLS connect time") { l, v in
            duration(v).map { l.connectTimeout = $0 } != nil
        },
    ]

    struct Extracted {
        var limits: InputLimits
        var rest: [String]
    }

    /// Removes the limit flags (`--flag VALUE` or `--flag=VALUE`, up to a `--`) from
    /// `arguments` and applies them to `base`. A missing or bad value is a usage error.
    static func extract(_ arguments: [String], base: InputLimits) throws(CLIError) -> Extracted {
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
            guard flag.apply(&out.limits, value) else {
                throw CLIError(.usage, "\(name): \(expectation(flag.valueName)), got \"\(value.prefix(64))\"")
            }
            i += 1
        }
        return out
    }

    static func expectation(_ valueName: String) -> String {
        switch valueName {
        case "SIZE": "expected a size in bytes up to 1Pi (1048576, 512Mi, 1Gi, 2G)"
        case "DURATION": "expected a duration up to a year (30s, 2m, 500ms)"
        default: "expected a whole number from 1 to \(Int32.max)"
        }
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
        let defaults: [String: String] = [
            "--max-json-depth": String(d.maxJSONDepth), "--max-yaml-nodes": String(d.maxYAMLNodes),
            "--max-document-size": InputLimits.sizeText(d.maxDocumentBytes), "--max-decompressed-size": InputLimits.sizeText(d.maxDecompressedBytes),
            "--max-decompression-ratio": String(d.maxDecompressionRatio), "--max-cell-width": String(d.maxCellWidth),
            "--exec-timeout": InputLimits.durationText(d.execTimeout), "--connect-timeout": InputLimits.durationText(d.connectTimeout),
        ]
        // One line per flag, under the 80 columns where ArgumentParser wraps.
        var lines = ["Limits (any command and the terminal UI; before or after the subcommand):"]
        for f in flags {
            let left = "  \(f.name) \(f.valueName)"
            lines.append(left.padding(toLength: max(left.count + 1, 32), withPad: " ", startingAt: 0) + "\(f.help) (default \(defaults[f.name] ?? "?"))")
        }
        return lines.joined(separator: "\n")
    }
}
