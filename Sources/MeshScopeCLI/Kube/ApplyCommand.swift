import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// `meshscope apply (-f FILE|-f -|--clipboard) [--dry-run] [--yes] [--force-conflicts]`:
/// server-side apply with a dry-run preview, a confirmation, and a per-object result.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Server-side apply a manifest, after a dry-run preview and a confirmation.",
        discussion: """
        Every object is first sent with dryRun=All; the preview shows per object whether it will be
        created, changed (with a diff of live against the result) or left unchanged, or why it fails.
        Then meshscope asks before applying (--yes skips the question; without a terminal --yes is
        required). Objects are applied in document order with fieldManager=meshscope; --force-conflicts
        takes over fields other managers own. Objects without a namespace get the context's.
        """
    )

    @Option(name: [.short, .customLong("filename")], help: "Manifest file (YAML or JSON, multi-document), or - for stdin. Repeatable.")
    var files: [String] = []

    @Flag(help: "Read the manifest from the clipboard.")
    var clipboard = false

    @Flag(name: .customLong("dry-run"), help: "Only show the preview; change nothing.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Apply without asking.")
    var yes = false

    @Flag(name: .customLong("force-conflicts"), help: "Take ownership of fields other field managers own (server-side apply force).")
    var forceConflicts = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if files.isEmpty && !clipboard { throw ValidationError("give -f FILE, -f - (stdin) or --clipboard") }
        if !files.isEmpty && clipboard { throw ValidationError("-f and --clipboard cannot be used together") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("-f - can be given once") }
    }

    func run() async throws {
        let console = Console.current
        let docs = try await readManifests()
        try await connection.withClient { client in
            let conn = client.connection
            let applier = Applier(client: client)
            var entries = try await applier.plan(docs, defaultNamespace: conn.namespace)
            for e in entries {
                guard let ns = e.defaultedNamespace else { continue }
                let why: String
                switch conn.namespaceSource {
                case .flag: why = "from -n"
                case .context: why = "from context \"\(conn.contextName)\""
                case .serviceAccount: why = "of the pod's service account"
                case .defaulted: why = "(context \"\(conn.contextName)\" sets no namespace)"
                }
                console.error("meshscope: \(e.document.location): \(e.ref.kind) \(e.ref.name) has no namespace; using \"\(ns)\" \(why)")
            }
            entries = await applier.preview(entries, force: forceConflicts)
            console.write("Dry run against context \"\(conn.contextName)\" (\(conn.server)):\n")
            if dryRun { console.write(ManifestFindings.text(await ApplyCommand.introducedFindings(entries, client: client))) }
            console.write(ApplyTables.preview(entries).render())
            for e in entries {
                switch e.preview {
                case .change(let diff)?: console.write("\n" + diff)
                case .failed(let f)? where !f.details.isEmpty || f.summary.count > 60:
                    console.write("\n#\(e.document.index) \(e.ref) (\(e.document.location)):\n\(f)\n")
                default: break
                }
            }
            let failed = entries.filter { if case .failed? = $0.preview { true } else { false } }
            let changes = entries.filter { ApplyCommand.isChange($0.preview) }
            if dryRun {
                console.write("\nDry run: nothing was changed.\n")
                if !failed.isEmpty { throw CLIError(.badInput, "\(failed.count) of \(entries.count) objects would fail (see above)") }
                return
            }
            if changes.isEmpty {
                console.write("\nNothing to apply: \(entries.count - failed.count) unchanged\(failed.isEmpty ? "" : ", \(failed.count) failing the dry run").\n")
                if !failed.isEmpty { throw CLIError(.badInput, "\(failed.count) of \(entries.count) objects fail the dry run (see above)") }
                return
            }
            let creates = changes.filter { $0.preview == .create }.count
            let question = "Apply \(changes.count) change\(changes.count == 1 ? "" : "s") (\(creates) create, \(changes.count - creates) change) to context \"\(conn.contextName)\"" +
                (failed.isEmpty ? "" : "; \(failed.count) object\(failed.count == 1 ? "" : "s") failing the dry run will be skipped") + "? [y/N] "
            if !yes {
                switch Prompt.confirm(question) {
                case .yes: break
                case .no:
                    console.write("Not applied.\n")
                    return
                case .noTerminal:
                    throw CLIError(.badInput, "refusing to apply without confirmation: there is no terminal to ask on; pass --yes to apply, or --dry-run to only preview")
                }
            }
            entries = await applier.apply(entries, force: forceConflicts)
            console.write("\n" + ApplyTables.results(entries).render())
            for e in entries {
                if case .failed(let f)? = e.outcome, !f.details.isEmpty { console.write("\n#\(e.document.index) \(e.ref):\n\(f)\n") }
            }
            let bad = entries.filter { $0.outcome?.isFailure ?? true }
            if !bad.isEmpty {
                let ok = entries.count - bad.count
                throw CLIError(.badInput, "\(bad.count) of \(entries.count) objects were not applied (\(ok) succeeded): " + bad.map { "#\($0.document.index) \($0.ref)" }.joined(separator: ", "))
            }
        }
    }

    /// The findings the manifest would introduce (``ManifestFindings``), judged against the
    /// cluster's objects: the config rules, which need nothing else. When the objects cannot be
    /// read the preview goes on without them (a warning says why).
    static func introducedFindings(_ entries: [ApplyEntry], client: KubeClient, rules: [FindingRule] = FindingRules.all) async -> [Finding] {
        let admin = AdminClient(.apiServerProxy(client), timeout: 30, maxConcurrent: 4)
        let source = ClusterMeshSource(client: client, admin: admin, namespace: nil)
        var facts = MeshFacts(now: Date())
        do {
            facts.kube = KubeFacts(try await source.cluster())
        } catch {
            Console.current.error("meshscope: findings not checked: the cluster's objects could not be read: \(error.message)")
            await source.close()
            await admin.shutdown()
            return []
        }
        await source.close()
        await admin.shutdown()
        for input in FindingInput.allCases where input != .kubeObjects && input != .istioConfig {
            facts.unavailable[input] = "apply --dry-run reads only the cluster's objects"
        }
        let planned = entries.filter { if case .failed? = $0.preview { false } else { true } }
        let (objects, locations) = ManifestFindings.objects(planned)
        return ManifestFindings.introduced(by: objects, into: facts, rules: rules, locations: locations)
    }

    static func isChange(_ p: ApplyPreview?) -> Bool {
        switch p {
        case .create?, .change?: true
        default: false
        }
    }

    func readManifests() async throws -> [ManifestDocument] {
        var docs: [ManifestDocument] = []
        if clipboard {
            let contents: Clipboard.Contents
            do { contents = try await Clipboard().read() } catch { throw CLIError(.badInput, error.message) }
            Console.current.error("meshscope: read \(contents.bytes.count) bytes from the clipboard (\(contents.source))")
            docs = try parse(contents.bytes, source: "clipboard (\(contents.source))")
        }
        for file in files {
            let bytes = try InputFile.read(file)
            docs += try parse(bytes, source: InputFile.displayName(file))
        }
        return docs
    }

    func parse(_ bytes: [UInt8], source: String) throws -> [ManifestDocument] {
        do { return try ManifestParser.parse(bytes, source: source) } catch { throw CLIError(.badInput, error.description) }
    }
}

/// Asks a yes/no question on the controlling terminal (not stdin, which may carry the manifest).
enum Prompt {
    enum Answer { case yes, no, noTerminal }

    static func confirm(_ question: String) -> Answer {
        // Captured output (tests, embedding) never prompts.
        guard Console.current === Console.standard else { return .noTerminal }
        guard let tty = fopen("/dev/tty", "r+") else { return .noTerminal }
        defer { fclose(tty) }
        fputs(question, tty)
        fflush(tty)
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), tty) != nil else { return .no }
        let answer = String(cString: buffer).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return answer == "y" || answer == "yes" ? .yes : .no
    }
}
