/* kyvat exhibition site: small enhancements over pages that work without JavaScript.
   Browse filters, memorial-roll sorting, citation copying and the deep-zoom viewer, whose
   OpenSeadragon script is loaded only when a visitor opens it (it is larger than the page). */
(function () {
  "use strict";

  function filters() {
    var form = document.getElementById("filters");
    var list = document.getElementById("object-list");
    if (!form || !list) return;
    var names = ["type", "decade", "method", "person"];
    var items = Array.prototype.slice.call(list.children);
    var count = document.getElementById("count");
    var none = document.getElementById("no-match");
    var params = new URLSearchParams(location.search);
    form.hidden = false;
    names.forEach(function (name) {
      var wanted = params.get(name);
      if (wanted && form.elements[name].querySelector('option[value="' + CSS.escape(wanted) + '"]')) {
        form.elements[name].value = wanted;
      }
    });
    function apply() {
      var chosen = {}, shown = 0, query = new URLSearchParams();
      names.forEach(function (name) {
        chosen[name] = form.elements[name].value;
        if (chosen[name]) query.set(name, chosen[name]);
      });
      items.forEach(function (item) {
        var d = item.dataset;
        var match = (!chosen.type || d.type === chosen.type) && (!chosen.decade || d.decade === chosen.decade) &&
          (!chosen.method || d.method === chosen.method) &&
          (!chosen.person || (" " + d.people + " ").indexOf(" " + chosen.person + " ") >= 0);
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = form.dataset.shown.replace("{n}", shown).replace("{total}", items.length);
      none.hidden = shown > 0;
      try {  // keeps a filtered list shareable; file:// pages may refuse, which is harmless
        history.replaceState(null, "", query.toString() ? "?" + query : location.pathname);
      } catch (e) { /* not shareable from a file, still filtered */ }
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();
  }

  function roll() {
    var box = document.getElementById("roll-sort");
    var table = document.getElementById("roll");
    if (!box || !table) return;
    var body = table.tBodies[0];
    box.hidden = false;
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-sort]");
      if (!button) return;
      var rows = Array.prototype.slice.call(body.rows);
      var byName = function (a, b) { return a.dataset.name - b.dataset.name; };
      rows.sort(button.dataset.sort === "name" ? byName : function (a, b) {
        return a.dataset.death.localeCompare(b.dataset.death) || byName(a, b);
      });
      rows.forEach(function (row) { body.appendChild(row); });
      box.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    });
  }

  function copy() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = document.getElementById(button.dataset.copy).textContent.trim();
        navigator.clipboard.writeText(text).then(function () { button.textContent = button.dataset.done; });
      });
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  /* The info.json `id` is absolute from the published base_url (perhaps another host); the viewer
     fetches it by a relative address (data-info) and points `id` back at this copy (data-service),
     so tiles come from here. */
  function tileSource(figure, fallback) {
    var service = new URL(figure.dataset.service, document.baseURI).href;
    return fetch(new URL(figure.dataset.info, document.baseURI).href)
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (info) {
        info.id = service;
        if (info["@id"]) info["@id"] = service;
        return info;
      })
      .catch(function () {  // fetch is refused on file://: zoom into the largest pre-made size
        fallback.used = true;
        return { type: "image", url: new URL(figure.dataset.full, document.baseURI).href };
      });
  }

  function viewer() {
    var article = document.querySelector("article[data-osd]");
    var dialog = document.getElementById("viewer");
    if (!article || !dialog || typeof dialog.showModal !== "function") return;
    var figures = Array.prototype.slice.call(article.querySelectorAll("figure[data-service]"));
    var area = document.getElementById("viewer-area");
    var status = document.getElementById("viewer-status");
    var title = document.getElementById("viewer-title");
    var osd = null, opening = null, current = 0;

    function show(index) {
      current = index;
      title.textContent = figures[index].dataset.title;  // scan.title of i18n.yaml, filled by the page
    }
    function start() {
      var fallback = { used: false };
      var script = window.OpenSeadragon ? Promise.resolve() : loadScript(article.dataset.osd);
      return script.then(function () {
        return Promise.all(figures.map(function (figure) { return tileSource(figure, fallback); }));
      }).then(function (sources) {
        osd = window.OpenSeadragon({
          element: area, tileSources: sources, sequenceMode: sources.length > 1, initialPage: current,
          // WebGL may not draw images read from a file (they taint it); plain <img> tiles always can
          drawer: fallback.used ? "html" : "canvas",
          showNavigationControl: false, showSequenceControl: false, showNavigator: false,
          gestureSettingsMouse: { clickToZoom: false }, visibilityRatio: 0.5, minZoomImageRatio: 0.8
        });
        dialog.osd = osd;  // for a kiosk's own script, and for tests
        osd.addHandler("page", function (event) { show(event.page); });
        osd.addHandler("open", function () { osd.canvas.focus(); });
        status.textContent = fallback.used ? article.dataset.offline : "";
      });
    }
    function open(index) {
      show(index);
      dialog.showModal();
      if (osd) {
        if (osd.currentPage() !== index) osd.goToPage(index);
        osd.canvas.focus();
        return;
      }
      status.textContent = article.dataset.loading;
      opening = opening || start().catch(function () {
        dialog.close();  // no viewer script: the page's own image is the best there is
        location.href = figures[index].dataset.full;
      });
    }
    figures.forEach(function (figure, index) {
      var button = figure.querySelector("button.zoom");
      button.hidden = false;
      button.addEventListener("click", function () { open(index); });
    });
    dialog.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-act]");
      if (!button) return;
      var act = button.dataset.act;
      if (act === "close") { dialog.close(); return; }
      if (!osd) return;
      if (act === "zoom-in") osd.viewport.zoomBy(1.5);
      if (act === "zoom-out") osd.viewport.zoomBy(1 / 1.5);
      if (act === "home") osd.viewport.goHome();
      if (act === "previous" && current > 0) osd.goToPage(current - 1);
      if (act === "next" && current < figures.length - 1) osd.goToPage(current + 1);
      osd.viewport.applyConstraints();
    });
  }

  filters();
  roll();
  copy();
  viewer();
})();
