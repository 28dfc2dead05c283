import Foundation
import MeshModel

/// The flows `:flows` and `:top` show: the last ``capacity`` flows that arrived, oldest
/// first, each numbered in arrival order (the number is a row's identity, so the selection
/// stays on its flow while rows arrive and old ones go), and what `:flows ARGS` asked for.
///
/// Bounded: past ``capacity`` the oldest go and are counted in ``dropped`` (with what the
/// log streamer itself dropped when the TUI fell behind). While paused (Space), arrivals wait
/// in ``pending`` (bounded the same way) and join on resume, so the rows under the cursor
/// hold still.
///
/// ```swift
/// var tail = FlowTail(capacity: 3)
/// tail.receive(FlowBatch(flows: four, at: now), paused: false)
/// tail.records.map(\.seq)   // [2, 3, 4]
/// tail.dropped              // 1
/// ```
public struct FlowTail: Sendable {
    public struct Record: Sendable {
        /// 1, 2, … in arrival order, never reused.
        public var seq: Int
        /// When it arrived (epoch seconds): `:top`'s window slides over this.
        public var second: Int
        public var flow: Flow
    }

    public var capacity: Int
    public private(set) var records: [Record] = []
    /// Arrived while paused, shown on resume.
    public private(set) var pending: [Record] = []
    /// Flows that went to make room, plus the log events the streamer dropped.
    public var dropped: Int { ownDrops + streamDrops }
    private var ownDrops = 0
    private var streamDrops = 0
    private var nextSeq = 1
    /// Lines read that were not access-log lines (counted by the stream's ingest).
    public private(set) var notFlows = 0
    /// The last thing a stream said (a reconnect, a 403, a pod gone); nil when all is well.
    public private(set) var problem: String?
    /// Pods whose logs are followed (0 before the first batch).
    public private(set) var streams = 0
    /// The newest arrival (epoch seconds).
    public private(set) var lastArrival: Int?
    /// `:flows ARGS`: the filter both views apply.
    public var query = FlowQuery()
    /// `:top`'s sliding window, in seconds.
    public var window = 60

    public init(capacity: Int = 5_000) { self.capacity = max(1, capacity) }

    /// A batch from the stream; while `paused` it waits in ``pending``.
    public mutating func receive(_ batch: FlowBatch, paused: Bool) {
        let second = Int(batch.at.timeIntervalSince1970)
        var incoming = batch.flows.map { f -> Record in
            defer { nextSeq += 1 }
            return Record(seq: nextSeq, second: second, flow: f)
        }
        streamDrops = max(streamDrops, batch.streamDropped)
        notFlows = max(notFlows, batch.notFlows)
        problem = batch.problem
        streams = batch.streams
        if !batch.flows.isEmpty { lastArrival = second }
        if paused {
            pending += incoming
            trim(pendingFirst: true)
        } else {
            incoming = pending + incoming
            pending = []
            records += incoming
            trim(pendingFirst: false)
        }
    }

    /// Space again: what arrived while paused joins the rows.
    public mutating func resume() {
        records += pending
        pending = []
        trim(pendingFirst: false)
    }

    /// Drops the oldest past the capacity: of the held arrivals while paused (the rows on
    /// screen hold still), else of the rows.
    private mutating func trim(pendingFirst: Bool) {
        let excess = records.count + pending.count - capacity
        guard excess > 0 else { return }
        let n: Int
        if pendingFirst {
            n = min(excess, pending.count)
            pending.removeFirst(n)
        } else {
            n = min(excess, records.count)
            records.removeFirst(n)
        }
        ownDrops += n
    }

    /// The flows that pass the query, oldest first.
    public var shown: [Record] {
        let f = query.filter
        return records.filter { f.matches($0.flow) }
    }

    /// `:top`: the shown flows that arrived within the window ending at `now`.
    public func top(now: Int) -> [FlowTop.Row] {
        var top = FlowTop(window: window)
        top.maxKeys = 2_000
        let f = query.filter
        for r in records where r.second > now - window && f.matches(r.flow) { top.add(r.flow, at: r.second) }
        return top.rows(now: now)
    }

    /// The title's account: `paused (37 new) · 120 dropped · 3 lines not flows`.
    public var note: String? {
        var parts: [String] = []
        if !query.isEmpty { parts.append(query.description) }
        if !pending.isEmpty { parts.append("\(pending.count) new while paused") }
        if dropped > 0 { parts.append("\(dropped) dropped") }
        if notFlows > 0 { parts.append("\(notFlows) lines not flows") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}

/// What the live driver posts while flows stream: the flows since the last batch and the
/// stream's running counts.
public struct FlowBatch: Sendable {
    public var flows: [Flow]
    public var at: Date
    /// Log events the streamer dropped so far (the TUI fell behind).
    public var streamDropped = 0
    /// Lines so far that were not access-log lines.
    public var notFlows = 0
    /// The last stream problem, if any.
    public var problem: String?
    public var streams = 0

    public init(flows: [Flow], at: Date, streamDropped: Int = 0, notFlows: Int = 0, problem: String? = nil, streams: Int = 0) {
        self.flows = flows
        self.at = at
        self.streamDropped = streamDropped
        self.notFlows = notFlows
        self.problem = problem
        self.streams = streams
    }
}

/// What the live driver is asked to stream: the pod of `:flows --pod` (or `l` on a pod), or
/// a namespace, or everything; nil stops streaming.
public struct FlowStreamRequest: Sendable, Equatable {
    public var pod: String?
    public var podNamespace: String?
    public var namespace: String?

    public init(pod: String? = nil, podNamespace: String? = nil, namespace: String? = nil) {
        self.pod = pod
        self.podNamespace = podNamespace
        self.namespace = namespace
    }
}
