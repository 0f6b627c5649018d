import Foundation
import GECore

/// Reading the prompt template files of a folder (the core parses them but
/// reads no files).
public enum PromptFiles {
    /// Every `.txt` file below `directory`, as `(path, text)` pairs, for
    /// `PromptLibrary(files:)`.
    public static func read(directory: String) throws -> [(path: String, text: String)] {
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw PromptError(source: directory, line: 1, message: "the prompts folder does not exist; pass --prompts DIR")
        }
        return try enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "txt" }.map { url in
            (path: url.path, text: try String(contentsOf: url, encoding: .utf8))
        }
    }
}
