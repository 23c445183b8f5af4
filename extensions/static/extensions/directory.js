// Directory search as you type (R-EXT-8): asks the JSON endpoint, redraws the table.
(function () {
  "use strict";
  var input = document.getElementById("directory-q");
  var body = document.getElementById("directory-results");
  if (!input || !body) return;
  var timer = null;
  var latest = 0;
  var showMobiles = body.dataset.mobiles === "1";
  // With nothing typed the page lists everyone by department; typing searches.
  var results = document.getElementById("directory-search");
  var browse = document.getElementById("directory-browse");

  function showBrowse(yes) {
    if (results) results.hidden = yes;
    if (browse) browse.hidden = !yes;
  }

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text || "";
    return td;
  }

  function render(entries) {
    body.replaceChildren();
    if (!entries.length) {
      var tr = document.createElement("tr");
      var td = cell(input.value.trim() ? body.dataset.empty : "");
      td.colSpan = 5;
      td.className = "text-muted";
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    entries.forEach(function (e) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(e.name));
      tr.appendChild(cell(e.department));
      tr.appendChild(cell(e.title));
      var numbers = document.createElement("td");
      e.lines.forEach(function (l) {
        var span = document.createElement("span");
        span.className = "me-2 num";
        span.textContent = l.number + " ";
        var badge = document.createElement("span");
        badge.className = "badge text-bg-light";
        badge.textContent = l.class_label;
        span.appendChild(badge);
        numbers.appendChild(span);
      });
      if (e.office_phone) {
        var extension = document.createElement("span");
        extension.className = "me-2 num";
        extension.textContent = e.office_phone;
        numbers.appendChild(extension);
      }
      tr.appendChild(numbers);
      if (showMobiles) tr.appendChild(cell(e.private_mobile));
      body.appendChild(tr);
    });
  }

  function search() {
    var q = input.value.trim();
    var ticket = ++latest;
    showBrowse(!q);
    var url = input.dataset.url + "?q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (entries) { if (ticket === latest) render(entries); });
    var params = new URLSearchParams(window.location.search);
    params.set("q", q);
    history.replaceState(null, "", "?" + params.toString());
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
})();
