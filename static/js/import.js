// The Import page: removing a source asks first.
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});

// A background spreadsheet import or preview: ask for its progress every two seconds until it
// ends; a finished preview (data-reload) is then shown by loading the page again.
["import-job", "preview-job"].forEach(function (id) {
  var box = document.getElementById(id);
  if (!box || !box.dataset.url) { return; }
  function poll() {
    if (box.dataset.state === "done" || box.dataset.state === "failed") { return; }
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        if (box.dataset.reload && (status.state === "done" || status.state === "failed")) {
          window.location.reload();
          return;
        }
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
});
