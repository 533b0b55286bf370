// The conversation page's corrections without losing your place.
//
// Without this script every correction form posts and the page comes back at the same message.
// With it, a correction is sent in the background and the row says "saved" only once the console
// answers that it stored it; the page never reloads, so it stays where the trainer was. The label
// checkboxes become toggle buttons with aria-pressed, and the keys j / k (next / previous customer
// message), 1-6 (toggle a label) and Enter (save) work unless the trainer is typing in a field.
(function () {
  "use strict";

  const transcript = document.getElementById("transcript");
  if (!transcript) {
    return;
  }
  const rows = Array.from(transcript.querySelectorAll("tr.customer")).filter(
    (row) => row.querySelector("form.correction") !== null,
  );
  let current = null;

  function setStatus(form, text, kind) {
    const status = form.querySelector(".save-status");
    status.textContent = text;
    status.className = "save-status " + kind;
  }

  function toggle(form, button) {
    const box = form.querySelector('input[name="labels"][value="' + button.dataset.label + '"]');
    box.checked = !box.checked;
    button.setAttribute("aria-pressed", String(box.checked));
    setStatus(form, "Not saved yet: press Enter or Save labels.", "pending");
  }

  async function save(form) {
    setStatus(form, "Saving…", "pending");
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      setStatus(form, "Not saved: the console did not answer. Try again.", "error");
      return;
    }
    if (!response.ok) {
      setStatus(form, (await response.text()) || "Not saved (" + response.status + ").", "error");
      return;
    }
    const saved = await response.json();
    const row = form.closest("tr");
    row.querySelector(".corrected").textContent = saved.labels.join(", ");
    row.querySelector(".correction-state").hidden = false;
    setStatus(form, saved.notice, "notice");
  }

  function enhance(row) {
    const form = row.querySelector("form.correction");
    row.tabIndex = -1;
    form.querySelectorAll("label.toggle").forEach((label, index) => {
      const box = label.querySelector("input");
      const button = document.createElement("button");
      const key = document.createElement("kbd");
      button.type = "button";
      button.className = "toggle";
      button.dataset.label = box.value;
      button.setAttribute("aria-pressed", String(box.checked));
      key.textContent = String(index + 1);
      button.append(key, " " + box.value);
      button.addEventListener("click", () => toggle(form, button));
      box.hidden = true;
      form.append(box); // still sent with the form, now out of sight
      label.replaceWith(button);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form);
    });
    row.addEventListener("focusin", () => choose(row, false));
  }

  function choose(row, focus) {
    if (current !== null && current !== row) {
      current.classList.remove("current");
    }
    current = row;
    row.classList.add("current");
    if (focus) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function typing(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function savesOnEnter(target) {
    // on the chosen message or one of its toggles (or nowhere in particular); a link or another button keeps its own Enter
    return target === current || target === document.body ||
      (target instanceof Element && target.matches("button.toggle") && current.contains(target));
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if ((event.key === "j" || event.key === "k") && rows.length > 0) {
      const at = rows.indexOf(current);
      const next = at < 0 ? 0 : Math.min(Math.max(at + (event.key === "j" ? 1 : -1), 0), rows.length - 1);
      choose(rows[next], true);
      event.preventDefault();
    } else if (/^[1-6]$/.test(event.key) && current !== null) {
      const form = current.querySelector("form.correction");
      const button = form.querySelectorAll("button.toggle")[Number(event.key) - 1];
      if (button) {
        toggle(form, button);
        event.preventDefault();
      }
    } else if (event.key === "Enter" && current !== null && savesOnEnter(event.target)) {
      save(current.querySelector("form.correction"));
      event.preventDefault();
    }
  });

  rows.forEach(enhance);
  const hint = document.getElementById("keys-hint");
  if (hint !== null && rows.length > 0) {
    hint.hidden = false;
  }
})();
