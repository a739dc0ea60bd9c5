// The Import page: removing a source asks first.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});

// A background spreadsheet import: ask for its progress every two seconds until it ends.
(function () {
  var box = document.getElementById("import-job");
  if (!box) { return; }
  function poll() {
    if (box.dataset.state === "done" || box.dataset.state === "failed") { return; }
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        box.dataset.state = status.state;
        box.querySelector(".job-message").textContent = status.message;
        var list = box.querySelector(".job-errors");
        list.textContent = "";
        (status.errors || []).forEach(function (error) {
          var item = document.createElement("li");
          item.textContent = error;
          list.appendChild(item);
        });
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 1000);
})();
