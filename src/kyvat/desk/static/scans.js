/* kyvat desk: an object's scans. Files dropped on the drop zone (or chosen) are sent at once to the
   desk, which checks and copies them as `kyvat add-scan` does; a scan dragged to a new place is
   moved there in the record (one move a drop); the transcription page shows the scan zoomable. */
(function () {
  "use strict";

  function reload() { window.location.reload(); }

  // -- adding files ------------------------------------------------------------------------------
  var form = document.getElementById("scan-upload");
  if (form) {
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("scan-files");
    var status = document.getElementById("upload-status");
    var limit = parseInt(form.getAttribute("data-max-upload"), 10) || 0;

    var send = function (files) {
      if (!files || !files.length) { return; }
      var total = 0, body = new FormData(form);
      body.delete("files");
      for (var i = 0; i < files.length; i++) { body.append("files", files[i], files[i].name); total += files[i].size; }
      if (limit && total > limit) { status.textContent = form.getAttribute("data-too-large"); return; }
      status.textContent = "…";
      window.kyvatDesk.post(form.action, body).then(function (response) {
        if (response.status === 413) {
          return response.json().then(function (answer) { status.textContent = answer.error; });
        }
        reload();  // what went in and what did not is on the page, in its messages
      }).catch(function () { status.textContent = form.getAttribute("data-no-answer"); });
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(input.files);
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        if (!event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) { return; }
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    // a file dropped beside the zone must not make the browser leave the desk to show it
    ["dragover", "drop"].forEach(function (name) {
      window.addEventListener(name, function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
        }
      });
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (event) {
      zone.classList.remove("over");
      if (!event.dataTransfer || !event.dataTransfer.files.length) { return; }
      event.preventDefault();
      send(event.dataTransfer.files);
    });
  }

  // -- the order, by dragging ----------------------------------------------------------------------
  var list = document.getElementById("scan-list");
  if (list) {
    var dragging = null, from = 0;
    var items = function () { return Array.prototype.slice.call(list.children); };

    list.addEventListener("dragstart", function (event) {
      var item = event.target.closest ? event.target.closest("li[data-n]") : null;
      if (!item) { return; }
      dragging = item;
      from = items().indexOf(item) + 1;
      item.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.getAttribute("data-n"));
    });
    list.addEventListener("dragover", function (event) {
      if (!dragging) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      var over = event.target.closest ? event.target.closest("li[data-n]") : null;
      if (!over || over === dragging) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2 ||
        (event.clientY >= box.top && event.clientX > box.left + box.width / 2);
      list.insertBefore(dragging, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (!dragging) { return; }
      event.preventDefault();
      var to = items().indexOf(dragging) + 1, moved = dragging;
      dragging = null;
      moved.classList.remove("dragging");
      if (to === from) { return; }
      var body = new FormData();
      body.append("n", String(from));
      body.append("to", String(to));
      body.append("version", list.getAttribute("data-version"));
      window.kyvatDesk.post(list.getAttribute("data-order-url"), body).then(reload, reload);
    });
    list.addEventListener("dragend", function () {
      if (!dragging) { return; }  // dropped outside the list: put it back
      var item = dragging;
      dragging = null;
      item.classList.remove("dragging");
      var rest = items().filter(function (li) { return li !== item; });
      list.insertBefore(item, rest[from - 1] || null);
    });
  }

  // -- the scan beside its transcription -------------------------------------------------------
  var area = document.getElementById("viewer");
  if (area && window.OpenSeadragon) {
    var viewer = window.OpenSeadragon({
      element: area, tileSources: { type: "image", url: area.getAttribute("data-image") },
      showNavigationControl: false, showNavigator: false, visibilityRatio: 0.5, minZoomImageRatio: 0.8,
      gestureSettingsMouse: { clickToZoom: false }
    });
    area.osd = viewer;  // for tests
    var buttons = document.getElementById("zoom-buttons");
    buttons.addEventListener("click", function (event) {
      var which = event.target.getAttribute("data-zoom");
      if (which === "in") { viewer.viewport.zoomBy(1.5); }
      if (which === "out") { viewer.viewport.zoomBy(1 / 1.5); }
      if (which === "home") { viewer.viewport.goHome(); }
      viewer.viewport.applyConstraints();
    });
  }
})();
