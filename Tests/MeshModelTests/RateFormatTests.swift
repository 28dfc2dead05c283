import MeshModel
import Testing

/// The one format of every rate cell (edges, connections, stats, per-host rates).
@Suite struct RateFormatTests {
    @Test func threeSignificantDigitsTrailingZerosDropped() {
        let cases: [(Double, String)] = [
            (0, "0"), (0.004, "<0.01"), (0.005, "0.01"), (0.1, "0.1"), (0.123, "0.12"), (0.5, "0.5"), (0.6, "0.6"),
            (1, "1"), (1.5, "1.5"), (5.125, "5.13"), (9.994, "9.99"), (9.996, "10"), (12.34, "12.3"), (51.25, "51.3"),
            (99.94, "99.9"), (99.96, "100"), (500, "500"), (512.4, "512"), (999.4, "999"), (999.6, "1k"),
            (1_234, "1.23k"), (12_000, "12k"), (12_345, "12.3k"), (123_456, "123k"), (999_700, "1M"),
            (4_560_000, "4.56M"), (7.5e9, "7.5G"), (-2.5, "-2.5"),
        ]
        for (v, text) in cases { #expect(RateFormat.rate(v) == text, "\(v)") }
    }

    @Test func bytesUseBinaryUnits() {
        let cases: [(Double, String)] = [
            (0, "0B"), (512, "512B"), (1023, "1023B"), (1024, "1KiB"), (12_800, "12.5KiB"), (1_048_576 * 3, "3MiB"),
            (1_048_576 * 1.234, "1.23MiB"), (-5, "0B"),
        ]
        for (v, text) in cases { #expect(RateFormat.bytes(v) == text, "\(v)") }
    }

    /// The width stays within five characters from 0 to a petabyte per second, so a rate
    /// column does not jitter and a refresh rewrites only the digits that moved.
    @Test func cellsStayShort() {
        var v = 0.001
        while v < 1e15 {
            #expect(RateFormat.rate(v).count <= 5, "\(v) → \(RateFormat.rate(v))")
            v *= 1.37
        }
    }

    @Test func counterRateCellsUseIt() {
        #expect(CounterRate(previous: UInt64(100), current: 160, interval: 2).cell == "30")
        #expect(CounterRate(previous: UInt64(100), current: 10, interval: 4).cell == "2.5 (reset)")
        #expect(CounterRate(previous: UInt64(0), current: 25_000, interval: 2).cell == "12.5k")
    }
}
