/// A fault to inject into one demo pod's admin port (for tests and for trying the UI).
///
/// ```swift
/// demo.setFault(.status500, pod: "details-v1-…", namespace: "bookinfo")
/// ```
public enum DemoFault: String, Sendable, CaseIterable {
    /// Accepts the request and never answers (until the client gives up).
    case hang
    /// Accepts the connection and resets it without a response.
    case reset
    /// Answers `500 Internal Server Error`.
    case status500 = "500"
    /// Answers 200 with bytes that are not what the endpoint serves.
    case garbage
}
