// Names Django's admin widgets leave out, added once they are built.
(function () {
  "use strict";

  // The autocomplete (Select2) box is a combobox named only by its current
  // choice, empty until one is made: name it by the field's label too.
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector("label[for='" + select.id + "']");
      var box = select.parentElement.querySelector(".select2-selection");
      var rendered = box && box.querySelector(".select2-selection__rendered");
      if (!label || !box) { return; }
      label.id = label.id || select.id + "_label";
      box.setAttribute("aria-labelledby", label.id + (rendered ? " " + rendered.id : ""));
      if (rendered) { rendered.setAttribute("aria-labelledby", label.id); }
    });
  }

  // filter_horizontal's search icons carry their text in aria-label, which
  // a plain span may not have: make it the label's (hidden) text instead.
  function nameFilterIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      var words = document.createElement("span");
      words.className = "visually-hidden";
      words.textContent = icon.getAttribute("aria-label");
      icon.removeAttribute("aria-label");
      icon.setAttribute("aria-hidden", "true");
      icon.after(words);
    });
  }

  // After Django's own scripts: Select2 starts on jQuery's ready (queued
  // before this deferred script ran), SelectFilter on window load.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () { nameAutocompletes(document); });
  }
  document.addEventListener("formset:added", function (event) { nameAutocompletes(event.target); });
  window.addEventListener("load", nameFilterIcons);
})();
