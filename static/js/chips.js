// Audience pickers: a multi-select marked data-chips becomes a search box with the chosen
// options as chips. The select stays in the form (hidden), so the same names are posted; without
// JavaScript it is the plain multi-select.
(function () {
  "use strict";
  const SHOWN = 8; // matches listed under the box at a time

  function enhance(select) {
    const box = document.createElement("div");
    box.className = "chips";
    const chips = document.createElement("ul");
    chips.className = "chip-list";
    chips.setAttribute("aria-label", "Chosen");
    const input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.id = select.id + "-search";
    input.placeholder = "Type to find, Enter to add";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", select.id + "-matches");
    const matches = document.createElement("ul");
    matches.className = "chip-matches";
    matches.id = select.id + "-matches";
    matches.setAttribute("role", "listbox");
    matches.hidden = true;
    box.append(chips, input, matches);
    select.after(box);
    select.hidden = true;
    // The field's label now names the search box.
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (label) label.htmlFor = input.id;

    function changed() {
      // Tell the planner (and anyone listening) the selection changed, as the select would.
      select.dispatchEvent(new Event("change", { bubbles: true }));
      drawChips();
    }

    function drawChips() {
      chips.replaceChildren();
      for (const option of select.selectedOptions) {
        const chip = document.createElement("li");
        chip.className = "chip";
        chip.textContent = option.text;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "chip-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + option.text);
        remove.addEventListener("click", function () {
          option.selected = false;
          changed();
          input.focus();
        });
        chip.append(remove);
        chips.append(chip);
      }
    }

    function drawMatches() {
      const wanted = input.value.trim().toLowerCase();
      matches.replaceChildren();
      if (!wanted) {
        matches.hidden = true;
        input.setAttribute("aria-expanded", "false");
        return;
      }
      const found = Array.from(select.options).filter(function (option) {
        return !option.selected && option.text.toLowerCase().includes(wanted);
      });
      for (const option of found.slice(0, SHOWN)) {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.textContent = option.text;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          choose(option);
        });
        matches.append(item);
      }
      if (found.length > SHOWN) {
        const more = document.createElement("li");
        more.className = "muted";
        more.textContent = "… " + (found.length - SHOWN) + " more: type more of the name";
        matches.append(more);
      }
      if (!found.length) {
        const none = document.createElement("li");
        none.className = "muted";
        none.textContent = "Nothing matches";
        matches.append(none);
      }
      matches.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function choose(option) {
      option.selected = true;
      input.value = "";
      drawMatches();
      changed();
    }

    input.addEventListener("input", function (event) {
      event.stopPropagation(); // typing a search does not change the plan
      drawMatches();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter adds the first match; it never submits the form
        const first = matches.querySelector('[role="option"]');
        if (first) first.dispatchEvent(new MouseEvent("mousedown", { cancelable: true }));
      } else if (event.key === "Escape") {
        input.value = "";
        drawMatches();
      }
    });
    input.addEventListener("blur", function () {
      matches.hidden = true;
      input.setAttribute("aria-expanded", "false");
    });
    drawChips();
  }

  document.querySelectorAll("select[multiple][data-chips]").forEach(enhance);
})();
