import Foundation
import Testing

/// docs/ARCHITECTURE.md's module table must say what Package.swift says.
@Suite struct ArchitectureDocTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each non-test target of Package.swift with its dependencies (target and product names).
    static func packageGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: repository.appendingPathComponent("Package.swift"), encoding: .utf8)
        var graph: [String: Set<String>] = [:]
        // Each target starts a line of its own: `.target(`, `.executableTarget(`, ...
        let marked = text.replacingOccurrences(
            of: #"\n\s*\.(target|executableTarget|systemLibrary|testTarget)\("#, with: "\n\u{1}$1(", options: .regularExpression)
        for declaration in marked.components(separatedBy: "\u{1}").dropFirst() {
            guard !declaration.hasPrefix("testTarget("), !declaration.contains("path: \"Tests"),
                let name = firstQuoted(after: "name:", in: declaration)
            else { continue }
            graph[name] = dependencies(in: declaration)
        }
        return graph
    }

    static func firstQuoted(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...]
        guard let open = rest.firstIndex(of: "\"") else { return nil }
        let afterOpen = rest[rest.index(after: open)...]
        guard let close = afterOpen.firstIndex(of: "\"") else { return nil }
        return String(afterOpen[..<close])
    }

    /// The quoted names inside `dependencies: [...]`, leaving out `package:` names.
    static func dependencies(in body: String) -> Set<String> {
        guard let start = body.range(of: "dependencies: [") else { return [] }
        var depth = 1, index = start.upperBound
        while depth > 0, index < body.endIndex {
            if body[index] == "[" { depth += 1 } else if body[index] == "]" { depth -= 1 }
            index = body.index(after: index)
        }
        let list = body[start.upperBound..<index].replacingOccurrences(
            of: #"package:\s*"[^"]*""#, with: "", options: .regularExpression)
        let parts = list.components(separatedBy: "\"")
        return Set(stride(from: 1, to: parts.count, by: 2).map { parts[$0] })
    }

    /// The rows of the module table: module name → dependencies.
    static func documentedGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: repository.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let table = try #require(text.components(separatedBy: "<!-- module graph").dropFirst().first?
            .components(separatedBy: "<!-- /module graph -->").first)
        var graph: [String: Set<String>] = [:]
        for line in table.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[1].components(separatedBy: "`")[1]
            let dependencies = cells[2] == "—" ? [] : cells[2].components(separatedBy: ", ")
            graph[name] = Set(dependencies)
        }
        return graph
    }

    @Test func theModuleTableMatchesThePackage() throws {
        let package = try Self.packageGraph()
        #expect(package.count > 15, "the parser found the targets: \(package.keys.sorted())")
        let documented = try Self.documentedGraph()
        for name in Set(package.keys).union(documented.keys).sorted() {
            #expect(documented[name] == package[name], "\(name): docs say \(documented[name].map { $0.sorted() } ?? []), Package.swift says \(package[name].map { $0.sorted() } ?? [])")
        }
    }

    @Test func theDocumentStandsAlone() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        #expect(!text.contains("shared/"), "it refers to a file outside the repository")
        #expect(!text.contains("DESIGN.md"))
    }
}
