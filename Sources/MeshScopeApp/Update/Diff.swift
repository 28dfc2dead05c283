import Foundation
import MeshModel
import TerminalUI

/// `x` and `:diff`: what to compare, and the comparison when the runtime has read it.
extension AppState {
    /// `.diffReady`: the comparison on top (a Ctrl-R's answer replaces the one it recomputes).
    mutating func showDiff(_ d: DiffScreen) {
        var screen = Screen(crumb: "diff", content: .diff(d))
        screen.recompute = d.request.map(Effect.compare)
        if let again = screen.recompute { dropRecomputed(again) }
        push(screen)
        flash = Flash("\(d.entries.count - 1) row\(d.entries.count == 2 ? "" : "s"); Tab reads the selected diff, / filters", .info, at: now)
    }

    /// `.diffFailed`: what could not be read, on a screen of its own, and whole in the flash.
    mutating func showDiffFailure(_ message: String) {
        push(Screen.text("diff", "The comparison could not be made:\n\n" + message + "\n"))
        flash = Flash(message, .error, at: now)
    }

    /// `x`: the picker for the proxy on screen (its row's `x` in :pods and :proxies opens it too).
    mutating func startDiff() {
        guard data.live != nil else {
            flash = Flash("x compares proxies of a live, demo or snapshot source; for two dump files run meshscope diff A B", .warn, at: now)
            return
        }
        guard let key = focusKey, let proxy = data.live?.proxies.first(where: { $0.key == key }) else {
            flash = Flash("x compares a proxy: select one in :proxies or :pods (or :diff POD [POD2])", .warn, at: now)
            return
        }
        guard proxy.kind == .sidecar || proxy.kind == .gateway || proxy.kind == .waypoint else {
            flash = Flash("\(proxy.name) is a \(proxy.kind.rawValue): only Envoys (sidecars, gateways, waypoints) have xDS config to compare", .warn, at: now)
            return
        }
        push(DiffScreen.picker(data, proxy: proxy))
    }

    /// `:diff POD[.NS]` (istiod vs Envoy) or `:diff POD1 POD2` (proxy vs proxy); no argument: `x`.
    mutating func runDiffCommand(_ args: [String], _ fx: inout [Effect]) {
        guard let live = data.live else {
            flash = Flash(":diff compares proxies of a live, demo or snapshot source; for two dump files run meshscope diff A B", .warn, at: now)
            return
        }
        guard !args.isEmpty else {
            startDiff()
            return
        }
        switch DiffScreen.request(args, proxies: live.proxies) {
        case .success(let request):
            fx.append(.compare(request))
            switch request {
            case .istiod(let p): flash = Flash("reading istiod's view of \(p) and its config dump…", .info, at: now)
            case .proxies(let a, let b): flash = Flash("reading the config dumps of \(a) and \(b)…", .info, at: now)
            }
        case .failure(let e):
            flash = Flash(e.description, .error, at: now)
        }
    }
}
