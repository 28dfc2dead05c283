import Foundation

extension MeshState {
    /// What an opened (focused) Envoy's tabs read beyond the mesh-wide state: its config
    /// dump and its `/stats` with Envoy's own names, the last two reads giving rates. The
    /// store keeps one per focused proxy only (dumps are large) and drops it on unfocus.
    ///
    /// ```swift
    /// var f = MeshState.FocusedProxy()
    /// f.recordStats(first, at: t0)
    /// f.recordStats(second, at: t0 + 2)   // f.previousStats == first, f.statsInterval == 2
    /// ```
    public struct FocusedProxy: Sendable {
        public var dump: EnvoyConfigDump?
        /// When ``dump`` was fetched.
        public var dumpFetchedAt: Date?
        public var stats: StatsSnapshot?
        public var previousStats: StatsSnapshot?
        /// Seconds between ``previousStats`` and ``stats``.
        public var statsInterval: Double?
        var statsAt: Date?
        /// Why the dump or the stats could not be read.
        public var problem: String?

        public init() {}

        /// A `/stats` answer; the one before it gives rates.
        public mutating func recordStats(_ s: StatsSnapshot, at now: Date) {
            if let previous = stats, let at = statsAt, now.timeIntervalSince(at) > 0 {
                previousStats = previous
                statsInterval = now.timeIntervalSince(at)
            }
            stats = s
            statsAt = now
        }
    }
}
