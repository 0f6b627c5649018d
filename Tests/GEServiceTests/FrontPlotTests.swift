import Foundation
import GEProtocol
@testable import GEService
import Testing

@Suite struct FrontPlotTests {
    @Test func axesHaveRoundTicks() {
        #expect(Scale.ticks(57.75, 481.2) == [100, 200, 300, 400])
        #expect(Scale.ticks(-0.1, 1.9) == [0, 0.5, 1, 1.5])
        #expect(Scale.ticks(0.55, 10.45) == [2, 4, 6, 8, 10])
        #expect(Scale.ticks(0.9, 0.9) == [0.9])
    }

    @Test func numbersAreReadable() {
        #expect(formatted(518_230) == "518,230")
        #expect(formatted(0.92517) == "0.9252")
        #expect(formatted(42) == "42")
    }

    @Test func theSeedIsMarkedAndFrontPointsLinkToTheirPages() {
        let objectives = [StatusReport.Objective(name: "accuracy", maximize: true), StatusReport.Objective(name: "parameters", maximize: false)]
        func individual(_ id: Int, _ values: [Double]) -> IndividualReport {
            IndividualReport(id: id, status: "alive", objectives: values, origin: "mutation", parents: [], age: 0, generation: 0, failure: nil, template: nil)
        }
        let svg = FrontPlot(individuals: [individual(0, [0.9, 500]), individual(1, [0.95, 400]), individual(2, [0.8, 600])],
                            objectives: objectives, links: true).svg()
        #expect(svg.contains(#"class="seed""#) && svg.contains(">seed</text>"))
        #expect(svg.contains(#"<a href="/individual?id=1">"#) && !svg.contains(#"<a href="/individual?id=2">"#))
        #expect(svg.components(separatedBy: #"class="point front""#).count - 1 == 1)
    }
}
