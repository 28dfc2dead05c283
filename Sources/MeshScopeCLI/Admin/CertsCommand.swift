import ArgumentParser
import MeshClient
import MeshModel

/// `meshscope certs (POD[.NS] | --file PATH|-) [-o …]`
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Show the certificates of an Envoy /certs capture (or of a PEM/DER certificate file).",
        discussion: "One row per distinct certificate; -o wide adds how many TLS contexts use it."
    )

    @Argument(help: ArgumentHelp("Read /certs live from this pod's Envoy (POD or POD.NAMESPACE).", valueName: "pod"))
    var pod: String?

    @Option(name: [.short, .long], help: "Envoy /certs output, a PEM chain or a DER certificate; - for stdin.")
    var file: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { try LiveOrFile.validate(file: file, pod: pod, what: "/certs") }

    func run() async throws {
        let bytes: [UInt8], name: String
        if let file {
            (bytes, name) = (try InputFile.read(file), InputFile.displayName(file))
        } else {
            (bytes, name) = try await source.fetch(pod!, .certs)
        }
        let certs = try AdminInput.decode(bytes: bytes, name: name) { bytes throws(AdminDecodeError) in try EnvoyCerts.decode(bytes) }
        output.emit(table: CertsTable.build(certs), data: certs.outputNode)
    }
}
