import Foundation

/// Bytes one thread is still writing that another reads as they arrive: the writer publishes
/// how many are written (always from the start of one buffer that does not move), the reader
/// waits for as many as it needs. Opening a gzip snapshot inflates it on one core while the
/// other skims the proxies already inflated (``SnapshotPreskim/skim(_:)``).
///
/// The writer must keep the buffer where it is until the reader is done (it joins the reader
/// before the buffer may move or be freed).
///
/// ```swift
/// let growing = GrowingBytes()
/// // writer: growing.publish(base, count: written) … growing.finish()
/// let (bytes, complete) = growing.wait(atLeast: 4096)   // reader
/// ```
public final class GrowingBytes: @unchecked Sendable {
    private let condition = NSCondition()
    private var base: UnsafePointer<UInt8>?
    private var count = 0
    private var finished = false

    public init() {}

    /// The first `count` bytes at `base` are written (`base` is the same on every call).
    public func publish(_ base: UnsafePointer<UInt8>, count: Int) {
        condition.lock()
        self.base = base
        self.count = max(self.count, count)
        condition.broadcast()
        condition.unlock()
    }

    /// No more bytes will come.
    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until at least `n` bytes are written or no more will come: the bytes written,
    /// and whether that is all of them.
    public func wait(atLeast n: Int) -> (bytes: UnsafeBufferPointer<UInt8>, complete: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while count < n && !finished { condition.wait() }
        return (UnsafeBufferPointer(start: base, count: base == nil ? 0 : count), finished)
    }
}
