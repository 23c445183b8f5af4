// Person pickers: every <select data-person-select> becomes a type-ahead box (Tom
// Select, vendored). With data-person-search the options come from that JSON URL as
// one types ({results: [{value, text}]}); otherwise the select's own options are
// filtered. The widget's template may load this file more than once: each select is
// set up once.
(function () {
  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const url = select.dataset.personSearch;
    const options = {
      allowEmptyOption: true,
      maxOptions: 50,
      create: false,
      plugins: select.multiple ? ["remove_button"] : [],
      searchField: ["text"],
    };
    if (url) {
      Object.assign(options, {
        valueField: "value",
        labelField: "text",
        loadThrottle: 250,
        shouldLoad: (query) => query.trim().length >= 1,
        load(query, callback) {
          const sep = url.includes("?") ? "&" : "?";
          fetch(url + sep + "q=" + encodeURIComponent(query), {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
          })
            .then((response) => (response.ok ? response.json() : { results: [] }))
            .then((data) => callback(data.results))
            .catch(() => callback());
        },
      });
    }
    new TomSelect(select, options);
  }
  function setUpAll() {
    document.querySelectorAll("select[data-person-select]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
