import Foundation

/// Counts what peers send that is dropped or refused, and says so in the log
/// at most once per peer per interval: a hostile peer must not be able to
/// flood the log (or slow the reactor writing it) however much it sends.
struct DropLog {
    struct Peer {
        var count = 0
        var total = 0
        var lastReason = ""
        var lastLogged: Double
    }

    /// Seconds between two lines about one peer.
    let interval: Double
    /// Peers remembered; the longest quiet are forgotten first.
    let maximumPeers: Int
    private(set) var peers: [Data: Peer] = [:]

    init(interval: Double = 60, maximumPeers: Int = 4096) {
        self.interval = interval
        self.maximumPeers = maximumPeers
    }

    /// Records one dropped message from `peer`; returns the line to log now,
    /// if any: the first drop at once, then one summary per interval.
    mutating func record(_ reason: String, from peer: Data, now: Double) -> String? {
        let reason = Self.truncated(reason)
        guard var entry = peers[peer] else {
            if peers.count >= maximumPeers, let quietest = peers.min(by: { $0.value.lastLogged < $1.value.lastLogged })?.key {
                peers[quietest] = nil
            }
            peers[peer] = Peer(count: 0, total: 1, lastReason: reason, lastLogged: now)
            return "dropped a message from peer \(peer.hexString): \(reason)"
        }
        entry.count += 1
        entry.total += 1
        entry.lastReason = reason
        defer { peers[peer] = entry }
        guard now - entry.lastLogged >= interval else { return nil }
        let line = "dropped \(entry.count) more message(s) from peer \(peer.hexString) (\(entry.total) in all); the last: \(reason)"
        entry.count = 0
        entry.lastLogged = now
        return line
    }

    /// At most 200 characters of what a peer sent, on one line.
    static func truncated(_ text: String) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= 200 ? line : String(line.prefix(200)) + "… (\(line.utf8.count) bytes)"
    }
}
