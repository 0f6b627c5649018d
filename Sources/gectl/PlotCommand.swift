import ArgumentParser
import Foundation
import GEBus
import GEProtocol
import GECore

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write an SVG of the Pareto front and of the hypervolume over evaluations.")
    @OptionGroup var options: ControlOptions
    @Option(help: "Where to write the SVG.") var output = "ged-front.svg"

    func run() throws {
        try reporting {
            let individuals = try options.request([IndividualReport].self, .individuals)
            let status = try options.request(StatusReport.self, .status)
            let svg = FrontPlot(individuals: individuals, objectives: status.objectives).svg()
            try Data(svg.utf8).write(to: URL(fileURLWithPath: output))
            print("wrote \(output)")
        }
    }
}

/// Draws the run: every evaluated individual, the front, and hypervolume
/// against evaluations, in plain SVG.
struct FrontPlot {
    let individuals: [IndividualReport]
    let objectives: [StatusReport.Objective]

    func svg() -> String {
        let evaluated = individuals.filter { $0.objectives != nil && $0.objectives!.count >= 2 }
        let points = evaluated.map { $0.objectives! }
        let weights = objectives.count == points.first?.count ? objectives.map { $0.maximize ? 1.0 : -1.0 } : [1, -1]
        let front = points.isEmpty ? [] : NondominatedSort.fronts(Dominance.weighted(points, by: weights))[0]
        var body = ""
        body += panel(x: 90, title: "Pareto front (\(front.count) of \(points.count) evaluated)") { frame in
            var marks = ""
            guard !points.isEmpty else { return "" }
            let xs = points.map { $0[1] }, ys = points.map { $0[0] }
            let scale = Scale(xs: xs, ys: ys, frame: frame)
            for (index, point) in points.enumerated() where !front.contains(index) {
                marks += circle(scale.x(point[1]), scale.y(point[0]), 3, "#9aa5b1")
            }
            let ordered = front.sorted { points[$0][1] < points[$1][1] }
            let path = ordered.map { "\(scale.x(points[$0][1])),\(scale.y(points[$0][0]))" }.joined(separator: " ")
            marks += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#d9480f\" stroke-width=\"1.5\"/>"
            var labelled = Set<String>()
            for index in ordered {
                let x = scale.x(points[index][1]), y = scale.y(points[index][0])
                marks += circle(x, y, 4.5, "#d9480f")
                // One label per position: equal points would print on top of each other.
                guard labelled.insert("\(Int(x)),\(Int(y))").inserted else { continue }
                marks += "<text x=\"\(x + 6)\" y=\"\(y - 6)\" font-size=\"10\">#\(evaluated[index].id)</text>"
            }
            return marks + scale.axes(xLabel: label(1), yLabel: label(0))
        }
        body += panel(x: 600, title: "Hypervolume over successful evaluations") { frame in
            guard points.count >= 1 else { return "" }
            let reference = Hypervolume.reference(below: points, weights: weights)
            let series = points.indices.map { count in
                Hypervolume.compute(Array(points[...count]), weights: weights, reference: reference)
            }
            let scale = Scale(xs: series.indices.map { Double($0 + 1) }, ys: series, frame: frame)
            let path = series.enumerated().map { "\(scale.x(Double($0.offset + 1))),\(scale.y($0.element))" }.joined(separator: " ")
            return "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1864ab\" stroke-width=\"2\"/>"
                + scale.axes(xLabel: "successful evaluations", yLabel: "hypervolume")
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="1080" height="460" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            \(body)
            </svg>
            """
    }

    func label(_ index: Int) -> String {
        guard index < objectives.count else { return "objective \(index)" }
        return objectives[index].name + (objectives[index].maximize ? " (higher is better)" : " (lower is better)")
    }

    func panel(x: Double, title: String, _ content: (Frame) -> String) -> String {
        let frame = Frame(left: x, top: 50, width: 400, height: 330)
        return "<text x=\"\(x)\" y=\"30\" font-size=\"15\" font-weight=\"bold\">\(title)</text>"
            + "<rect x=\"\(frame.left)\" y=\"\(frame.top)\" width=\"\(frame.width)\" height=\"\(frame.height)\" fill=\"none\" stroke=\"#ced4da\"/>"
            + content(frame)
    }

    func circle(_ x: Double, _ y: Double, _ r: Double, _ color: String) -> String {
        "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"\(r)\" fill=\"\(color)\"/>"
    }
}

struct Frame {
    let left: Double, top: Double, width: Double, height: Double
}

/// Maps data to a frame, with a 5 % margin, and draws the axis labels.
struct Scale {
    let lowX: Double, highX: Double, lowY: Double, highY: Double
    let frame: Frame

    init(xs: [Double], ys: [Double], frame: Frame) {
        func bounds(_ values: [Double]) -> (Double, Double) {
            let low = values.min() ?? 0, high = values.max() ?? 1
            let pad = high > low ? (high - low) * 0.05 : max(abs(low) * 0.05, 1)
            return (low - pad, high + pad)
        }
        (lowX, highX) = bounds(xs)
        (lowY, highY) = bounds(ys)
        self.frame = frame
    }

    func x(_ value: Double) -> Double { frame.left + (value - lowX) / (highX - lowX) * frame.width }
    func y(_ value: Double) -> Double { frame.top + frame.height - (value - lowY) / (highY - lowY) * frame.height }

    func axes(xLabel: String, yLabel: String) -> String {
        let bottom = frame.top + frame.height
        var text = "<text x=\"\(frame.left + frame.width / 2)\" y=\"\(bottom + 40)\" font-size=\"12\" text-anchor=\"middle\">\(xLabel)</text>"
        text += "<text x=\"\(frame.left - 70)\" y=\"\(frame.top + frame.height / 2)\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 \(frame.left - 70) \(frame.top + frame.height / 2))\">\(yLabel)</text>"
        for step in 0...4 {
            let fraction = Double(step) / 4
            let xValue = lowX + (highX - lowX) * fraction, yValue = lowY + (highY - lowY) * fraction
            text += "<text x=\"\(x(xValue))\" y=\"\(bottom + 16)\" font-size=\"10\" text-anchor=\"middle\">\(formatted(xValue))</text>"
            text += "<text x=\"\(frame.left - 6)\" y=\"\(y(yValue) + 3)\" font-size=\"10\" text-anchor=\"end\">\(formatted(yValue))</text>"
        }
        return text
    }
}
