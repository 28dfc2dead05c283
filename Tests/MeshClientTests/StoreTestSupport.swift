import Foundation
import MeshClient
import MeshModel

/// Requests per endpoint, counted as a test's fake admin port answers them.
final class EndpointCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [LiveSource.Endpoint: Int] = [:]
    func add(_ e: LiveSource.Endpoint) { lock.withLock { counts[e, default: 0] += 1 } }
    subscript(_ e: LiveSource.Endpoint) -> Int { lock.withLock { counts[e] ?? 0 } }
    var endpoints: Set<LiveSource.Endpoint> { lock.withLock { Set(counts.keys) } }
    var total: Int { lock.withLock { counts.values.reduce(0, +) } }
}

extension MeshStore {
    /// The first published state that satisfies `ok`, polled every 20 ms; nil after `timeout` seconds.
    func firstState(timeout: Double = 40, where ok: (MeshState) -> Bool) async -> MeshState? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let s = current, ok(s) { return s }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return nil
    }
}
