/// `top --follow`'s clock: flows go into a sliding-window ``FlowTop``, and every `interval`
/// seconds a table is due. Before each table the window slides (``FlowTop/expire(now:)``), so
/// keys whose traffic left the window give their place back: without it, a long follow that
/// met ``FlowTop/maxKeys`` distinct routes dropped every new route until it exited.
///
/// ```swift
/// var ticker = FlowTopTicker(window: 60, interval: 2, start: now)
/// ticker.add(flow, now: Int(now))
/// if ticker.tick(now: now) { print(ticker.top.rows(now: Int(now))) }
/// ```
public struct FlowTopTicker: Sendable {
    public var top: FlowTop
    /// Seconds between tables.
    public let interval: Double
    /// When the last table was due (seconds since 1970).
    public private(set) var lastTable: Double

    public init(window: Int, interval: Double, start: Double) {
        top = FlowTop(window: window)
        self.interval = interval
        lastTable = start
    }

    /// Counts `flow` in the second it started (else `now`, when its line carries no time).
    public mutating func add(_ flow: Flow, now: Int) {
        top.add(flow, at: flow.epochSeconds ?? now)
    }

    /// Called after every event: whether a table is due at `now`. When it is, the window has
    /// slid to `now` first.
    public mutating func tick(now: Double) -> Bool {
        guard now - lastTable >= interval else { return false }
        lastTable = now
        top.expire(now: Int(now))
        return true
    }
}
