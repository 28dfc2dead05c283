import Foundation

extension ZtunnelViews {
    /// One titled table of `ztunnel-config all`.
    public struct Section: Sendable {
        /// `WORKLOAD`, `SERVICE`, `POLICY`, `SECRET`, `CONNECTIONS` (istioctl's header words).
        public var title: String
        public var table: Table
    }

    /// The five sections of `ztunnel-config all`, in istioctl's order, with one filter.
    public static func allSections(_ index: ZtunnelIndex, filter: ZtunnelFilter = ZtunnelFilter(), now: Date) -> [Section] {
        [
            Section(title: "WORKLOAD", table: workloadTable(workloads(index, filter: filter), index: index)),
            Section(title: "SERVICE", table: serviceTable(services(index, filter: filter), index: index)),
            Section(title: "POLICY", table: policyTable(policies(index, filter: filter))),
            Section(title: "SECRET", table: certificateTable(certificateRows(certificates(index, filter: filter)), now: now)),
            Section(
                title: "CONNECTIONS",
                table: connectionTable(connectionRows(workloadStates(index, filter: filter), index: index, direction: filter.direction))),
        ]
    }

    /// istioctl's layout: each section preceded by a blank line and, with headers,
    /// `------ TITLE INFO ------` and another blank line.
    public static func renderAll(_ sections: [Section], withHeaders: Bool, wide: Bool = false) -> String {
        var out = ""
        for s in sections {
            out += "\n"
            if withHeaders { out += "------ \(s.title) INFO ------\n\n" }
            out += s.table.render(wide: wide)
        }
        return out
    }
}
