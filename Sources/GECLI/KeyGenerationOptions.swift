import ArgumentParser
import GEBus

/// `--generate-keys FILE [--force]`, which every executable takes: writes a
/// new CURVE key pair and exits.
public struct KeyGenerationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write a new CURVE key pair to <file> and <file>.pub, then exit.", valueName: "file"))
    public var generateKeys: String?

    @Flag(help: "With --generate-keys: replace an existing key file.")
    public var force = false

    public init() {}

    /// Writes the key pair if asked; returns true when the command should exit.
    /// - Parameter role: who the key is for, to say where its public half goes.
    public func generateIfAsked(role: String) throws -> Bool {
        guard let path = generateKeys else { return false }
        try CurveKeyPair.generate().write(to: path, overwrite: force)
        print("wrote \(path) (secret: keep it on this machine) and \(path).pub (\(role))")
        return true
    }
}
