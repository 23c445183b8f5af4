// Follows a queued or running export job (core/export_job.html): progress bar and
// message from its status JSON, then the download link once the file is ready.
(function () {
  const box = document.getElementById("export-job");
  if (!box || box.dataset.finished === "1") return;
  const label = box.querySelector("[data-role=label]");
  const message = box.querySelector("[data-role=message]");
  const bar = box.querySelector("[data-role=bar]");
  const download = box.querySelector("[data-role=download]");
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        label.textContent = data.status_label;
        message.textContent = data.message;
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.progress);
        if (!data.finished) { setTimeout(poll, 1000); return; }
        bar.classList.remove("progress-bar-striped", "progress-bar-animated");
        bar.classList.add(data.status === "done" ? "bg-success" : "bg-danger");
        if (data.download_url) {
          download.href = data.download_url;
          download.classList.remove("d-none");
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
