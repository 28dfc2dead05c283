import ArgumentParser
import MeshModel

/// `meshscope certs --file PATH|- [-o …]`
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Show the certificates of an Envoy /certs capture (or of a PEM/DER certificate file).",
        discussion: "One row per distinct certificate; -o wide adds how many TLS contexts use it."
    )

    @Option(name: [.short, .long], help: "Envoy /certs output, a PEM chain or a DER certificate; - for stdin.")
    var file: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let certs = try AdminInput.decode(file) { bytes throws(AdminDecodeError) in try EnvoyCerts.decode(bytes) }
        output.emit(table: CertsTable.build(certs), data: certs.outputNode)
    }
}
