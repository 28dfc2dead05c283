import Foundation
import MeshGen
import MeshModel
import MeshScopeApp
import TerminalUI

// Release-mode measurements of the TUI's state machine and renderer (docs/benchmarks.md, "TUI"):
//
//   swift build -c release --product meshscope-tui-bench
//   .build/release/meshscope-tui-bench [--edges 100000] [--repeat 30]
//
// 1. Key to frame on the real edges view at 100,000 rows (generated ztunnel metrics, read
//    through FileSource like `meshscope --file metrics.txt`): App.update + App.view +
//    Renderer.plan per key, p50/p99 per key.
// 2. Cells written by a refresh where only the rates change (the next metrics tick).

func argument(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
    return v
}

let edgeCount = argument("--edges", 100_000)
let repeats = argument("--repeat", 30)
let size = Size(width: 120, height: 40)
let clock = ContinuousClock()

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

// The metrics file, rewritten tick by tick with a 2 s mtime step (rates need an interval).
let dir = NSTemporaryDirectory() + "meshscope-tui-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }
let metrics = dir + "/metrics.txt"
let t0 = Date(timeIntervalSince1970: 1_700_000_000)
/// Read `read` happens 2 s after the previous one and finds the counters at `tick`.
func writeTick(_ tick: Int, read: Int) throws {
    let bytes = MetricsGenerator.generate(.init(series: edgeCount * 4, flavor: .ztunnel, tick: tick))
    try Data(bytes).write(to: URL(fileURLWithPath: metrics))
    try FileManager.default.setAttributes([.modificationDate: t0.addingTimeInterval(Double(read) * 2)], ofItemAtPath: metrics)
}

let source = FileSource(paths: [metrics])
try writeTick(0, read: 0)
var loadStart = clock.now
var data = try source.load()
print("metrics: \(edgeCount * 4) series, \((try FileManager.default.attributesOfItem(atPath: metrics)[.size] as? Int ?? 0) / 1_000_000) MB, load \(String(format: "%.0f", ms(clock.now - loadStart))) ms")
try writeTick(1, read: 1)
loadStart = clock.now
data = try source.load(previous: data)
print("second read (rates): \(String(format: "%.0f", ms(clock.now - loadStart))) ms")

var state = AppState(registry: AppViews.registry(for: data), data: data, source: SourceInfo(kind: .file, label: "file metrics.txt"),
                     home: "edges", size: size, theme: .defaultDark, now: t0)
state.loadedAt = t0
var renderer = Renderer()
_ = renderer.plan(App.view(state))
// The frame's title names the view and its row count: the real edges view, all rows in it.
let screen = App.view(state).lines
guard let title = screen.first(where: { $0.contains(" Edges[") }), title.contains(" Edges[\(edgeCount)] ") else {
    fatalError("the edges view did not open with \(edgeCount) rows:\n\(screen.joined(separator: "\n"))")
}
print("edges view: \(edgeCount) rows; on screen: \(screen.first { $0.contains("SOURCE") }?.split(separator: " ").filter { $0 != "│" }.joined(separator: " ") ?? "")")

/// One key: update, view, diff. Returns the time and what the frame wrote. Afterwards, as the
/// runtime does after each frame, the focused table's filter index starts building in the
/// background (off the timed key path; once per built table).
@MainActor func press(_ key: Key) -> (Duration, FrameStats) {
    let start = clock.now
    state = App.update(state, .input(.key(key))).0
    let stats = renderer.plan(App.view(state)).stats
    let took = clock.now - start
    state.prepareRowIndex()
    return (took, stats)
}

// The first frame is on screen: the runtime starts the row index in the background now.
let indexStart = clock.now
state.prepareRowIndex()

print("")
print("key → frame at \(edgeCount) rows, 120×40, \(repeats) rounds (update + view + diff)")
print("key                          p50 ms    p99 ms    max ms   cells/frame")
func report(_ name: String, _ times: [Duration], _ cells: [Int]) {
    let xs = times.map(ms)
    print(name.padding(toLength: 26, withPad: " ", startingAt: 0)
          + String(format: "%9.2f %9.2f %9.2f %10d", percentile(xs, 0.5), percentile(xs, 0.99), xs.max() ?? 0, cells.max() ?? 0))
}

// Navigation keys: each round walks down, pages, jumps to the end and back.
let navigation: [(String, [Key])] = [
    ("j (down)", [.char("j")]), ("k (up)", [.char("k")]), ("PgDn", [.pageDown]), ("PgUp", [.pageUp]),
    ("End (last row)", [.end]), ("g (first row)", [.char("g")]),
    // Columns: one to the right and back (the layout is recomputed, every row repainted),
    // and Ctrl-W wide on and off (every column at its natural width).
    ("→ ← (scroll a column)", [.right, .left]), ("Ctrl-W (wide on/off)", [.ctrl("w"), .ctrl("w")]),
]
for (name, keys) in navigation {
    var times: [Duration] = [], cells: [Int] = []
    for _ in 0..<repeats {
        for k in keys {
            let (t, s) = press(k)
            times.append(t)
            cells.append(s.cells)
        }
        if name.hasPrefix("k") || name.hasPrefix("PgUp") { _ = press(.char("j")); _ = press(.pageDown) }
    }
    report(name, times, cells)
}

// Sorting: Shift+letter re-sorts 100k rows (the one O(n log n) key); fewer rounds.
do {
    var times: [Duration] = [], cells: [Int] = []
    for i in 0..<max(3, repeats / 5) {
        let (t, s) = press(.char(i % 2 == 0 ? "D" : "O"))   // DESTINATION, OPEN
        times.append(t)
        cells.append(s.cells)
    }
    report("Shift+letter (sort)", times, cells)
}

// Filtering: each keystroke of `/client-42` re-filters the 100k rows; then Esc clears it.
// The first keystroke scans the whole table through the row index, which the runtime built
// in the background after the first frame (timed above: the keys ran meanwhile, none waited
// for it); the others scan only the rows the shorter text kept.
do {
    var times: [Duration] = [], cells: [Int] = []
    var first: [Duration] = []
    var clear: [Duration] = []
    if case .table(let t) = state.focused {
        while !t.rowIndexReady { usleep(1000) }
        print("row index (background, started after the first frame): ready \(String(format: "%.0f", ms(clock.now - indexStart))) ms after it")
    }
    for round in 0..<max(3, repeats / 5) {
        _ = press(.char("/"))
        for (i, c) in "client-42".enumerated() {
            let (t, s) = press(.char(c))
            if i == 0 {
                if round == 0 { print("first filter keystroke on a screen never filtered: \(String(format: "%.2f", ms(t))) ms") }
                first.append(t)
            } else {
                times.append(t)
            }
            cells.append(s.cells)
        }
        _ = press(.enter)
        clear.append(press(.escape).0)
    }
    report("filter: first keystroke", first, cells)
    report("filter: typing on", times, cells)
    report("filter keystroke (all)", first + times, cells)
    report("Esc (clear filter)", clear, [0])
}

// A rates-only refresh: the metrics file advances (by 2, 1, 3 ticks: the counters grow at a
// different pace each read, so every visible rate cell changes); the rows stay where they are.
print("")
for (read, tick) in [(2, 3), (3, 4), (4, 7)] {
    try writeTick(tick, read: read)
    let next = try source.load(previous: state.data)
    let at = t0.addingTimeInterval(Double(read) * 2)
    state = App.update(state, .tick(at)).0
    state = App.update(state, .loaded(next, at: at)).0
    let start = clock.now
    let stats = renderer.plan(App.view(state)).stats
    print("rates-only refresh (read \(read)): \(stats) in \(String(format: "%.2f", ms(clock.now - start))) ms (view + diff)")
}
