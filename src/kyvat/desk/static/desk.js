/* kyvat desk: the little JavaScript the forms need (no framework, no build step).
   kyvatDesk.post() sends the CSRF value of the page with every request a script makes. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "kyvat-desk", "Accept": "application/json" }
    });
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  window.kyvatDesk = { post: post, debounce: debounce, csrf: csrf };
})();

/* The record forms (views_records.py): a date's machine form shown as it is typed, the record's
   problems checked as the curator types (nothing is saved), and the lists' filter boxes. */
(function () {
  "use strict";
  var desk = window.kyvatDesk;

  function previewDate(input) {
    var out = document.getElementById(input.getAttribute("data-date-preview"));
    var url = input.getAttribute("data-preview-url");
    var label = input.getAttribute("data-machine-label") || "";
    var show = desk.debounce(function () {
      if (!input.value.trim()) { out.textContent = ""; out.className = "machine"; return; }
      var given = document.getElementById(input.id.replace(/-text$/, "-edtf"));
      var query = "?text=" + encodeURIComponent(input.value) + (given ? "&edtf=" + encodeURIComponent(given.value) : "");
      fetch(url + query, {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.json(); }).then(function (found) {
        out.textContent = found.problem || (found.edtf ? label + " " + found.edtf : "");
        out.className = found.problem ? "machine problem error" : "machine";
      }).catch(function () { /* the server stopped: the check on save still runs */ });
    }, 250);
    input.addEventListener("input", show);
    var given = document.getElementById(input.id.replace(/-text$/, "-edtf"));
    if (given) { given.addEventListener("input", show); }
    show();
  }

  function showProblems(found, errorWord) {
    document.querySelectorAll("[data-problems-for]").forEach(function (list) {
      var path = list.getAttribute("data-problems-for");
      var items = found[path] || [];  // the texts say "error:" or "warning:" themselves
      list.textContent = "";
      items.forEach(function (text) {
        var li = document.createElement("li");
        li.className = "problem " + (text.indexOf(errorWord) === 0 ? "error" : "warning");
        li.textContent = text;
        list.appendChild(li);
      });
      var field = list.closest(".field");
      if (field) { field.classList.toggle("has-error", items.length > 0); }
    });
  }

  function checkAsYouType(form) {
    var url = form.getAttribute("data-check-url");
    var check = desk.debounce(function () {
      var body = new FormData(form);
      body.set("action", "save");
      desk.post(url, body).then(function (r) { return r.ok ? r.json() : null; }).then(function (found) {
        if (found) { showProblems(found, form.getAttribute("data-error-word") || "error"); }
      }).catch(function () { /* the check on save still runs */ });
    }, 600);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
  }

  function filterRows(input) {
    var table = document.getElementById(input.getAttribute("data-filter-rows"));
    var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase(); };
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = fold(row.textContent);
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }

  document.querySelectorAll("[data-date-preview]").forEach(previewDate);
  document.querySelectorAll("form[data-check-url]").forEach(checkAsYouType);
  document.querySelectorAll("[data-filter-rows]").forEach(filterRows);
})();
