/// A line diff of two texts, in unified form without hunk headers: each line
/// prefixed with " ", "-" or "+". Enough to show what an LLM changed.
public enum LineDiff {
    public static func unified(from old: String, to new: String, context: Int = 2) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        // Longest common subsequence table, from the end.
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines: [(Character, Substring)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Removals before additions, as in `diff -u`.
                lines.append(("-", a[i])); i += 1
            } else {
                lines.append(("+", b[j])); j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].0 != " " }
        let shown = lines.indices.filter { index in changed.contains { abs($0 - index) <= context } }
        var output: [String] = []
        var previous: Int?
        for index in shown {
            if let previous, index > previous + 1 { output.append("...") }
            output.append("\(lines[index].0)\(lines[index].1)")
            previous = index
        }
        return output.joined(separator: "\n")
    }
}
