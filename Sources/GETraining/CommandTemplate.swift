/// Fills `{placeholders}` of a seed's shell command with shell-quoted values.
public enum CommandTemplate {
    public static func render(_ template: String, values: [String: String]) -> String {
        var result = template
        for (name, value) in values {
            result = result.replacingOccurrences(of: "{\(name)}", with: quote(value))
        }
        return result
    }

    /// `value` as one shell word.
    public static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
