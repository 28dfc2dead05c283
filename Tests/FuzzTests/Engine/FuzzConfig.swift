import Foundation

/// How a fuzz run is driven, from the environment (docs/fuzzing.md):
///
/// - default (CI): a fixed seed and a fixed number of iterations per target, so `swift test`
///   is deterministic and stays within its minute;
/// - `MESHSCOPE_FUZZ_SECONDS=N`: a time budget of N seconds for the whole suite, shared
///   equally by the targets, with a random seed unless `MESHSCOPE_FUZZ_SEED` is given;
/// - `MESHSCOPE_FUZZ_SEED=S`: the run seed (decimal or 0x-hex);
/// - `MESHSCOPE_FUZZ_REPLAY=PATH`: run only the target the file belongs to, on that one input;
/// - `MESHSCOPE_FUZZ_DIR=DIR`: where findings and the "last input" files go;
/// - `MESHSCOPE_FUZZ_KNOWN=all` (or a comma list of ``KnownIssue`` names): also generate
///   the inputs of issues being fixed elsewhere (see ``KnownIssue``).
struct FuzzConfig: Sendable {
    /// The CI seed. Changing it changes every input of the default run.
    static let defaultSeed: UInt64 = 0x6D65_7368_7363_6F70  // "meshscop"

    var seed: UInt64
    var secondsPerTarget: Double?
    var replay: String?
    var directory: String
    var enabledKnownIssues: Set<KnownIssue>
    /// Longest a single input may take: 4 s in a debug build, twice the slowest input seen
    /// (1.2 s) while the whole test suite ran beside it on two cores.
    var maxSecondsPerInput: Double
    /// Most the resident set may grow while one input runs.
    var maxRSSGrowthBytes: Int

    static let current: FuzzConfig = {
        let env = ProcessInfo.processInfo.environment
        let seconds = env["MESHSCOPE_FUZZ_SECONDS"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        let seed: UInt64
        if let s = env["MESHSCOPE_FUZZ_SEED"], let v = parseSeed(s) {
            seed = v
        } else if seconds != nil {
            var g = SystemRandomNumberGenerator()
            seed = g.next()
        } else {
            seed = defaultSeed
        }
        let dir = env["MESHSCOPE_FUZZ_DIR"] ?? (NSTemporaryDirectory() + "meshscope-fuzz")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let known: Set<KnownIssue>
        switch env["MESHSCOPE_FUZZ_KNOWN"] {
        case "all": known = Set(KnownIssue.allCases)
        case let list?: known = Set(list.split(separator: ",").compactMap { KnownIssue(rawValue: String($0)) })
        case nil: known = []
        }
        let replay = env["MESHSCOPE_FUZZ_REPLAY"].flatMap { $0.isEmpty ? nil : $0 }
        return FuzzConfig(seed: seed, secondsPerTarget: seconds.map { $0 / Double(FuzzTargetName.allCases.count) },
                          replay: replay, directory: dir, enabledKnownIssues: known,
                          maxSecondsPerInput: env["MESHSCOPE_FUZZ_INPUT_SECONDS"].flatMap(Double.init) ?? 4,
                          maxRSSGrowthBytes: 256 << 20)
    }()

    static func parseSeed(_ s: String) -> UInt64? {
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : UInt64(s)
    }

    /// Whether inputs that trip `issue` are generated in this run.
    func generates(_ issue: KnownIssue) -> Bool { issue.isFixed || enabledKnownIssues.contains(issue) }
}
