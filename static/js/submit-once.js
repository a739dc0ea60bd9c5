// A record form is sent once: a second click while the first submit is on its way does nothing.
// Only a convenience: the form's one-time token is the protection (calendarapp/once.py).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Another script (the planner's live check) may have taken this submit over.
    if (event.defaultPrevented || !form.querySelector("input[name=once]")) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
  });

  // Back to the page from the browser's history: the form may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
    });
  });
})();
