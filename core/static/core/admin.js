/* Django admin, as DfE support uses it: names for the boxes Django's scripts draw, which screen
   readers would otherwise announce without one (axe's "aria-input-field-name" and
   "aria-prohibited-attr"). Loaded with `defer` from templates/admin/base_site.html, so it runs after
   the scripts of the page's form have set themselves up, and its handlers after theirs. */
'use strict';
{
  // An autocomplete box (select2) is labelled by the text it shows, which is empty until something
  // is chosen: name it with the field's own label as well.
  const nameAutocompletes = (root) => {
    root.querySelectorAll('select.admin-autocomplete').forEach((select) => {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const container = select.nextElementSibling;
      const selection = container && container.querySelector('.select2-selection');
      const rendered = container && container.querySelector('.select2-selection__rendered');
      if (!label || !selection || !rendered) {
        return;
      }
      label.id = label.id || `${select.id}-label`;
      selection.setAttribute('aria-labelledby', `${label.id} ${rendered.id}`);
      rendered.setAttribute('aria-labelledby', label.id);
    });
  };

  if (window.django && window.django.jQuery) {
    // After autocomplete.js's own ready handler, which draws the boxes.
    window.django.jQuery(() => nameAutocompletes(document));
    document.addEventListener('formset:added', (event) => nameAutocompletes(event.target));
  }

  // The search icons of a "filter" select (groups, permissions) carry their explanation in an
  // aria-label, which a plain span may not have: make them images, which may. SelectFilter2.js
  // draws them when the page has loaded; this handler comes after its own.
  window.addEventListener('load', () => {
    document.querySelectorAll('.selector .help-tooltip[aria-label]').forEach((icon) => {
      icon.setAttribute('role', 'img');
    });
  });
}
