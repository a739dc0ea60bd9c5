// Planner: re-check the draft as the form changes; a suggested date applies with one click.
(function () {
  "use strict";
  const form = document.getElementById("plan-form");
  const panel = document.getElementById("plan-check");
  const status = document.getElementById("check-status");
  if (!form || !panel) return;
  let timer = null;
  let latest = 0;

  async function check() {
    const ticket = ++latest;
    const body = new FormData(form);
    body.set("action", "check");
    status.textContent = "Checking…";
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST",
        body: body,
        headers: { "X-Fragment": "check" },
        credentials: "same-origin",
      });
      if (ticket !== latest) return; // a newer check is on its way
      if (!response.ok) throw new Error(response.status);
      panel.innerHTML = await response.text();
      status.textContent = "Check updated.";
    } catch (error) {
      if (ticket === latest) status.textContent = "Could not check just now; use “Check again”.";
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // Suggestions are submit buttons (they work without JavaScript); here they apply in place.
  panel.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-start]");
    if (!button) return;
    event.preventDefault();
    form.elements.start.value = button.dataset.start;
    form.elements.end.value = button.dataset.end;
    status.textContent = "Dates set to " + button.dataset.start + " – " + button.dataset.end + ".";
    check();
    form.elements.start.focus();
  });
})();
