import Foundation
import MeshModel

/// `meshscope --version`: the release number, plus the git commit when the binary was built
/// from a checkout.
///
/// SwiftPM cannot run `git describe` at build time without a plugin (and a generated file
/// would break fresh clones and CI), so the commit is read at run time, and only for a
/// binary that lives in a checkout's `.build` directory: `/src/meshscope/.build/debug/meshscope`
/// reports `/src/meshscope`'s HEAD. It is the checkout's HEAD now, which is the build's
/// commit unless the checkout moved since (or the build had uncommitted changes); the output
/// says where it came from. An installed binary prints the number alone.
///
/// ```
/// meshscope 0.15.0 (git 8dc7721f0c3e, HEAD of the checkout /src/meshscope)
/// ```
enum MeshScopeVersion {
    /// The one version number, also written into snapshots.
    static let number = SnapshotFormat.meshscopeVersion

    static let text: String = describe(executable: executablePath())

    static func describe(executable: String?) -> String {
        guard let executable, let root = checkoutRoot(of: executable), let commit = GitHead.commit(checkout: root) else {
            return "meshscope \(number)"
        }
        return "meshscope \(number) (git \(commit.prefix(12)), HEAD of the checkout \(root))"
    }

    /// The directory holding the `.build` the binary is in, if it is in one.
    static func checkoutRoot(of executable: String) -> String? {
        let parts = executable.split(separator: "/", omittingEmptySubsequences: false)
        guard let i = parts.lastIndex(of: ".build"), i > 0 else { return nil }
        let root = parts[..<i].joined(separator: "/")
        return root.isEmpty ? "/" : root
    }

    static func executablePath() -> String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath
    }
}

/// The commit a checkout's HEAD names, read from the files git keeps (no `git` process):
/// `.git` as a directory or a `gitdir:` file (worktrees, submodules), HEAD as a ref or a
/// detached commit, refs loose or in `packed-refs` of the common directory.
enum GitHead {
    static func commit(checkout: String) -> String? {
        guard let gitDir = gitDirectory(checkout: checkout), let head = read(gitDir + "/HEAD") else { return nil }
        let common = read(gitDir + "/commondir").map { resolve($0, relativeTo: gitDir) } ?? gitDir
        return commit(head: head, gitDir: gitDir, commonDir: common)
    }

    static func commit(head: String, gitDir: String, commonDir: String) -> String? {
        guard head.hasPrefix("ref:") else { return isCommit(head) ? head : nil }
        let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
        guard !ref.isEmpty, !ref.contains("..") else { return nil }
        for dir in [gitDir, commonDir] {
            if let sha = read(dir + "/" + ref), isCommit(sha) { return sha }
        }
        guard let packed = read(commonDir + "/packed-refs") else { return nil }
        return packedRef(ref, in: packed)
    }

    /// `packed-refs`: `SHA REF` lines (and `^SHA` peeled tags, `#` comments).
    static func packedRef(_ ref: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2, fields[1] == ref, isCommit(String(fields[0])) { return String(fields[0]) }
        }
        return nil
    }

    static func gitDirectory(checkout: String) -> String? {
        let dotGit = checkout + "/.git"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        return resolve(String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces), relativeTo: checkout)
    }

    static func resolve(_ path: String, relativeTo base: String) -> String {
        path.hasPrefix("/") ? path : base + "/" + path
    }

    static func isCommit(_ s: String) -> Bool {
        (s.utf8.count == 40 || s.utf8.count == 64) && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A small file's first line; nil when missing, unreadable or implausibly large.
    static func read(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, size.intValue <= 1 << 20,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        if path.hasSuffix("packed-refs") { return text }
        return text.split(separator: "\n", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
