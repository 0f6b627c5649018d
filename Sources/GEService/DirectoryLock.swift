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
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .stateInUse(directory)
        }
    }

    deinit {
        close(descriptor)
    }
}
