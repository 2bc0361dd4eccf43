/* kyvat desk: the exhibition and page editor. The object picker writes `{{object ID}}` on a line of
   its own at the cursor of the text being written (the embed the site reads); the preview asks the
   desk to render the text with the site's own Markdown renderer, and lists the embed mistakes. */
(function () {
  "use strict";
  var form = document.getElementById("narrative-form");
  if (!form) { return; }
  var bodies = form.querySelectorAll("textarea[data-body]");
  var last = bodies[0];
  var pane = document.getElementById("preview");
  var language = document.getElementById("preview-lang");
  var mistakes = document.getElementById("mistake-list");
  var mistakesHeading = document.getElementById("mistakes-h");

  Array.prototype.forEach.call(bodies, function (area) {
    area.addEventListener("focus", function () { last = area; });
    area.addEventListener("input", kyvatDesk.debounce(preview, 700));
  });

  function insertEmbed(text) {
    var area = last, value = area.value;
    var start = area.selectionStart, end = area.selectionEnd;
    var before = value.slice(0, start), after = value.slice(end);
    // alone on its line, with a blank line around it as a paragraph of its own
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var trail = after === "" ? "\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
    var inserted = lead + text + trail;
    area.value = before + inserted + after;
    var caret = before.length + inserted.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    preview();
  }

  var picker = document.getElementById("picker");
  if (picker) {
    picker.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-embed]");
      if (button) { insertEmbed(button.getAttribute("data-embed")); }
    });
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  var filter = document.getElementById("picker-filter");
  if (filter && picker) {
    filter.addEventListener("input", function () {
      var words = fold(filter.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(picker.children, function (item) {
        var text = fold(item.getAttribute("data-search") || "");
        item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }

  function preview() {
    var data = new FormData();
    data.append("body.vi", form.elements["body.vi"].value);
    data.append("body.en", form.elements["body.en"].value);
    data.append("lang", language ? language.value : "vi");
    return kyvatDesk.post(form.getAttribute("data-preview-url"), data)
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        pane.innerHTML = answer.html;
        mistakes.innerHTML = "";
        (answer.mistakes || []).forEach(function (text) {
          var item = document.createElement("li");
          item.className = "problem error";
          item.textContent = text;
          mistakes.appendChild(item);
        });
        mistakesHeading.className = answer.mistakes && answer.mistakes.length ? "" : "visually-hidden";
      });
  }

  document.getElementById("preview-button").addEventListener("click", preview);
  if (language) { language.addEventListener("change", preview); }
  window.kyvatNarratives = { preview: preview, insertEmbed: insertEmbed };
})();
