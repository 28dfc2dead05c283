extension StatsSnapshot {
    /// Per-second rates of this snapshot's counters against an earlier one, aligned with
    /// ``stats``. A counter lower than before means the proxy restarted (or counters were
    /// reset): its rate is taken from the current value and flagged, never negative.
    /// Gauges and text readouts get ``CounterRate/notCounter``; stats absent before, ``CounterRate/new``.
    ///
    /// ```swift
    /// let rates = current.rates(since: previous, interval: 10)
    /// rates[0]   // .rate(4.2)
    /// ```
    public func rates(since previous: StatsSnapshot, interval: Double) -> [CounterRate] {
        precondition(interval > 0, "rate interval must be positive")
        var before: [String: StatValue] = [:]
        before.reserveCapacity(previous.stats.count)
        for s in previous.stats where s.kind == .counter { before[s.name] = s.value }
        return stats.map { s in
            guard s.kind == .counter else { return .notCounter }
            switch (before[s.name], s.value) {
            case (nil, _): return .new
            case (.integer(let p)?, .integer(let c)): return CounterRate(previous: p, current: c, interval: interval)
            case (let p?, let c):
                guard let pd = p.doubleValue, let cd = c.doubleValue else { return .notCounter }
                return CounterRate(previous: pd, current: cd, interval: interval)
            }
        }
    }
}
