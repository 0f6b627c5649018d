import Foundation
import GECore

/// A provider with no LLM: random small edits of the segment — a numeric
/// literal scaled, an activation or a pooling layer swapped. For offline runs,
/// tests, and the ablation "does the LLM beat random mutation?".
public struct BaselineProvider: LLMProvider {
    /// Seconds each answer takes: a slow LLM, rehearsed without one.
    public var latency: Double
    /// The model name it advertises: several baseline workers with
    /// different names rehearse a portfolio of models.
    public var model: String

    public init(latency: Double = 0, model: String = "baseline") {
        self.latency = latency
        self.model = model
    }

    public var provider: String { "baseline" }

    public var endpoint: String { "the baseline provider (no LLM)" }

    static let swaps: [[String]] = [
        ["nn.ReLU", "nn.SiLU", "nn.GELU", "nn.Hardswish", "nn.Mish"],
        ["F.relu", "F.silu", "F.gelu", "F.hardswish", "F.mish"],
        ["nn.MaxPool2d", "nn.AvgPool2d"],
        ["torch.sigmoid", "F.hardsigmoid"],
    ]

    /// How the baseline "rephrases" a template: an opening sentence in front.
    static let openings = [
        "Work carefully.", "Be bold.", "Aim for the best accuracy you can get.", "Keep it simple.",
        "Surprise us.",
    ]

    /// Edits are drawn from an RNG seeded by the request, so the same request
    /// gives the same answer.
    /// The usage it reports is an estimate, four bytes a token, so cost
    /// accounting and the cost budget can be rehearsed without an LLM.
    public func complete(_ request: CompletionRequest) throws(ProviderError) -> Completion {
        let text = answer(request)
        return Completion(text: text, usage: TokenUsage(input: request.prompt.utf8.count / 4, output: text.utf8.count / 4))
    }

    private func answer(_ request: CompletionRequest) -> String {
        if latency > 0 { Thread.sleep(forTimeInterval: latency) }
        var rng = SeededRandom(seed: UInt64(CodeNormalizer.fingerprint(request.prompt), radix: 16)!
            ^ request.sampling.temperature.bitPattern ^ UInt64(request.sampling.maxTokens))
        if request.wantsText {
            return Self.openings.randomElement(using: &rng)! + " " + request.subject
        }
        var code = request.subject
        let edits = Int.random(in: 1...3, using: &rng)
        for _ in 0..<edits {
            code = rng.chance(0.6) ? Self.scaleLiteral(in: code, rng: &rng) : Self.swapLayer(in: code, rng: &rng)
        }
        return "Baseline edit (no LLM):\n```python\n\(code)\n```\n"
    }

    /// Multiplies one integer or decimal literal by a factor near 1.
    static func scaleLiteral(in code: String, rng: inout SeededRandom) -> String {
        let characters = Array(code)
        var literals: [Range<Int>] = []
        var index = 0
        while index < characters.count {
            let startsNumber = characters[index].isNumber
                && (index == 0 || !(characters[index - 1].isLetter || characters[index - 1] == "_" || characters[index - 1].isNumber))
            guard startsNumber else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
            literals.append(index..<end)
            index = end
        }
        guard let range = literals.randomElement(using: &rng) else { return code }
        let text = String(characters[range])
        let factor = [0.5, 0.75, 1.25, 1.5, 2.0].randomElement(using: &rng)!
        let replacement: String
        if let integer = Int(text) {
            replacement = String(max(1, Int((Double(integer) * factor).rounded())))
        } else if let decimal = Double(text) {
            replacement = String(format: "%g", decimal * factor)
        } else {
            return code
        }
        return String(characters[..<range.lowerBound]) + replacement + String(characters[range.upperBound...])
    }

    /// Replaces one layer or activation by another of its family.
    static func swapLayer(in code: String, rng: inout SeededRandom) -> String {
        let present = swaps.flatMap { family in
            family.filter { code.contains($0 + "(") }.map { (family, $0) }
        }
        guard let (family, name) = present.randomElement(using: &rng) else { return scaleLiteral(in: code, rng: &rng) }
        let other = family.filter { $0 != name }.randomElement(using: &rng)!
        guard let range = code.range(of: name + "(") else { return code }
        return code.replacingCharacters(in: range, with: other + "(")
    }
}
