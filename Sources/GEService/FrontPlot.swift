import Foundation
import GECore
import GEProtocol

/// Draws the run: every evaluated individual, the front, and hypervolume
/// against evaluations, in plain SVG.
public struct FrontPlot {
    let individuals: [IndividualReport]
    let objectives: [StatusReport.Objective]
    /// Front points link to `/individual?id=N` (the dashboard's pages).
    let links: Bool

    public init(individuals: [IndividualReport], objectives: [StatusReport.Objective], links: Bool = false) {
        self.individuals = individuals
        self.objectives = objectives
        self.links = links
    }

    public func svg() -> String {
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
                marks += circle(scale.x(point[1]), scale.y(point[0]), 3, "#9aa5b1", kind: "point")
            }
            if let seed = evaluated.firstIndex(where: { $0.id == 0 }) {
                let x = scale.x(points[seed][1]), y = scale.y(points[seed][0])
                marks += "<circle class=\"seed\" cx=\"\(x)\" cy=\"\(y)\" r=\"8\" fill=\"none\" stroke=\"#2b8a3e\" stroke-width=\"2\"/>"
                marks += "<text x=\"\(x + 9)\" y=\"\(y + 14)\" font-size=\"11\" fill=\"#2b8a3e\">seed</text>"
            }
            let ordered = front.sorted { points[$0][1] < points[$1][1] }
            let path = ordered.map { "\(scale.x(points[$0][1])),\(scale.y(points[$0][0]))" }.joined(separator: " ")
            marks += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#d9480f\" stroke-width=\"1.5\"/>"
            var labelled = Set<String>()
            for index in ordered {
                let x = scale.x(points[index][1]), y = scale.y(points[index][0])
                let mark = circle(x, y, 4.5, "#d9480f", kind: "point front")
                marks += links ? "<a href=\"/individual?id=\(evaluated[index].id)\">\(mark)</a>" : mark
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

    func circle(_ x: Double, _ y: Double, _ r: Double, _ color: String, kind: String) -> String {
        "<circle class=\"\(kind)\" cx=\"\(x)\" cy=\"\(y)\" r=\"\(r)\" fill=\"\(color)\"/>"
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
        for xValue in Self.ticks(lowX, highX) {
            text += "<text x=\"\(x(xValue))\" y=\"\(bottom + 16)\" font-size=\"10\" text-anchor=\"middle\">\(formatted(xValue))</text>"
        }
        for yValue in Self.ticks(lowY, highY) {
            text += "<text x=\"\(frame.left - 6)\" y=\"\(y(yValue) + 3)\" font-size=\"10\" text-anchor=\"end\">\(formatted(yValue))</text>"
        }
        return text
    }

    /// Round values between `low` and `high`, about five of them: steps of
    /// 1, 2, 2.5 or 5 times a power of ten.
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        guard high > low, (high - low).isFinite else { return [low] }
        let rough = (high - low) / 5
        let power = pow(10, (log10(rough)).rounded(.down))
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        var values: [Double] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + step * 1e-9, values.count < 20 {
            // Snapped, so 0.1 + 0.2 prints as 0.3.
            values.append((value / step).rounded() * step)
            value += step
        }
        return values
    }
}

/// A number for tables and axes: whole numbers in full (thousands
/// separated: 518,230), others with four significant digits, large ones
/// without an exponent.
public func formatted(_ value: Double) -> String {
    if abs(value) >= 1000, abs(value) < 1e15 { return Int(value.rounded()).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return String(format: "%.4g", value)
}

/// A child's objectives at each lower fidelity rung, for one table cell:
/// `0: 0.61, 12000 | 1: 0.7, 12000`.
public func rungHistory(_ rungs: [[Double]]) -> String {
    rungs.enumerated().map { rung, values in "\(rung): " + values.map(formatted).joined(separator: ", ") }
        .joined(separator: " | ")
}
