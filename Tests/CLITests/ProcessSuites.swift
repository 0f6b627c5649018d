import Testing

/// The suites that start real processes (daemons, workers, Python), run one
/// after another: in parallel they starve each other on a 2-core machine,
/// and a worker whose heartbeat thread is starved is declared dead.
@Suite(.serialized) enum ProcessSuites {}
