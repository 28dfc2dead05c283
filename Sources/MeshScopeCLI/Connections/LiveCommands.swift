import ArgumentParser

// `connections` and `--demo` need MeshClient and MeshDemo (the Kubernetes branch). Until both
// are dependencies of this target they are compiled out, so the rest of the CLI builds alone.
#if canImport(MeshDemo) && canImport(MeshClient)
extension MeshScope {
    static let liveCommands: [any ParsableCommand.Type] = [ConnectionsCommand.self]
}

enum DemoHook {
    /// Runs `--demo …` when the arguments ask for it; nil otherwise.
    static func run(_ arguments: [String], _ run: @escaping ([String]) async -> Int32) async -> Int32? {
        do {
            guard let demo = try DemoMode.extract(arguments) else { return nil }
            return await DemoMode.run(demo, run: run)
        } catch {
            Console.current.error("meshscope: \(error.message)")
            return error.exitCode
        }
    }
}
#else
extension MeshScope {
    static let liveCommands: [any ParsableCommand.Type] = []
}

enum DemoHook {
    static func run(_ arguments: [String], _ run: @escaping ([String]) async -> Int32) async -> Int32? {
        guard arguments.contains("--demo") else { return nil }
        Console.current.error("meshscope: --demo needs the Kubernetes client and fake API server (MeshClient, MeshDemo), not in this build")
        return 1
    }
}
#endif
