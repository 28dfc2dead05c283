import ArgumentParser
import Foundation
import MeshClient
import MeshModel

/// The input and filter flags `flows` and `top` share.
///
/// ```
/// meshscope flows --to ratings --status 5xx --flag UH,NR
/// meshscope top -n bookinfo --follow
/// meshscope flows --file waypoint.log -o json
/// kubectl logs -f deploy/reviews-v2 -c istio-proxy | meshscope flows --follow -f -
/// ```
struct FlowOptions: ParsableArguments, Sendable {
    @Option(name: [.short, .long], help: ArgumentHelp("Read this access log (kubectl logs output, with or without --timestamps) instead of the cluster, or - for stdin.", valueName: "log"))
    var file: String?

    @Option(help: ArgumentHelp("Only flows of this pod (POD or POD.NAMESPACE): read from its proxy live, or to or from it.", valueName: "pod"))
    var pod: String?

    @Option(help: ArgumentHelp("Only flows from this workload, app (ratings matches ratings-v1), pod or address.", valueName: "name"))
    var from: String?

    @Option(help: ArgumentHelp("Only flows to this workload, service, app, pod or address.", valueName: "name"))
    var to: String?

    @Option(help: ArgumentHelp("Only these HTTP statuses: codes and classes, comma-separated (5xx, 403, 4xx,503; 0 for no response).", valueName: "list"))
    var status: String?

    @Option(help: ArgumentHelp("Only flows with any of these response flags (UH,NR or long names such as NoHealthyUpstream).", valueName: "list"))
    var flag: String?

    @Option(help: ArgumentHelp("Only flows that started within this long before now (30s, 5m, 1h).", valueName: "duration"))
    var since: String?

    @Flag(help: "Keep reading: new flows as they are logged (live, or a growing stdin).")
    var follow = false

    @Option(help: ArgumentHelp("Live: lines to read per proxy at the start (the newest).", valueName: "n"))
    var tail: Int?

    @Option(help: ArgumentHelp("Live: the container holding the access log.", valueName: "name"))
    var container = "istio-proxy"

    @Option(name: .customLong("max-streams"), help: ArgumentHelp("Live: log streams open at once.", valueName: "n"))
    var maxStreams = 200

    @Option(name: .customLong("max-rps"), help: ArgumentHelp("Live: log requests started per second (reconnects included).", valueName: "n"))
    var maxRequestsPerSecond = 20.0

    @OptionGroup var connection: ConnectionOptions

    init() {}

    func validate() throws {
        if let status { do { _ = try StatusMatcher(status) } catch { throw ValidationError(error.description) } }
        if let since, ConnectionOptions.DurationText.seconds(since) == nil {
            throw ValidationError("--since \"\(since)\": expected a duration such as 30s, 5m or 1h")
        }
        _ = try flagCodes()
        if let tail, tail < 0 { throw ValidationError("--tail must be 0 or more") }
        if maxStreams < 1 { throw ValidationError("--max-streams must be at least 1") }
        if file != nil, connection.context != nil { throw ValidationError("--file reads a log: it cannot be combined with --context") }
    }

    /// `UH,NoRouteFound` → ["UH", "NR"].
    func flagCodes() throws -> Set<String> {
        guard let flag else { return [] }
        var out = Set<String>()
        for name in flag.split(separator: ",") {
            guard let f = ResponseFlag.lookup(String(name)) else {
                throw ValidationError("--flag \(name): not a response flag Envoy documents (\(ResponseFlag.all.map(\.code).joined(separator: ", ")))")
            }
            out.insert(f.code)
        }
        return out
    }

    /// The filter these flags ask for; `-n` filters by namespace only when given.
    func filter(now: Date = Date()) throws -> FlowFilter {
        var f = FlowFilter()
        f.namespace = connection.namespace
        if let pod {
            // POD.NS: the namespace part is the stream's; the filter matches the pod name.
            f.pod = file == nil ? PodReference(pod, defaultNamespace: "").name : pod
        }
        f.from = from
        f.to = to
        f.status = try status.map { try StatusMatcher($0) }
        f.flags = try flagCodes()
        if let since, let s = ConnectionOptions.DurationText.seconds(since) { f.notBefore = Int(now.timeIntervalSince1970 - s) }
        return f
    }
}
