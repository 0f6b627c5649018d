import Foundation
import GESeed

/// Scores a grading step's predictions against labels only the worker
/// holds. The predictions come from generated code and may be anything;
/// the labels come from the seed folder on the worker.
public enum Grader {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// The worker's labels file cannot be used (a seed or host problem).
        case labels(path: String, reason: String)
        /// The step wrote no predictions file.
        case missingPredictions(file: String)
        /// The predictions file is not a list of one prediction per label.
        case invalidPredictions(file: String, reason: String)

        public var description: String {
            switch self {
            case .labels(let path, let reason): "the worker cannot use the labels \(path): \(reason)"
            case .missingPredictions(let file): "the grading step succeeded but wrote no \(file)"
            case .invalidPredictions(let file, let reason): "\(file) \(reason)"
            }
        }
    }

    /// A class label or a prediction: JSON integers and strings compare.
    enum Label: Hashable {
        case integer(Int64)
        case text(String)

        init?(_ value: Any) {
            if let text = value as? String {
                self = .text(text)
            } else if let number = value as? NSNumber, let integer = Int64(exactly: number.doubleValue) {
                self = .integer(integer)
            } else {
                return nil
            }
        }
    }

    /// The largest labels file read (the worker's own) and, per label, the
    /// most bytes a predictions file may spend.
    static let maximumLabelBytes = 256 << 20
    static let bytesPerPrediction = 64

    /// The metric of `predictions` (a file the grading step wrote) against
    /// the labels at `labels`.
    public static func score(
        predictions: String, labels: String, metric: SeedManifest.Grading.Metric
    ) throws(Problem) -> Double {
        let truth = try readLabels(at: labels)
        let file = URL(fileURLWithPath: predictions).lastPathComponent
        let limit = max(1 << 20, truth.count * bytesPerPrediction)
        let data: Data
        do {
            data = try read(predictions, limit: limit)
        } catch .missing {
            throw .missingPredictions(file: file)
        } catch {
            throw .invalidPredictions(file: file, reason: "is not a regular file of at most \(limit) bytes")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [Any] else {
            throw .invalidPredictions(file: file, reason: "is not a JSON list: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        guard list.count == truth.count else {
            throw .invalidPredictions(file: file, reason: "holds \(list.count) predictions for \(truth.count) labels")
        }
        var correct = 0
        for (index, value) in list.enumerated() {
            guard let predicted = Label(value) else {
                throw .invalidPredictions(file: file, reason: "item \(index) is neither an integer nor a string")
            }
            if predicted == truth[index] { correct += 1 }
        }
        switch metric {
        case .accuracy: return Double(correct) / Double(truth.count)
        }
    }

    static func readLabels(at path: String) throws(Problem) -> [Label] {
        let data: Data
        do {
            data = try read(path, limit: maximumLabelBytes)
        } catch {
            throw .labels(path: path, reason: error == .missing ? "no such file" : "not a regular file of at most 256 MB")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [Any], !list.isEmpty else {
            throw .labels(path: path, reason: "not a non-empty JSON list")
        }
        var labels: [Label] = []
        labels.reserveCapacity(list.count)
        for (index, value) in list.enumerated() {
            guard let label = Label(value) else { throw .labels(path: path, reason: "item \(index) is neither an integer nor a string") }
            labels.append(label)
        }
        return labels
    }

    enum ReadProblem: Error { case missing, unusable }

    /// The contents of a regular file of at most `limit` bytes, read
    /// without following a final link (the job owns the folder).
    static func read(_ path: String, limit: Int) throws(ReadProblem) -> Data {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw errno == ENOENT ? .missing : .unusable }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else {
            throw .unusable
        }
        // `nil`: nothing to read, an empty file.
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw .unusable }
        return data
    }
}
