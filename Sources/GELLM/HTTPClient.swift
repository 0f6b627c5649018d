import CCurl
import Foundation

/// An HTTP response: status, body, and the server's Retry-After, if any.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: Data
    /// Seconds the server asked to wait (Retry-After), if it said.
    public var retryAfter: Double?

    public init(status: Int, body: Data, retryAfter: Double? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }
}

/// A request that got no HTTP response.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    case timeout(String)
    case transport(String)

    public var description: String {
        switch self {
        case .timeout(let detail): "timed out: \(detail)"
        case .transport(let detail): "no response: \(detail)"
        }
    }
}

/// Sends HTTP requests with libcurl's easy interface: one blocking request
/// per call, safe to use from several threads at once.
public struct HTTPClient: Sendable {
    public var connectTimeout: Double
    public var totalTimeout: Double

    public init(connectTimeout: Double = 10, totalTimeout: Double = 300) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// libcurl's global state, set up once before the first handle.
    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// POSTs `body` with the given header lines (`Name: value`).
    public func post(url: String, headers: [String], body: Data) throws(HTTPError) -> HTTPResponse {
        try perform(url: url, headers: headers, body: body)
    }

    /// GETs `url` with the given header lines.
    public func get(url: String, headers: [String]) throws(HTTPError) -> HTTPResponse {
        try perform(url: url, headers: headers, body: nil)
    }

    /// One request: a POST of `body`, or a GET without one.
    private func perform(url: String, headers: [String], body: Data?) throws(HTTPError) -> HTTPResponse {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { throw .transport("libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }

        let buffer = ResponseBuffer()
        let context = Unmanaged.passRetained(buffer)
        defer { context.release() }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorText.withUnsafeMutableBufferPointer { errorBuffer in
            ged_curl_set_string(handle, CURLOPT_URL, url)
            ged_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            ged_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
            ged_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(totalTimeout * 1000))
            ged_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer.baseAddress)
            ged_curl_set_headers(handle, list)
            if let body {
                ged_curl_set_long(handle, CURLOPT_POST, 1)
                ged_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                body.withUnsafeBytes { bytes in
                    _ = ged_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            } else {
                ged_curl_set_long(handle, CURLOPT_HTTPGET, 1)
            }
            ged_curl_set_write_function(handle, collectResponseBody)
            ged_curl_set_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            let message = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            throw code == CURLE_OPERATION_TIMEDOUT ? .timeout(detail) : .transport(detail)
        }
        var status = 0
        ged_curl_get_response_code(handle, &status)
        var retryAfter: curl_off_t = 0
        ged_curl_get_retry_after(handle, &retryAfter)
        return HTTPResponse(status: status, body: buffer.data, retryAfter: retryAfter > 0 ? Double(retryAfter) : nil)
    }
}

/// Collects a response body; handed to libcurl's write callback.
private final class ResponseBuffer {
    var data = Data()
}

/// libcurl's write callback: appends a chunk to the `ResponseBuffer`.
private func collectResponseBody(
    _ chunk: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let chunk, let context else { return 0 }
    let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
    buffer.data.append(UnsafeRawPointer(chunk).assumingMemoryBound(to: UInt8.self), count: size * count)
    return size * count
}
