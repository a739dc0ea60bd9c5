// Timeline: open an item's details in a dialog (Esc closes it), keep the filter form tidy, and
// scroll the grid so today's week is in view on load, also on a phone.
(function () {
  "use strict";
  const dialog = document.getElementById("tl-details");
  const dataNode = document.getElementById("tl-data");
  const itemTemplate = document.getElementById("tl-item");
  const details = dataNode ? JSON.parse(dataNode.textContent) : {};

  function render(item, kind, blocked) {
    const node = itemTemplate.content.cloneNode(true);
    // Blocked is per customer row, not per plan: the bar says which of its plans are.
    node.querySelector("[data-blocked]").hidden = !blocked;
    for (const field of node.querySelectorAll("[data-if]")) field.hidden = !item[field.dataset.if];
    for (const field of node.querySelectorAll("[data-field]")) field.textContent = item[field.dataset.field] || "";
    for (const link of node.querySelectorAll("[data-link]")) link.href = item[link.dataset.link] || "#";
    const swatch = node.querySelector("[data-swatch]");
    swatch.className = "swatch k-" + kind;
    swatch.textContent = item.code;
    return node;
  }

  function open(bar) {
    const ids = bar.dataset.ids.split(" ").filter(function (id) { return details[id]; });
    if (!ids.length) return;
    const items = ids.map(function (id) { return details[id]; });
    const blocked = (bar.dataset.blocked || "").split(" ");
    const row = bar.closest("tr");
    dialog.querySelector("h2").textContent =
      items.length === 1 ? items[0].title : items.length + " × " + items[0].kind;
    const list = dialog.querySelector("[data-items]");
    list.replaceChildren(...ids.map(function (id) {
      return render(details[id], bar.dataset.kind, blocked.includes(id));
    }));
    // One item: its title is already the dialog's heading.
    if (items.length === 1) list.querySelector("h3").remove();
    const customer = dialog.querySelector("[data-customer]");
    customer.textContent = row.dataset.customer;
    customer.href = row.dataset.url;
    dialog.showModal();
  }

  if (dialog) {
    document.addEventListener("click", function (event) {
      const bar = event.target.closest(".bar[data-ids]");
      if (bar) open(bar);
    });
    // A click on the backdrop closes the dialog, as Esc does.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
  }

  // Today's week starts the visible part of the grid, after one week of context, unless the
  // whole grid fits (then nothing moves).
  const scroller = document.querySelector(".tl-scroll");
  const todayColumn = scroller && scroller.querySelector(".tl-weeks th.today");
  if (todayColumn) {
    const nameColumn = scroller.querySelector(".tl-corner");
    const hidden = todayColumn.offsetLeft - nameColumn.offsetWidth - todayColumn.offsetWidth;
    const overflow = todayColumn.offsetLeft + todayColumn.offsetWidth - scroller.clientWidth;
    if (overflow > 0 || hidden < scroller.scrollLeft) scroller.scrollLeft = Math.max(0, hidden);
  }

  const printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });

  const form = document.getElementById("timeline-filters");
  if (form) {
    // The end date only means something for a custom range.
    const range = form.querySelector("[name=range]");
    const endField = form.querySelector(".field-end");
    const sync = function () { endField.hidden = range.value !== "custom"; };
    range.addEventListener("change", sync);
    sync();
    // On a phone the filters start folded so the grid is on screen.
    const panel = form.querySelector("details");
    if (panel && window.matchMedia("(max-width: 720px)").matches && !document.querySelector(".error-box")) panel.open = false;
  }
})();
