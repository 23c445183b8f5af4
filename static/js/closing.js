// The closing page (deductions/closing.html): once the month's workbook has been
// downloaded, the close button becomes active without a reload. After a click on
// a month's download link the page asks the month's state JSON until closing is
// allowed (the server still refuses closing without a matching export).
(function () {
  function activate(button, data) {
    const link = document.createElement("a");
    link.className = button.className;
    link.href = data.url;
    link.dataset.testid = "close";
    link.innerHTML = button.innerHTML;
    button.replaceWith(link);
    const row = link.closest("tr");
    const refusal = row && row.querySelector("[data-testid=close-refusal]");
    if (refusal) refusal.remove();
  }
  function follow(button, tries) {
    fetch(button.dataset.stateUrl, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !button.isConnected) return;
        if (data.closable) { activate(button, data); return; }
        const row = button.closest("tr");
        const refusal = row && row.querySelector("[data-testid=close-refusal]");
        if (refusal && data.refusal) refusal.textContent = data.refusal;
        if (tries > 0) setTimeout(function () { follow(button, tries - 1); }, 1500);
      })
      .catch(function () {
        if (tries > 0) setTimeout(function () { follow(button, tries - 1); }, 3000);
      });
  }
  document.querySelectorAll("tr[data-month]").forEach(function (row) {
    const button = row.querySelector("button[data-testid=close][data-state-url]");
    if (!button) return;
    row.querySelectorAll("a[data-export]").forEach(function (download) {
      download.addEventListener("click", function () {
        // The download's response records the export: ask shortly after it.
        setTimeout(function () { follow(button, 80); }, 800);
      });
    });
  });
})();
