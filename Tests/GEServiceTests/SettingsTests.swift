import Foundation
import GECore
@testable import GEService
import Testing

@Suite struct SettingsTests {
    /// A value other than the default for every setting, as `gectl config
    /// set` would send it. A new setting must add one here.
    static let samples: [String: String] = [
        "paths.state_directory": "/srv/ged", "paths.seed": "/srv/seed", "paths.prompts": "/srv/prompts",
        "evolution.mode": "generational", "evolution.evaluation_budget": "400", "evolution.initial_population": "8",
        "evolution.population_size": "16", "evolution.offspring_per_generation": "4", "evolution.elites": "10",
        "evolution.hall_of_fame_size": "7", "evolution.lookahead": "5", "evolution.evaluate_seed": "false",
        "evolution.rng_seed": "-3", "evolution.max_consecutive_breeding_failures": "9",
        "evolution.max_gpu_hours": "2.5", "evolution.multi_fidelity": "false", "evolution.promotion_eta": "4",
        "variation.p_cx": "0.5", "variation.p_mut": "0.4", "variation.p_eot": "0", "variation.eot_elites": "3",
        "variation.p_qc": "0.1", "variation.mutation_temperature": "[0.1, 0.2]",
        "variation.crossover_temperature": "[0.2, 0.3]", "variation.top_p": "0.9", "variation.max_tokens": "[100, 200]",
        "bus.work": "tcp://127.0.0.1:6000", "bus.control": "ipc:///tmp/c.sock", "bus.events": "ipc:///tmp/e.sock",
        "bus.heartbeat_seconds": "2.5", "bus.max_attempts": "5", "bus.server_keys": "/etc/ged/server.key",
        "bus.authorized_keys": "/etc/ged/keys", "bus.operator_keys": "/etc/ged/operators", "bus.allow_plaintext": "true",
        "bus.llm_job_deadline_seconds": "600", "bus.max_workers_per_kind": "64", "bus.reclaim_seconds": "30",
        "http.listen": "127.0.0.1:8080", "evolution.max_generations": "30", "variation.p_repair": "0",
        "variation.rephrasings": "0", "variation.max_evolved_templates": "10", "variation.rephrase_temperature": "[0.1, 0.2]",
        "prompts.personas": "[\"plain\"]",
        "llm.models": "[{ name = \"gpt-4o-mini\", input_price = 0.15, output_price = 0.6 }, { name = \"qwen2.5-coder:7b\" }]",
        "llm.exploration_share": "0.2", "llm.reward": "acceptance_per_cost", "llm.currency": "EUR",
        "evolution.max_llm_cost": "25",
    ]

    @Test func everySettingIsReadFromTOMLAndShownAsItWasWritten() throws {
        #expect(Set(Self.samples.keys) == Set(Setting.all.map(\.key)), "every setting needs a sample value here")
        #expect(Set(Setting.all.map(\.key)).count == Setting.all.count, "keys are unique")
        let defaults = DaemonSettings()
        var text = "", section = ""
        for setting in Setting.all {
            var changed = defaults
            try setting.set(Self.samples[setting.key]!, in: &changed)
            #expect(changed != defaults, "\(setting.key) changed nothing")
            if setting.section != section {
                section = setting.section
                text += "[\(section)]\n"
            }
            text += "\(setting.name) = \(setting.value(in: changed))\n"
        }
        // The values as shown read back to the same settings.
        var fromFile = DaemonSettings()
        try fromFile.apply(Setting.reader.parse(text, source: "test"))
        #expect(fromFile.given == Set(Setting.all.map(\.key)))
        for setting in Setting.all {
            var expected = defaults
            try setting.set(Self.samples[setting.key]!, in: &expected)
            #expect(setting.value(in: fromFile) == setting.value(in: expected), "\(setting.key)")
        }
    }

    @Test(arguments: ["8080", "127.0.0.1:0", "127.0.0.1:65536", ":8080", "127.0.0.1:99999999999999999999", "127.0.0.1:http"])
    func aBadHTTPListenAddressIsRefusedWithTheKey(address: String) {
        var settings = DaemonSettings()
        settings.httpListen = address
        #expect(throws: ConfigError.self) { try settings.validate() }
        settings.httpListen = "127.0.0.1:8080"
        #expect(throws: Never.self) { try settings.validate() }
    }

    @Test func hostileValuesAreRefusedWithTheKey() throws {
        var settings = DaemonSettings()
        let cases: [(String, String, String)] = [
            ("evolution.evaluation_budget", "9223372036854775807", "must be an integer 1…100000000"),
            ("evolution.evaluation_budget", "-1", "must be an integer 1…100000000"),
            ("variation.p_cx", "nan", "must be a number 0.0…1.0"),
            ("variation.p_cx", "inf", "must be a number 0.0…1.0"),
            ("variation.top_p", "\"high\"", "must be a number"),
            ("variation.max_tokens", "[5, 1e300]", "integers within 1…1000000"),
            ("variation.mutation_temperature", "[0.3, 0.1]", "low <= high"),
            ("evolution.mode", "fastest", "must be \"steady\" or \"generational\""),
            ("evolution.max_gpu_hours", "nan", "must be a number 0.001…10000000.0"),
            ("evolution.max_gpu_hours", "-1", "must be a number 0.001…10000000.0"),
            ("evolution.max_gpu_hours", "1e308", "must be a number 0.001…10000000.0"),
            ("evolution.promotion_eta", "1", "must be an integer 2…100"),
            ("evolution.promotion_eta", "9223372036854775807", "must be an integer 2…100"),
            ("evolution.multi_fidelity", "\"yes\"", "must be true or false"),
            ("evolution.evaluate_seed", "1", "must be true or false"),
            ("bus.work", String(repeating: "x", count: 0), "must be a non-empty string"),
            ("evolution.max_llm_cost", "0", "must be a number 1e-06…1000000000.0"),
            ("evolution.max_llm_cost", "nan", "must be a number"),
            ("llm.exploration_share", "1.5", "must be a number 0.0…1.0"),
            ("llm.reward", "\"cheapest\"", "must be \"acceptance\" or \"acceptance_per_cost\""),
            ("llm.models", "\"gpt\"", "must be an array of"),
            ("llm.models", "[{ name = \"a\" }, { name = \"a\" }]", "lists the model a twice"),
            ("llm.models", "[{ name = \"a b\" }]", "no spaces or control characters"),
            ("llm.models", "[{ name = \"a\", input_price = -1 }]", "input_price must be a price"),
            ("llm.models", "[{ name = \"\(String(repeating: "m", count: 300))\" }]", "at most 200 bytes"),
        ]
        for (key, value, message) in cases {
            let setting = try #require(Setting.named(key))
            #expect {
                try setting.set(value, in: &settings)
            } throws: { error in
                let error = error as? ConfigError
                return error?.key == key && error?.message.contains(message) == true
            }
        }
        #expect(settings == DaemonSettings(), "a refused value changes nothing")
        // An entry's own problems name the entry.
        for (value, key, message) in [
            ("[{ model = \"a\" }]", "llm.models[0].model", "unknown key"),
            ("[{ input_price = 1 }]", "llm.models[0].name", "is required"),
            ("[{ name = \"a\" }, 3]", "llm.models[1]", "must be a table"),
            ("[{ name = \"a\", output_price = \"free\" }]", "llm.models[0].output_price", "must be a number"),
        ] {
            #expect {
                try Setting.named("llm.models")!.set(value, in: &settings)
            } throws: { error in
                let error = error as? ConfigError
                return error?.key == key && error?.message.contains(message) == true
            }
        }
    }

    @Test func liveSettingsAreExactlyThoseTheEngineTakesWhileRunning() throws {
        let seed = Genome(source: "import x\n# --OPTION--\nclass A:\n    pass\n")
        let defaults = DaemonSettings()
        for setting in Setting.all where setting.scope != .daemon {
            var engine = try Engine(seed: seed, config: defaults.engine, rngSeed: 1)
            var changed = defaults
            try setting.set(Self.samples[setting.key]!, in: &changed)
            engine.reconfigure(changed.engine)
            if setting.scope == .live {
                #expect(engine.config == changed.engine, "\(setting.key) is live: the engine must take it")
            } else if changed.engine != defaults.engine {
                #expect(engine.config == defaults.engine, "\(setting.key) is fixed per run: the engine must keep it")
            }
        }
    }

    @Test func theConfigurationReferenceInDocsIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/CONFIGURATION.md").path
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == Setting.reference(), "regenerate: ged --configuration-reference > docs/CONFIGURATION.md")
    }
}

extension SettingsTests {
    @Test func theShippedExampleConfigurationIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/ged.toml").path
        let settings = try DaemonSettings.load(file: path)
        try settings.validate()
    }
}

extension SettingsTests {
    @Test func aWorkEndpointBeyondLoopbackNeedsCurveOrAnExplicitYes() throws {
        var settings = DaemonSettings()
        #expect(settings.workEndpoint == "tcp://127.0.0.1:5555", "loopback unless told otherwise")
        settings.workEndpoint = "tcp://*:5555"
        #expect(throws: ConfigError.self) { try settings.validate() }
        for loopback in ["tcp://127.0.0.1:5555", "tcp://localhost:1", "tcp://[::1]:7", "ipc:///run/ged/work.sock"] {
            settings.workEndpoint = loopback
            #expect(throws: Never.self) { try settings.validate() }
        }
        settings.workEndpoint = "tcp://0.0.0.0:5555"
        settings.allowPlaintext = true
        #expect(throws: Never.self) { try settings.validate() }
        settings.allowPlaintext = false
        settings.serverKeys = "/etc/ged/server.key"
        settings.authorizedKeys = "/etc/ged/authorized_keys"
        #expect(throws: Never.self) { try settings.validate() }
    }
}
