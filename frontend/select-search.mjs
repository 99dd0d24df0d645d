// Turns a long <select data-autocomplete-select> (such as the list of appropriate bodies) into a
// box that offers matching options as you type. Without JavaScript it stays a plain select.
for (const select of document.querySelectorAll("select[data-autocomplete-select]")) {
  if (window.accessibleAutocomplete) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      showAllValues: true,
      // Off: with it on, the widget adds an unlabelled type-ahead box that screen readers announce.
      autoselect: false,
      dropdownArrow: () => "",
      tNoResults: () => "No matches: check the spelling, or clear the box to see them all",
    });
  }
}
