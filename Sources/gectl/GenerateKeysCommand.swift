import ArgumentParser
import GEBus

struct GenerateKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-keys",
        abstract: "Write a new CURVE key pair for this operator, to use a tcp:// control endpoint.",
        discussion: """
            Copy <file>.pub into the daemon's bus.operator_keys folder, then run gectl with \
            --key <file> --server-key <the daemon's public key>.
            """)

    @Argument(help: "Where to write the key pair (and <file>.pub).") var file: String
    @Flag(help: "Replace an existing key file.") var force = false

    func run() throws {
        try CurveKeyPair.generate().write(to: file, overwrite: force)
        print("wrote \(file) (secret: keep it on this machine) and \(file).pub (copy it into the daemon's bus.operator_keys folder)")
    }
}
