import Foundation
import MeshClient
import MeshModel

/// The whole-mesh diff as the CLI prints it: two ``MeshSource``s read (``MeshDiffSources``),
/// compared (``MeshDiff``), printed as text or `-o json|yaml`. `meshscope diff A B` calls it
/// when A and B are snapshot files; anything that opens two sources can.
///
/// ```swift
/// let differs = try await MeshDiffCLI.run(before, after, options: DiffOptions(), format: .table)
/// ```
enum MeshDiffCLI {
    /// Prints the diff; returns whether the meshes differ.
    @discardableResult
    static func run(_ a: any MeshSource, _ b: any MeshSource, options: DiffOptions, format: DiffOutputFormat, maxConcurrent: Int = 8) async throws -> Bool {
        let console = Console.current
        let result: MeshDiffResult
        do {
            result = try await MeshDiffSources.compare(a, b, options: options, maxConcurrent: maxConcurrent)
        } catch let e as MeshSourceError {
            throw CLIError(.unavailable, e.message)
        }
        switch format {
        case .table:
            let color = console.isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            console.writeStyled(MeshDiff.render(result, DiffPrinter.Options(color: color)))
        case .json: console.write(JSONWriter.bytes(MeshDiff.structured(result)))
        case .yaml: console.write(YAMLWriter.string(MeshDiff.structured(result)))
        }
        for (proxy, why) in result.notCompared { console.error("meshscope: warning: \(proxy) not compared: \(why)") }
        return result.hasDifferences
    }

    /// Whether a file is a meshscope snapshot (`"meshscopeSnapshot"` in its first bytes, or gzipped).
    static func isSnapshot(_ path: String) -> Bool {
        guard path != "-", let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 4096)) ?? Data()
        // Compressed: only snapshots are written gzipped (`.json.gz`); the snapshot reader
        // says clearly when a gzipped file is something else.
        if head.count >= 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B { return true }
        return String(decoding: head, as: UTF8.self).contains("\"meshscopeSnapshot\"")
    }

    /// Opens a snapshot file as a source.
    static func openSnapshot(_ path: String) async throws -> any MeshSource {
        do {
            return try await SnapshotMeshSource.open(path: path)
        } catch {
            throw CLIError(.badInput, error.message)
        }
    }
}
