import Testing

@Suite struct PlaceholderCommandTests {
    @Test(arguments: [("ged", 4), ("gectl", 4)])
    func printsHelpAndRefusesToPretend(executable: String, issue: Int) throws {
        let help = try ProcessRunner.run(executable, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: \(executable)"))
        let run = try ProcessRunner.run(executable, [])
        #expect(run.status != 0)
        #expect(run.stderr == "Error: \(executable) is not implemented yet (issue #\(issue)); nothing was started\n")
    }
}
