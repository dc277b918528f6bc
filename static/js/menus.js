// The "More" menu closes on a click elsewhere or on Escape, as menus do.
// Without JavaScript it is a plain <details> that its own button closes.
"use strict";

const openMenus = () =>
  document.querySelectorAll(".area-nav__more details[open], .area-nav__menu[open]");

document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll(".area-nav__more details[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of openMenus()) {
    const hadFocus = menu.contains(document.activeElement);
    menu.open = false;
    if (hadFocus) menu.querySelector("summary").focus();
  }
});
