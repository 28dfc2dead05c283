import Foundation
@testable import MeshDemo
import MeshModel
import Testing

/// The fake server's server-side apply semantics.
@Suite struct FieldOwnershipTests {
    static func tree(_ json: String) throws -> JSONTree { try JSONTree(json: Array(json.utf8)) }
    static let now = "2024-01-01T00:00:00Z"

    static func merged(_ r: FieldOwnership.ApplyResult) -> JSONTree? {
        if case .merged(let t) = r { return t }
        return nil
    }

    @Test func createRecordsOwnershipInFieldsV1() throws {
        let applied = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"n","labels":{"app":"x"}},"data":{"k":"v"}}"#)
        let result = try #require(Self.merged(FieldOwnership.apply(applied, onto: nil, manager: "me", force: false, now: Self.now)))
        let entry = try #require(result["metadata"]?["managedFields"]?.arrayValue?.first)
        #expect(entry["manager"] == "me")
        #expect(entry["operation"] == "Apply")
        #expect(entry["fieldsV1"] == .object([
            ("f:data", .object([("f:k", .object(JSONObject()))])),
            ("f:metadata", .object([("f:labels", .object([("f:app", .object(JSONObject()))]))])),
        ]))
    }

    @Test func conflictsOnlyWhenValuesDiffer() throws {
        let live = FieldOwnership.update(try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v","j":"1"}}"#),
                                         previous: nil, manager: "editor", now: Self.now)
        // Same value: shared ownership, no conflict.
        let same = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}"#)
        let shared = try #require(Self.merged(FieldOwnership.apply(same, onto: live, manager: "me", force: false, now: Self.now)))
        let managers = FieldOwnership.decodeManagers(shared)
        #expect(managers.map(\.manager) == ["editor", "me"])
        #expect(managers[0].fields.contains(["data", "k"]))
        #expect(managers[1].fields == [["data", "k"]])

        // Different value: conflict naming the manager and field.
        let different = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"w"}}"#)
        guard case .conflicts(let c) = FieldOwnership.apply(different, onto: live, manager: "me", force: false, now: Self.now) else {
            Issue.record("expected a conflict")
            return
        }
        #expect(c == [FieldOwnership.Conflict(manager: "editor", apiVersion: "v1", path: ["data", "k"])])

        // Forced: ownership moves, the other manager keeps the rest.
        let forced = try #require(Self.merged(FieldOwnership.apply(different, onto: live, manager: "me", force: true, now: Self.now)))
        #expect(forced["data"]?["k"] == "w")
        let after = FieldOwnership.decodeManagers(forced)
        #expect(after.first { $0.manager == "editor" }?.fields == [["data", "j"]])
    }

    @Test func fieldsNoLongerAppliedAreRemoved() throws {
        let v1 = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"1","y":"2"}},"data":{"k":"v"}}"#)
        let first = try #require(Self.merged(FieldOwnership.apply(v1, onto: nil, manager: "me", force: false, now: Self.now)))
        let v2 = try Self.tree(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"1"}}}"#)
        let second = try #require(Self.merged(FieldOwnership.apply(v2, onto: first, manager: "me", force: false, now: Self.now)))
        #expect(second["metadata"]?["labels"] == .object([("x", "1")]))
        #expect(second["data"] == nil)
        // Unless another manager owns them too.
        let coOwned = FieldOwnership.update(first, previous: nil, manager: "other", now: Self.now)
        let third = try #require(Self.merged(FieldOwnership.apply(v2, onto: coOwned, manager: "me", force: false, now: Self.now)))
        #expect(third["data"]?["k"] == "v")
    }

    @Test func fieldsV1RoundTripsWithKeyedListsAsAtomic() throws {
        let f = try Self.tree(#"{"f:spec":{"f:ports":{".":{},"k:{\"port\":80}":{"f:name":{}}},"f:selector":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}"#)
        let paths = FieldOwnership.decodeFields(f, prefix: [])
        #expect(paths == [["spec", "ports"], ["spec", "selector"], ["metadata", "labels"], ["metadata", "labels", "app"]])
    }
}
