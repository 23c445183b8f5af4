// A header checkbox with data-check-all ticks or clears every checkbox of its table.
document.querySelectorAll("[data-check-all]").forEach((all) => {
  const table = all.closest("table");
  all.addEventListener("change", () => {
    table.querySelectorAll("tbody input[type=checkbox]").forEach((box) => {
      box.checked = all.checked;
    });
  });
});
