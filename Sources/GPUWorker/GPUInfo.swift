import Foundation

/// The name and memory of a GPU, from `nvidia-smi` when it exists.
struct GPUInfo {
    let name: String
    let memoryMiB: Int?

    static func query(index: Int) -> GPUInfo? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits", "-i", String(index)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let name = fields.first, !name.isEmpty else { return nil }
        return GPUInfo(name: name, memoryMiB: fields.count > 1 ? Int(fields[1]) : nil)
    }
}
