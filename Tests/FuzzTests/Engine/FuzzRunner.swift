import Foundation
import Testing

/// Runs a target: seeds first, then mutated cases, each checked for traps (the process
/// dies, leaving `last-input-NAME.fuzz` behind), time, memory and the target's own checks.
enum FuzzRunner {
    /// Findings saved per target per run (the first of each kind is what matters).
    static let maxSavedFindings = 5

    static func run(_ target: FuzzTarget) async {
        let config = FuzzConfig.current
        let name = target.name.rawValue
        if let replay = config.replay {
            let base = (replay as NSString).lastPathComponent
            guard base.hasPrefix(name + "-") || base == "last-input-\(name).fuzz" else { return }
            guard let data = FileManager.default.contents(atPath: replay) else {
                Issue.record("cannot read \(replay)")
                return
            }
            let c = FuzzCase(decoding: [UInt8](data))
            print("fuzz \(name): replaying \(replay) (\(c.parts.map(\.count)) bytes, variant \(c.variant))")
            var summary = Summary()
            await runOne(target, c, iteration: 0, config: config, summary: &summary)
            summary.print(name, config: config)
            return
        }
        var rng = FuzzRandom(seed: config.seed ^ stableHash(name))
        let deadline = config.secondsPerTarget.map { Date().addingTimeInterval($0) }
        let mutators = target.formats.map { Mutator($0, config: config) }
        var summary = Summary()
        var i = 0
        while deadline.map({ Date() < $0 }) ?? (i < target.iterations) {
            defer { i += 1 }
            let c: FuzzCase
            if i < target.seeds.count {
                c = target.seeds[i]
            } else {
                let seed = rng.pick(target.seeds), other = rng.pick(target.seeds)
                var parts = seed.parts
                let forced = rng.below(parts.count)
                for p in parts.indices where p == forced || rng.chance(40) {
                    parts[p] = mutators[min(p, mutators.count - 1)].mutate(parts[p], other: other.parts[min(p, other.parts.count - 1)], &rng)
                }
                c = FuzzCase(parts: parts, variant: rng.next())
            }
            if target.skip(c) {
                summary.skipped += 1
                continue
            }
            await runOne(target, c, iteration: i, config: config, summary: &summary)
            // Decoding is synchronous CPU work: give the two-thread task pool back between
            // inputs so the suites running beside this one (timers, servers) are not starved.
            await Task.yield()
        }
        summary.print(name, config: config)
    }

    struct Summary {
        var inputs = 0, skipped = 0, saved = 0, terminal = 0
        var seconds = 0.0, slowest = 0.0, maxRSSGrowth = 0
        var firstTerminal: [String] = []
        var seenProblems: Set<String> = []

        func print(_ name: String, config: FuzzConfig) {
            var line = "fuzz \(name): \(inputs) inputs in \(String(format: "%.2f", seconds)) s (slowest \(String(format: "%.3f", slowest)) s, "
                + "max RSS growth \(maxRSSGrowth >> 20) MiB), seed \(config.seed)"
            if skipped > 0 { line += ", \(skipped) skipped (open known issues)" }
            if terminal > 0 { line += ", \(terminal) with control characters on a terminal path" }
            Swift.print(line)
            for t in firstTerminal { Swift.print("fuzz \(name):   terminal: \(t)") }
        }
    }

    static func runOne(_ target: FuzzTarget, _ c: FuzzCase, iteration: Int, config: FuzzConfig, summary: inout Summary) async {
        let name = target.name.rawValue
        // Written before the run: a trap kills the process and leaves this file behind.
        c.write(to: config.directory + "/last-input-\(name).fuzz")
        let rss0 = residentBytes()
        let start = ContinuousClock.now
        var outcome = await target.check(c)
        if iteration < target.seeds.count, config.replay == nil, let code = outcome.exitCode, code != 0 {
            outcome.problem("seed \(iteration) (unmutated) exits \(code): the seed or the command line is wrong")
        }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let growth = residentBytes() - rss0
        summary.inputs += 1
        summary.seconds += seconds
        summary.slowest = max(summary.slowest, seconds)
        summary.maxRSSGrowth = max(summary.maxRSSGrowth, growth)
        if seconds > config.maxSecondsPerInput {
            outcome.problem("took \(String(format: "%.2f", seconds)) s (limit \(config.maxSecondsPerInput) s)")
        }
        if growth > config.maxRSSGrowthBytes {
            outcome.problem("resident memory grew by \(growth >> 20) MiB (limit \(config.maxRSSGrowthBytes >> 20) MiB)")
        }
        if !outcome.terminal.isEmpty {
            summary.terminal += 1
            if summary.firstTerminal.count < 3 { summary.firstTerminal.append(String(outcome.terminal[0].prefix(300))) }
        }
        let enforceTerminal = config.generates(.terminalEscapes)
        let failures = outcome.problems + (enforceTerminal ? outcome.terminal : [])
        guard !failures.isEmpty else { return }
        let kind = String(failures[0].prefix(60))
        guard summary.saved < maxSavedFindings, summary.seenProblems.insert(kind).inserted else { return }
        summary.saved += 1
        let path = config.directory + "/\(name)-\(config.seed)-\(iteration).fuzz"
        c.write(to: path)
        Issue.record("""
            fuzz \(name): \(failures[0].prefix(500))\(failures.count > 1 ? " (+\(failures.count - 1) more)" : "")
            input saved to \(path) (seed \(config.seed), iteration \(iteration)); replay: MESHSCOPE_FUZZ_REPLAY=\(path) swift test --skip-build --filter Fuzz
            """)
    }

    /// Resident set size from /proc/self/statm (0 where there is no /proc).
    static func residentBytes() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = s.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
