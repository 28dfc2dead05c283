import Foundation

/// Every flash, warning and error since start, oldest first: what `:messages` lists, so a
/// message cut on the bottom line or gone after a few seconds can still be read whole.
///
/// Plain data in ``AppState`` (``AppState/flash`` records into it). Bounded: the newest
/// ``capacity`` messages are kept and the older ones counted in ``dropped``; a message
/// longer than ``maxTextBytes`` keeps its start and says how much was left out.
///
/// ```swift
/// var log = MessageLog()
/// log.record(Flash("cannot read /x", .error, at: now))
/// log.entries.last?.text   // "cannot read /x"
/// ```
public struct MessageLog: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// 1 for the first message since start; numbers are never reused.
        public var number: Int
        public var at: Date
        public var level: Flash.Level
        /// The text as it was flashed (unescaped: painters escape it).
        public var text: String
    }

    public static let capacity = 1_000
    public static let maxTextBytes = 64 * 1024

    public private(set) var entries: [Entry] = []
    /// Messages older than the ones kept.
    public private(set) var dropped = 0
    /// Messages recorded since start (kept and dropped).
    public private(set) var total = 0

    public init() {}

    public mutating func record(_ flash: Flash) {
        total += 1
        var text = flash.text
        if text.utf8.count > Self.maxTextBytes {
            // Cut on a scalar boundary at or before the limit (at most 3 steps back).
            var end = text.utf8.index(text.startIndex, offsetBy: Self.maxTextBytes)
            while end > text.startIndex, end.samePosition(in: text.unicodeScalars) == nil { end = text.utf8.index(before: end) }
            let rest = text.utf8.count - text.utf8.distance(from: text.startIndex, to: end)
            text = String(text.unicodeScalars[..<end]) + "… (\(rest) more bytes)"
        }
        entries.append(Entry(number: total, at: flash.at, level: flash.level, text: text))
        if entries.count > Self.capacity {
            let extra = entries.count - Self.capacity
            entries.removeFirst(extra)
            dropped += extra
        }
    }
}
