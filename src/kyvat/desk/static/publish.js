/* kyvat desk, Publish: start the build, then ask for its progress every half second and draw it
   (the stage's name, a <progress> bar, the file just made) until it reports its result. */
(function () {
  "use strict";
  var section = document.getElementById("publish-status");
  var form = document.getElementById("publish-form");
  if (!section || !form) { return; }
  var button = document.getElementById("publish-button");
  var state = document.getElementById("publish-state");
  var bar = document.getElementById("publish-bar");
  var stage = document.getElementById("publish-stage");
  var meter = document.getElementById("publish-progress");
  var current = document.getElementById("publish-current");
  var counts = document.getElementById("publish-counts");
  var problems = document.getElementById("publish-problems");
  var timer = null;

  function words(name, values) {
    return (section.dataset["words" + name] || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function showProblems(list) {
    problems.textContent = "";
    (list || []).forEach(function (p) {
      var item = document.createElement("li");
      item.className = "problem " + (p.error ? "error" : "warning");
      item.textContent = p.text;
      problems.appendChild(item);
    });
  }

  function draw(s) {
    section.dataset.state = s.state;
    var running = s.state === "running";
    button.disabled = running;
    bar.hidden = !running;
    if (running) {
      state.textContent = words("Running", { seconds: s.seconds });
      stage.textContent = s.step ? words("Step", { step: s.step, steps: s.steps, stage: s.stage_words }) : "";
      meter.max = Math.max(s.total, 1);
      meter.value = Math.min(s.done, meter.max);
      meter.textContent = s.done + " / " + s.total;
      current.textContent = s.current || "";
    } else if (s.state === "done") {
      state.textContent = words("Done", { summary: s.result.summary });
      counts.hidden = false;
      counts.textContent = words("Counts", { errors: s.result.errors, warnings: s.result.warnings });
      showProblems(s.result.problems);
    } else if (s.state === "failed") {
      state.textContent = words("Failed", { error: s.error });
      counts.hidden = true;
      showProblems(s.problems);
    }
    return running;
  }

  function poll() {
    fetch(section.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (s) { timer = draw(s) ? setTimeout(poll, 500) : null; })
      .catch(function () { state.textContent = words("Lost", {}); timer = null; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    counts.hidden = true;
    showProblems([]);
    window.kyvatDesk.post(form.action, new FormData(form))
      .then(function (response) {
        return response.json().then(function (body) {
          if (body.status) { draw(body.status); }
          if (response.status === 409) { state.textContent = body.error || words("Busy", {}); }
          if (!timer) { timer = setTimeout(poll, 300); }
        });
      })
      .catch(function () { state.textContent = words("Lost", {}); button.disabled = false; });
  });

  if (section.dataset.state === "running") { poll(); }
})();
