import Foundation

/// An exclusive lock on a state directory (`flock` on `ged.lock`), held
/// while this object lives: one daemon per state directory. Released when
/// the daemon ends, or when it fails to start, since a half-made daemon
/// drops its stored properties too.
final class DirectoryLock {
    private let descriptor: Int32

    init(directory: String) throws(DaemonError) {
        descriptor = open(directory + "/ged.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .stateUnusable(directory, String(cString: strerror(errno)))
        }
        // A lock just released can stay held for a moment by a process that
        // forked in between and has not yet exec'd (the descriptor closes on
        // exec): try for up to two seconds before calling the directory busy.
        let deadline = Date().addingTimeInterval(2)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else {
                close(descriptor)
                throw .stateInUse(directory)
            }
            usleep(50_000)
        }
    }

    deinit {
        close(descriptor)
    }
}
