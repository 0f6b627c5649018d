import Foundation
import GESeed

/// Reading the JSON a screen or train command writes.
public enum ResultFile {
    public enum Problem: Error, Equatable {
        case missing
        case unreadable(String)
        case notFinite(key: String)
        case missingKey(String)
    }

    /// The largest result file read, and the most values taken from it:
    /// generated code writes it, so it may be anything.
    static let maximumBytes = 1 << 20
    static let maximumValues = 10_000

    /// Every numeric value of the file at `path` (nested keys joined by dots).
    public static func metrics(at path: String) throws(Problem) -> [String: Double] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { throw .missing }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard attributes[.type] as? FileAttributeType == .typeRegular, size <= maximumBytes else {
            throw .unreadable("not a regular file of at most \(maximumBytes) bytes (\(size) bytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .missing }
        let text = String(decoding: data, as: UTF8.self)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            // Python's json.dump writes NaN and Infinity, which JSON does not allow.
            if let key = nonFiniteKey(in: text) { throw .notFinite(key: key) }
            throw .unreadable(String(text.prefix(200)))
        }
        var metrics: [String: Double] = [:]
        flatten(object, prefix: "", into: &metrics)
        return metrics
    }

    /// The objective values named by the manifest, in its order, each from
    /// its source (`SeedManifest.Objective.metricKey`).
    public static func objectives(_ metrics: [String: Double], manifest: SeedManifest) throws(Problem) -> [Double] {
        var values: [Double] = []
        for objective in manifest.objectives {
            let key = objective.metricKey
            guard let value = metrics[key] else { throw .missingKey(key) }
            guard value.isFinite else { throw .notFinite(key: objective.key) }
            values.append(value)
        }
        return values
    }

    private static func flatten(_ object: [String: Any], prefix: String, into metrics: inout [String: Double]) {
        for (key, value) in object where metrics.count < maximumValues {
            let name = prefix + key
            if let nested = value as? [String: Any] {
                flatten(nested, prefix: name + ".", into: &metrics)
            } else if let number = value as? NSNumber {
                metrics[name] = number.doubleValue
            }
        }
    }

    private static func nonFiniteKey(in text: String) -> String? {
        let pattern = #""([^"]+)"\s*:\s*-?(NaN|Infinity)"#
        guard let match = text.range(of: pattern, options: .regularExpression) else { return nil }
        let fragment = String(text[match])
        return fragment.split(separator: "\"").first.map(String.init)
    }
}
