import Foundation
import Testing

@Suite struct CorePurityTests {
    /// GECore must stay free of I/O libraries so every decision is testable and replayable.
    @Test func coreImportsOnlyFoundation() throws {
        let sources = TestSupport.repositoryRoot.appendingPathComponent("Sources/GECore")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 10)
        for file in files {
            let imports = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { $0.hasPrefix("import ") || $0.hasPrefix("@testable import ") }
            #expect(imports.allSatisfy { $0 == "import Foundation" }, "\(file.lastPathComponent): \(imports)")
        }
    }
}
