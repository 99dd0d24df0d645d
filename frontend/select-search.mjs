// Turns a long <select data-autocomplete-select> (such as the list of appropriate bodies) into a
// box that offers matching options as you type. Without JavaScript it stays a plain select.
for (const select of document.querySelectorAll("select[data-autocomplete-select]")) {
  if (window.accessibleAutocomplete) {
    const inputId = select.id;
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      // Off: with it on, the widget adds an unlabelled type-ahead box that screen readers announce.
      autoselect: false,
      // Over the page, not in it: an inline list pushes the Continue button down as it closes, so
      // the first click on Continue would miss it.
      displayMenu: "overlay",
      dropdownArrow: () => "",
      tNoResults: () => "No matches: check the spelling, or clear the box to see them all",
    });
    const input = document.getElementById(inputId);
    // Only the box takes typing: the plain select's hint says nothing of it. The box is new, so it
    // is told which hint (and error) describe it, as the select was.
    const hint = document.getElementById(`${inputId}-hint`);
    if (hint) {
      hint.textContent = `${hint.textContent.trim()} Start typing to search.`;
    }
    const describedBy = select.getAttribute("aria-describedby");
    if (input && describedBy) {
      const own = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", own ? `${describedBy} ${own}` : describedBy);
    }
    // The widget leaves the select on its last choice when the box holds text matching none, so
    // nonsense would send that choice. Send what the box says: a choice only when it names one.
    select.form?.addEventListener("submit", () => {
      const chosen = select.options[select.selectedIndex];
      if (input && (!chosen || chosen.text.trim() !== input.value.trim())) {
        select.value = "";
      }
    });
  }
}
