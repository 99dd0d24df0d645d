// Turns the school search box into an autocomplete that offers matching schools as you type.
// Without JavaScript (or before this loads) the same box is a plain search with a results page.
const input = document.querySelector("[data-school-search]");

if (input && window.accessibleAutocomplete) {
  const wrapper = document.createElement("div");
  input.parentNode.insertBefore(wrapper, input);
  const { id, name, value } = input;
  const describedBy = input.getAttribute("aria-describedby");
  const searchUrl = input.dataset.schoolSearch;
  input.remove();

  window.accessibleAutocomplete({
    element: wrapper,
    id,
    name,
    defaultValue: value,
    minLength: 2,
    showNoOptionsFound: true,
    // Leaving the box (for example to press Search) must not jump to a school nobody picked.
    confirmOnBlur: false,
    tNoResults: () => "No schools found: press Enter to search",
    templates: {
      inputValue: (school) => (school ? school.name : ""),
      suggestion: (school) =>
        school ? `${school.name} (${[school.town, school.postcode].filter(Boolean).join(", ")}, URN ${school.urn})` : "",
    },
    source: (query, populate) => {
      fetch(`${searchUrl}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((body) => populate(body.schools))
        .catch(() => populate([]));
    },
    onConfirm: (school) => {
      if (school) window.location.assign(school.url);
    },
  });
  if (describedBy) document.getElementById(id).setAttribute("aria-describedby", describedBy);

  // Searching must still work while suggestions are showing. Pressing the button: the list closes
  // as the box loses focus and the button moves up under the pointer, so act on mousedown.
  // Pressing Enter with no suggestion highlighted: the autocomplete keeps the key for itself.
  const form = wrapper.closest("form");
  const box = document.getElementById(id);
  form.querySelector("button[type=submit]").addEventListener("mousedown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    form.requestSubmit();
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !box.getAttribute("aria-activedescendant")) form.requestSubmit();
  });
}
