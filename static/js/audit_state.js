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
          if (!data.running) {
            // Finished: show it as such until the page reloads.
            const done = data.state === "current";
            label.className = "badge " + (done ? "text-bg-success" : data.state === "failed" ? "text-bg-danger" : "text-bg-warning");
            if (bar) { bar.parentElement.hidden = true; }
            const alert = box.closest(".alert");
            if (alert && done) { alert.classList.replace("alert-warning", "alert-light"); }
            setTimeout(function () { window.location.reload(); }, 400);
            return;
          }
          if (bar) {
            bar.style.width = data.progress + "%";
            bar.textContent = data.progress + "%";
            bar.parentElement.setAttribute("aria-valuenow", data.progress);
          }
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  });
})();
