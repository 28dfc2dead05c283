import Foundation

/// Real captures in `../shared/fixtures` (beside the project root). Never copied into the repo.
/// A missing fixture is a failure, not a skip: the corpus tests must always run.
enum Fixtures {
    static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["MESHSCOPE_FIXTURES"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func bytes(_ relative: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return [UInt8](data)
    }

    static func text(_ relative: String) throws -> String { String(decoding: try bytes(relative), as: UTF8.self) }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture missing: \(path) (tests read ../shared/fixtures)" }
    }
}
