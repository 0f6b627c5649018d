extension Array where Element == CChar {
    /// The text of a NUL-terminated C string buffer.
    var nulTerminatedString: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
