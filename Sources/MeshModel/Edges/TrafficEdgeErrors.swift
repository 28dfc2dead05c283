import Foundation

extension TrafficEdge {
    /// The most flags ``errorSummary`` lists (the largest shares); a hostile exporter's
    /// thousand flag values do not make a thousand-column cell.
    static let summaryFlags = 5

    /// Errors per request, then each Envoy response flag's share of the requests, over the
    /// last interval (rates) or, before there are two samples, since the counters started:
    /// `ERR 4.1% (UH 3.9%, URX 0.2%)`. Nil for an edge without requests (TCP, ztunnel);
    /// ``TrafficEdges/pending`` when it would read totals that are pending.
    ///
    /// The flags are those of every flagged request, not only the errors (a `DC` on a 200
    /// is a client that left), so their shares need not add up to the error rate.
    public var errorSummary: String? {
        let total: Double, failed: Double, flagged: [String: Double]
        if let r = rates, let rq = r.requests {
            (total, failed, flagged) = (rq, r.errors ?? 0, r.flags)
        } else if let rq = requests {
            // Without per-request rates the share is the totals', which are not in yet.
            if totalsPending { return TrafficEdges.pending }
            (total, failed, flagged) = (rq, errors ?? 0, flags)
        } else {
            return nil
        }
        guard total > 0, total.isFinite else { return "ERR 0%" }
        let shares = flagged.filter { $0.value > 0 && $0.value.isFinite }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(TrafficEdge.summaryFlags)
            .map { TerminalText.escaped($0.key) + " " + TrafficEdge.percent($0.value / total) }
        return "ERR " + TrafficEdge.percent(failed / total) + (shares.isEmpty ? "" : " (" + shares.joined(separator: ", ") + ")")
    }

    /// `4.1%`, `0%`, `100%`: one decimal, none for whole numbers; `?%` for a share a hostile
    /// exporter made NaN or infinite (errors of `NaN`), never `nan%`.
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "?%" }
        let p = (min(max(fraction, 0), 1) * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }
}
