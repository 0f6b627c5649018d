import GEBus
import Testing

@Suite struct LibZMQTests {
    @Test func linkedLibraryIsRecentAndSupportsCurveAndIPC() {
        let version = LibZMQ.version
        #expect(version.major > 4 || (version.major == 4 && version.minor >= 3))
        #expect(LibZMQ.has("curve"))
        #expect(LibZMQ.has("ipc"))
        #expect(!LibZMQ.has("no-such-capability"))
    }
}
