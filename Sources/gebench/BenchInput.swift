import Foundation

/// The JSON object `gebench` reads.
struct BenchInput: Decodable {
    enum Algorithm: String, Decodable {
        case nsga2, spea2, dcd
    }

    let weights: [Double]
    let fitness: [[Double]]
    let k: Int?
    let algorithm: Algorithm?
    let reference: [Double]?
    let seed: UInt64?

    /// Decodes and checks the input; errors say what to fix.
    static func read(from data: Data) throws -> BenchInput {
        let input: BenchInput
        do {
            input = try JSONDecoder().decode(BenchInput.self, from: data)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw BenchError("input field \"\(path)\" is invalid: \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw BenchError("input is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw BenchError("input has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw BenchError("input field \"\(path)\" has the wrong type: \(context.debugDescription)")
        } catch {
            throw BenchError("cannot read input: \(error)")
        }
        guard !input.weights.isEmpty, input.weights.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw BenchError("\"weights\" must list one non-zero number per objective")
        }
        for (index, row) in input.fitness.enumerated() {
            guard row.count == input.weights.count else {
                throw BenchError(
                    "fitness[\(index)] has \(row.count) values but there are \(input.weights.count) weights")
            }
            guard row.allSatisfy(\.isFinite) else {
                throw BenchError("fitness[\(index)] has a value that is not a finite number")
            }
        }
        return input
    }
}

/// A bad input or option, reported as one line.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
