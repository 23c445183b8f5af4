// Follows a queued or running month audit (deductions/_audit_state.html) and
// reloads the page once it has finished, so findings and buttons are current.
(function () {
  document.querySelectorAll(".audit-state[data-status-url]").forEach(function (box) {
    const label = box.querySelector("[data-role=label]");
    const message = box.querySelector("[data-role=message]");
    const bar = box.querySelector("[data-role=bar]");
    function poll() {
      fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          label.textContent = data.label;
          message.textContent = data.message;
          if (bar) {
            bar.style.width = data.progress + "%";
            bar.textContent = data.progress + "%";
            bar.parentElement.setAttribute("aria-valuenow", data.progress);
          }
          if (data.running) { setTimeout(poll, 1000); } else { setTimeout(function () { window.location.reload(); }, 400); }
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  });
})();
