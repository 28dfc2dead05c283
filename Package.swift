// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "meshscope",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "meshscope", targets: ["meshscope"]),
        .library(name: "MeshModel", targets: ["MeshModel"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The bottom of the graph, knowing nothing of meshes: terminal-safe text and widths,
        // tables of text cells (Go's tabwriter), and the input limits every reader checks.
        .target(name: "MeshBase"),
        // Pure values and functions: decoders, joins, analyses, table builders. No I/O, no curses.
        .target(
            name: "MeshModel",
            dependencies: [
                "MeshBase",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Seeded generators of synthetic meshes and their admin outputs (benchmarks, demo, tests).
        .target(
            name: "MeshGen",
            dependencies: [
                "MeshModel",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The headless face: argument parsing and printers over MeshModel tables.
        .target(
            name: "MeshScopeCLI",
            dependencies: [
                "MeshModel",
                "MeshGen",
                "MeshScopeApp",
                "MeshClient",
                "MeshDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(name: "meshscope", dependencies: ["MeshScopeCLI"]),
        // ncursesw behind a small C target: macros and C globals that do not import into Swift 6
        // become functions, and the terminal-restore and crash-handler state lives once, in shim.c.
        .target(name: "CNcurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        // Cell buffer, widgets, diffing renderer, curses backend, input decoding, themes.
        // Knows nothing of meshes: text widths and tables come from MeshBase.
        .target(
            name: "TerminalUI",
            dependencies: ["CNcurses", "MeshBase", "MeshYAML", .product(name: "Yams", package: "Yams")]
        ),
        // The one YAML loader: Yams behind the InputLimits checks (size, depth, alias expansion).
        .target(name: "MeshYAML", dependencies: ["MeshBase", .product(name: "Yams", package: "Yams")]),
        // The TUI as a pure state machine plus the runtime that drives it.
        .target(name: "MeshScopeApp", dependencies: ["TerminalUI", "MeshModel", "MeshClient"]),
        // I/O: kubeconfig and auth, the Kubernetes client (discovery, list/watch, apply),
        // admin access through the API server, the clipboard.
        .target(
            name: "MeshClient",
            dependencies: [
                "MeshModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                "MeshYAML",
                .product(name: "Logging", package: "swift-log"),
                "CZlib",
            ]
        ),
        // In-process fake servers on loopback: a Kubernetes API server and admin servers.
        .target(
            name: "MeshDemo",
            dependencies: [
                "MeshModel",
                "MeshGen",
                "MeshClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "MeshClientTests",
            dependencies: ["MeshTestSupport", "MeshClient", "MeshDemo", "MeshModel", "MeshScopeCLI", "MeshYAML"]
        ),
        // Shared by the test targets: the path to ../shared/fixtures (a missing fixture fails),
        // sample data built from MeshModel's lists, the demo on loopback with its kubeconfig (DemoSetup).
        .target(name: "MeshTestSupport", dependencies: ["MeshModel", "MeshClient", "MeshDemo", "MeshGen"], path: "Tests/MeshTestSupport"),
        .testTarget(
            name: "MeshModelTests",
            dependencies: ["MeshTestSupport", "MeshModel", "MeshGen", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "MeshScopeBenchmarks",
            dependencies: ["MeshModel", "MeshGen", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/MeshScopeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Benchmark for docs/benchmarks.md: list+cache 10k pods / 2k services, apply 200 objects,
        // the live store over the demo mesh.
        .executableTarget(
            name: "MeshBench",
            dependencies: ["MeshClient", "MeshDemo", "MeshModel", "MeshGen"],
            path: "Benchmarks/MeshBench"
        ),
        // Release-mode TUI measurements (key to frame at 100k rows, rates-only refresh): docs/benchmarks.md.
        .executableTarget(
            name: "meshscope-tui-bench",
            dependencies: ["MeshScopeApp", "TerminalUI", "MeshModel", "MeshGen"],
            path: "Benchmarks/TUIBench"
        ),
        .testTarget(name: "MeshGenTests", dependencies: ["MeshGen", "MeshModel"]),
        .testTarget(
            name: "MeshScopeCLITests",
            dependencies: ["MeshTestSupport", "MeshScopeCLI", "MeshModel", "MeshGen", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "TerminalUITests",
            dependencies: ["TerminalUI", "MeshBase", .product(name: "Yams", package: "Yams")]
        ),
        // meshscope with the crash tests' hooks (MESHSCOPE_TEST_CRASH_*): the real crash handler
        // and terminal restore, made to trap on cue. Test-only: not a product, not in `meshscope`.
        .executableTarget(
            name: "meshscope-crashtest",
            dependencies: ["MeshScopeCLI", "MeshScopeApp", "TerminalUI"],
            path: "Tests/CrashHarness"
        ),
        .testTarget(
            name: "MeshScopeAppTests",
            dependencies: [
                "MeshTestSupport", "MeshScopeApp", "TerminalUI", "MeshModel", "MeshClient", "MeshDemo", "MeshGen",
                "meshscope", "meshscope-crashtest",
            ]
        ),
        // Seeded mutation fuzzing of every decoder and printer (docs/fuzzing.md).
        .testTarget(
            name: "FuzzTests",
            dependencies: [
                "MeshTestSupport", "MeshScopeCLI", "MeshScopeApp", "MeshClient", "MeshModel", "MeshGen", "TerminalUI",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // System zlib for .json.gz snapshots (a shim: deflateInit2/inflateInit2 are macros).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    ]
)
