/// The dashboard's two pages: HTML with a small script that polls ged's
/// JSON and SVG every two seconds. Everything is served by ged (no CDN);
/// values reach the page through `textContent`, never as markup, but the
/// front plot, which ged draws itself.
enum DashboardPages {
    static let style = """
        body { font-family: system-ui, sans-serif; margin: 24px; color: #212529; }
        h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; }
        .muted { color: #6c757d; } .warn { color: #c92a2a; font-weight: 600; }
        table { border-collapse: collapse; font-size: 13px; } td, th { padding: 3px 10px; border-bottom: 1px solid #e9ecef; text-align: left; }
        pre { background: #f8f9fa; padding: 10px; font-size: 12px; overflow-x: auto; }
        .add { color: #2b8a3e; } .del { color: #c92a2a; } a { color: #1864ab; }
        """

    static let run = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>ged</title><style>\(style)</style></head>
        <body>
        <h1 id="title">ged</h1>
        <div id="summary" class="muted"></div>
        <div id="training" class="muted"></div>
        <div id="waiting" class="warn"></div>
        <div id="front"></div>
        <h2>Workers</h2>
        <table><thead><tr><th>id</th><th>name</th><th>kind</th><th>host</th><th>GPU</th><th>running</th><th>last heard</th></tr></thead>
        <tbody id="workers"></tbody></table>
        <h2>Models</h2>
        <div id="cost" class="muted"></div>
        <table><thead><tr><th>model</th><th>served</th><th>requests</th><th>no code</th><th>syntax</th><th>trials</th><th>accepted</th><th>tokens in / out</th><th>cost</th></tr></thead>
        <tbody id="models"></tbody></table>
        <h2>Failures by kind</h2>
        <table><tbody id="failures"></tbody></table>
        <p class="muted"><a href="/metrics">/metrics</a></p>
        <script>
        function row(cells) {
          const tr = document.createElement("tr");
          for (const cell of cells) { const td = document.createElement("td"); td.textContent = String(cell); tr.appendChild(td); }
          return tr;
        }
        async function refresh() {
          const status = await (await fetch("/api/status")).json();
          document.getElementById("title").textContent = "ged: " + status.seed + " (" + status.state + ")";
          document.getElementById("summary").textContent = status.evaluations.toLocaleString() + " of " +
            status.budget.toLocaleString() + " evaluations, generation " + status.generation +
            (status.hypervolume === undefined ? "" : ", hypervolume " + status.hypervolume.toLocaleString()) +
            (status.stopReason ? " (" + status.stopReason + ")" : "");
          const hours = status.trainingSeconds === undefined ? "" : (status.trainingSeconds / 3600).toFixed(3) + " GPU hours" +
            (status.maxTrainingHours === undefined ? "" : " of " + status.maxTrainingHours);
          const rungs = (status.rungEpochs || []).map((epochs, index) =>
            epochs + " epochs: " + (status.scoredPerRung || [])[index] + " scored").join(", ");
          document.getElementById("training").textContent = [hours, rungs ? "rungs: " + rungs : ""].filter(Boolean).join("; ");
          document.getElementById("waiting").textContent = status.llmWaiting || "";
          document.getElementById("front").innerHTML = await (await fetch("/api/front.svg")).text();
          const workers = await (await fetch("/api/workers")).json();
          document.getElementById("workers").replaceChildren(...workers.map(w =>
            row([w.id, w.name, w.kind, w.host, w.gpu || "-", w.running + " of " + w.slots, w.secondsSinceHeard.toFixed(1) + " s ago"])));
          const share = (part, whole) => whole > 0 ? Math.round(100 * part / whole) + " %" : "-";
          const models = await (await fetch("/api/models")).json();
          document.getElementById("models").replaceChildren(...models.map(m => row([
            m.name + (m.listed ? "" : " (not listed)"), m.served ? "yes" : "no", m.stats.requests,
            share(m.stats.noCode, m.stats.requests), share(m.stats.syntaxFailures, m.stats.requests), m.stats.trials,
            share(m.stats.accepted, m.stats.trials), m.stats.inputTokens.toLocaleString() + " / " + m.stats.outputTokens.toLocaleString(),
            m.stats.cost.toFixed(4) + " " + m.currency])));
          document.getElementById("cost").textContent = status.llmCost === undefined ? "" : "LLM cost " +
            status.llmCost.toFixed(4) + " " + status.currency + (status.maxLLMCost === undefined ? "" : " of " + status.maxLLMCost);
          document.getElementById("failures").replaceChildren(...Object.entries(status.failures)
            .sort((a, b) => b[1] - a[1]).map(([kind, count]) => row([kind, count])));
          document.body.dataset.loaded = "yes";
        }
        refresh();
        setInterval(refresh, 2000);
        </script>
        </body></html>
        """

    static let individual = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>ged: individual</title><style>\(style)</style></head>
        <body>
        <p><a href="/">← the run</a></p>
        <h1 id="title">individual</h1>
        <div id="objectives"></div>
        <div id="rungs" class="muted"></div>
        <div id="made"></div>
        <div id="failure" class="warn"></div>
        <h2>Diff against its parent</h2>
        <pre id="diff"></pre>
        <h2>The LLM's answer</h2>
        <pre id="answer"></pre>
        <h2>Training log (last lines)</h2>
        <pre id="log"></pre>
        <script>
        async function load() {
          const id = new URLSearchParams(location.search).get("id");
          const response = await fetch("/api/individuals/" + encodeURIComponent(id));
          if (!response.ok) { document.getElementById("title").textContent = await response.text(); return; }
          const detail = await response.json();
          const report = detail.report;
          document.getElementById("title").textContent = "#" + report.id + ": " + report.status + ", " + report.origin +
            " of " + report.parents.map(p => "#" + p).join(", ");
          document.getElementById("objectives").textContent = (report.objectives || []).map((value, index) => {
            const objective = detail.objectives[index] || { name: "objective " + index, source: "" };
            return objective.name + " " + value.toLocaleString() + " (" + objective.source + ")";
          }).join(", ");
          document.getElementById("rungs").textContent = (report.rungs || []).map((values, rung) =>
            "rung " + rung + ": " + values.map(v => v.toLocaleString()).join(", ")).join("; ");
          document.getElementById("made").textContent = detail.variations.join("; ");
          document.getElementById("failure").textContent = report.failure ? report.failure.kind + ": " + report.failure.reason : "";
          const diff = document.getElementById("diff");
          diff.replaceChildren(...detail.diff.split("\\n").map(line => {
            const span = document.createElement("span");
            span.className = line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
            span.textContent = line + "\\n";
            return span;
          }));
          document.getElementById("answer").textContent = detail.answer || "";
          document.getElementById("log").textContent = detail.logTail || "";
          document.body.dataset.loaded = "yes";
        }
        load();
        </script>
        </body></html>
        """
}
