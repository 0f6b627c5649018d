// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ged",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ged", targets: ["Daemon"]),
        .executable(name: "ge-llm-worker", targets: ["LLMWorker"]),
        .executable(name: "ge-gpu-worker", targets: ["GPUWorker"]),
        .executable(name: "gectl", targets: ["gectl"]),
        .executable(name: "gebench", targets: ["gebench"]),
        .library(name: "GECore", targets: ["GECore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CZMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "GECore"),
        .target(
            name: "GECLI",
            dependencies: [
                "GEBus", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "GEBus", dependencies: ["CZMQ"]),
        .target(name: "GEProtocol", dependencies: ["GECore"]),
        .target(name: "GEStore", dependencies: ["GECore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "GELLM", dependencies: ["GECore", "GEBus", "GEProtocol", "GEProcess", "CCurl"]),
        .target(name: "GETOML", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "GESeed", dependencies: ["GECore", "GETOML", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "CSpawn"),
        .target(name: "GEProcess"),
        .target(
            name: "GEService",
            dependencies: [
                "GECore", "GEBus", "GEProtocol", "GEStore", "GESeed", "GETOML", .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(name: "GETraining", dependencies: ["GECore", "GEBus", "GEProtocol", "GESeed", "GEProcess", "CSpawn"]),
        .target(
            name: "GEDashboard",
            dependencies: [
                "GECore", "GEProtocol", "GEService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "Daemon",
            dependencies: [
                "GECore", "GEBus", "GEStore", "GESeed", "GEService", "GECLI", "GEDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "LLMWorker",
            dependencies: [
                "GECore", "GEBus", "GELLM", "GECLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "GPUWorker",
            dependencies: [
                "GECore", "GEBus", "GESeed", "GETraining", "GEProcess", "GECLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "gectl",
            dependencies: [
                "GEBus", "GEProtocol", "GECore", "GESeed", "GETraining", "GEService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "gebench",
            dependencies: [
                "GECore", "GEBus", "GEService", "GEStore", "GEProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GECoreTests", dependencies: ["GECore", "GEService"]),
        .target(name: "GEBusTestSupport", dependencies: ["GEBus"], path: "Tests/GEBusTestSupport"),
        .testTarget(name: "GEBusTests", dependencies: ["GEBus", "GEBusTestSupport"]),
        .testTarget(name: "GELLMTests", dependencies: ["GELLM", "GEBus", "GEProtocol", "GECore"], exclude: ["Fixtures"]),
        .testTarget(name: "GESeedTests", dependencies: ["GESeed"]),
        .testTarget(name: "GEServiceTests", dependencies: ["GEService", "GEBus", "GEProtocol", "GECore", "GEStore"]),
        .testTarget(name: "GETrainingTests", dependencies: ["GETraining", "GESeed", "GEBus", "GEProtocol", "GECore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "GEStoreTests",
            dependencies: ["GEStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "Daemon", "LLMWorker", "GPUWorker", "gectl", "gebench", "GEBus", "GEProtocol", "GEBusTestSupport", "GECore", "GEStore",
                "GESeed", "GECLI", .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)
