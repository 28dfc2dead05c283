import CYaml
import MeshBase

/// Checks a YAML stream against ``InputLimits`` before anything builds nodes from it.
///
/// The expansion of aliases is not in libyaml (which only reports `*a`) nor in Yams's
/// composer (an alias there shares its anchor's storage), but in every walk over the
/// composed tree: converting a "billion laughs" document to values, or even hashing an
/// alias used as a mapping key while Yams checks duplicate keys, visits each node once
/// per path to it. So the bound sits in front of the composer: one pass over libyaml's
/// events counts the nodes the document stands for, an alias counting the size of its
/// anchor (remembered when the anchor closes, never expanded), and stops at
/// `maxYAMLNodes`. The same pass bounds nesting at `maxJSONDepth` (the composer and every
/// later walk recurse) and reports syntax errors as one-line ``YAMLLoadError``s.
enum YAMLBudget {
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, limits: InputLimits) throws(YAMLLoadError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLLoadError(document: 1, line: nil, column: nil, message: "out of memory starting the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        // libyaml's own bound (a process-wide C global) is set above ours, so the message
        // that names our flag is the one a user sees. libyaml compares its indent stack plus
        // the scanner's flow level, and the scanner runs up to 1024 characters (the longest
        // simple key) ahead of the events.
        yaml_set_max_nest_level(Int32(clamping: min(limits.maxJSONDepth, Int(Int32.max / 4)) * 2 + 1100))

        /// An open sequence or mapping: how many nodes it holds so far, and its anchor.
        struct Open { var nodes: Int; var anchor: String? }
        var open: [Open] = []
        // Yams keeps anchors across the documents of a stream, so sizes are kept too.
        var anchorSizes: [String: Int] = [:]
        var document = 0
        var total = 0

        func place(_ mark: yaml_mark_t) -> (Int, Int) { (Int(clamping: mark.line) + 1, Int(clamping: mark.column) + 1) }
        func anchorName(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? { p.map { String(cString: $0) } }

        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser, document: max(document, 1)) }
            defer { yaml_event_delete(&event) }
            var added = 0
            var anchor: String?
            var closed: Open?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                document += 1
                total = 0
                open.removeAll(keepingCapacity: true)
            case YAML_SCALAR_EVENT:
                added = 1
                anchor = anchorName(event.data.scalar.anchor)
            case YAML_ALIAS_EVENT:
                // An undefined alias is the composer's error to report.
                added = anchorName(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                if open.count >= limits.maxJSONDepth {
                    let (line, column) = place(event.start_mark)
                    throw YAMLLoadError(document: document, line: line, column: column,
                                        message: "YAML nested deeper than \(limits.maxJSONDepth) levels " + InputLimits.hint(String(limits.maxJSONDepth), flag: "--max-json-depth"))
                }
                let name = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append(Open(nodes: 1, anchor: anchorName(name)))
                total += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                closed = open.popLast()
            default:
                break
            }
            if let closed {
                if let a = closed.anchor { anchorSizes[a] = closed.nodes }
                if !open.isEmpty { open[open.count - 1].nodes += closed.nodes }
            }
            if added > 0 {
                if let anchor { anchorSizes[anchor] = added }
                if !open.isEmpty { open[open.count - 1].nodes += added }
                total += added
            }
            // Every count is at most `total`, and `total` at most twice the limit here,
            // so nothing overflows.
            if total > limits.maxYAMLNodes {
                let (line, column) = place(event.start_mark)
                throw YAMLLoadError(document: document, line: line, column: column,
                                    message: "YAML document expands to more than \(limits.maxYAMLNodes) nodes through aliases " + InputLimits.hint(String(limits.maxYAMLNodes), flag: "--max-yaml-nodes"))
            }
        }
    }

    static func syntaxError(_ parser: yaml_parser_t, document: Int) -> YAMLLoadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            return YAMLLoadError(document: document, line: nil, column: nil, message: "\(problem) at byte \(parser.problem_offset)")
        }
        if parser.error == YAML_MEMORY_ERROR {
            return YAMLLoadError(document: document, line: nil, column: nil, message: "out of memory while parsing YAML")
        }
        let context = parser.context.map {
            YAMLLoadError.Context(text: String(cString: $0), line: Int(clamping: parser.context_mark.line) + 1,
                                  column: Int(clamping: parser.context_mark.column) + 1)
        }
        return YAMLLoadError(document: document, line: Int(clamping: parser.problem_mark.line) + 1,
                             column: Int(clamping: parser.problem_mark.column) + 1, message: problem, context: context)
    }
}
