extension Int {
    /// `d` rounded toward zero and clamped to Int's range; NaN is 0. `Int(someDouble)`
    /// traps on a value out of range, and the Doubles here come from captures, snapshots and
    /// flags (a `1e300` counter, a `1e-300` interval), so conversions of such values go
    /// through this one.
    ///
    /// ```swift
    /// Int(saturating: 1e300)   // Int.max
    /// Int(saturating: -2.7)    // -2
    /// ```
    public init(saturating d: Double) {
        if d.isNaN {
            self = 0
        } else if d >= 9_223_372_036_854_775_807 {
            self = .max
        } else if d <= -9_223_372_036_854_775_808 {
            self = .min
        } else {
            self = Int(d)
        }
    }
}
