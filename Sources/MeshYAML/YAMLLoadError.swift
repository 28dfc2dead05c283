import Yams

/// Why a YAML text could not be loaded, and where: always one line, so a caller prefixes
/// its file name and gets `FILE:LINE:COL: problem (context)`.
///
/// libyaml's messages may carry a newline or a quoted snippet of the input; the text is
/// flattened here, once, for every YAML reader.
public struct YAMLLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based document index in the stream.
    public var document: Int
    /// 1-based line and column, when the problem has a place.
    public var line: Int?
    public var column: Int?
    public var message: String
    /// What libyaml was reading when it failed, and where that began (`while parsing a flow
    /// sequence at line 2:4`). A place of its own, so a caller that parsed one document of a
    /// file alone can move it to the file's lines as it moves ``line``.
    public var context: Context?

    /// `while parsing a block mapping` at a 1-based line and column.
    public struct Context: Sendable, Equatable {
        public var text: String
        public var line: Int
        public var column: Int

        public init(text: String, line: Int, column: Int) {
            self.text = YAMLLoadError.oneLine(text)
            self.line = line
            self.column = column
        }

        /// ` (while parsing a block mapping at line 13:1)`, appended to a message.
        public var suffix: String { " (\(text) at line \(line):\(column))" }
    }

    public init(document: Int, line: Int?, column: Int?, message: String, context: Context? = nil) {
        self.document = document
        self.line = line
        self.column = column
        self.message = YAMLLoadError.oneLine(message)
        self.context = context
    }

    /// The message with its context: `did not find expected key (while parsing … at line 13:1)`.
    public var detail: String { message + (context?.suffix ?? "") }

    /// `LINE:COL: message (context)`, or just that without a place.
    public var description: String { place.map { "\($0): \(detail)" } ?? detail }

    /// `LINE:COL` (or `LINE`), nil when unknown.
    public var place: String? { line.map { l in column.map { "\(l):\($0)" } ?? "\(l)" } }

    /// Any error Yams throws, as one line with its place.
    init(_ error: any Error, document: Int) {
        guard let y = error as? YamlError else {
            self.init(document: document, line: nil, column: nil, message: "\(error)")
            return
        }
        switch y {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            self.init(document: document, line: mark.line, column: mark.column, message: problem,
                      context: context.map { Context(text: $0.text, line: $0.mark.line, column: $0.mark.column) })
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            self.init(document: document, line: context.mark.line, column: context.mark.column,
                      message: duplicates.count == 1 ? "mapping key \(keys) is defined more than once (the first is here)" : "mapping keys \(keys) are defined more than once (the first is here)")
        case .reader(let problem, let offset, _, _):
            self.init(document: document, line: nil, column: nil, message: problem + (offset.map { " at byte \($0)" } ?? ""))
        default:
            self.init(document: document, line: nil, column: nil, message: "\(y)")
        }
    }

    /// Control characters and line breaks become spaces, runs of spaces one space.
    static func oneLine(_ text: String) -> String {
        var out = ""
        var space = false
        for ch in text.unicodeScalars {
            if ch.value < 0x20 || ch.value == 0x7F || ch == " " || ch.value == 0x85 || ch.value == 0x2028 || ch.value == 0x2029 {
                space = !out.isEmpty
                continue
            }
            if space { out.unicodeScalars.append(" "); space = false }
            out.unicodeScalars.append(ch)
        }
        return out
    }
}
