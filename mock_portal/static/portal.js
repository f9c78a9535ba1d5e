// Progressive enhancement only: every form works without this file.
"use strict";

function setupMenu(button) {
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  const items = () => Array.from(menu.querySelectorAll('[role="menuitem"]'));
  const open = (focusFirst) => {
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    if (focusFirst) items()[0]?.focus();
  };
  const close = () => {
    menu.hidden = true;
    button.setAttribute("aria-expanded", "false");
  };
  button.addEventListener("click", () => (menu.hidden ? open(false) : close()));
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "Enter" || e.key === " ") { e.preventDefault(); open(true); }
  });
  menu.addEventListener("keydown", (e) => {
    const list = items();
    const i = list.indexOf(document.activeElement);
    if (e.key === "Escape") { close(); button.focus(); }
    if (e.key === "ArrowDown") { e.preventDefault(); list[(i + 1) % list.length].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); list[(i - 1 + list.length) % list.length].focus(); }
  });
  document.addEventListener("click", (e) => {
    if (!menu.hidden && !menu.contains(e.target) && e.target !== button) close();
  });
}

function setupBulk(form) {
  const limit = Number(form.dataset.limit);
  const count = document.getElementById("selection-count");
  const warning = document.getElementById("selection-limit");
  const selected = form.dataset.selected || "{count} selected"; // in the page's language
  const update = () => {
    // A ticked Select all stands for its whole group, including members beyond those shown.
    let n = 0;
    form.querySelectorAll("fieldset.group").forEach((group) => {
      const all = group.querySelector("[data-select-all]");
      n += all.checked ? Number(group.dataset.total)
        : group.querySelectorAll('input[name="subscription"]:checked').length;
    });
    count.textContent = selected.replace("{count}", String(n));
    warning.hidden = n <= limit;
  };
  form.querySelectorAll("fieldset.group").forEach((group) => {
    const all = group.querySelector("[data-select-all]");
    const members = Array.from(group.querySelectorAll('input[name="subscription"]'));
    all.addEventListener("change", () => {
      members.forEach((m) => { m.checked = all.checked; });
      update();
    });
    members.forEach((m) => m.addEventListener("change", () => {
      all.checked = members.every((x) => x.checked);
      update();
    }));
  });
  update();
}

// A second click while the order is being placed does nothing (the server also counts a form once).
function submitOnce(form) {
  form.addEventListener("submit", (e) => {
    if (form.dataset.submitted) { e.preventDefault(); return; }
    form.dataset.submitted = "yes";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-submit-once]").forEach(submitOnce);
  document.querySelectorAll('button[aria-haspopup="menu"]').forEach(setupMenu);
  const bulk = document.getElementById("bulk-form");
  if (bulk) setupBulk(bulk);
});
