import Foundation
import GEProcess

/// The name and memory of a GPU, from `nvidia-smi` when it exists.
struct GPUInfo {
    let name: String
    let memoryMiB: Int?

    static func query(index: Int) -> GPUInfo? {
        let query = ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits", "-i", String(index)]
        guard let result = CommandOutput.run(query), result.status == 0 else { return nil }
        let fields = result.stdout.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let name = fields.first, !name.isEmpty else { return nil }
        return GPUInfo(name: name, memoryMiB: fields.count > 1 ? Int(fields[1]) : nil)
    }
}
