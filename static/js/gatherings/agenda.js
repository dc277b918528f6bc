// Drag and drop for the agenda editor. The list sits in a form whose hx-trigger
// is "end": when a drag ends, htmx posts the new order and swaps the list.
// Without JavaScript the Up and Down buttons do the same with plain POSTs.
(function () {
  "use strict";
  function setUp(root) {
    root.querySelectorAll("[data-sortable]").forEach(function (list) {
      if (list.dataset.sortableReady) { return; }
      list.dataset.sortableReady = "1";
      list.classList.add("is-sortable");
      Sortable.create(list, {
        handle: ".drag-handle",
        animation: 150,
        onEnd: function () {
          list.closest("form").dispatchEvent(new Event("end", { bubbles: true }));
        }
      });
    });
  }
  if (window.htmx) {
    htmx.onLoad(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
