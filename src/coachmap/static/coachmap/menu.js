// The main menu folds behind a "Menu" button on narrow screens. Without JavaScript it stays open.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) return;
  var narrow = window.matchMedia("(max-width: 60rem)");

  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.hidden = !open;
  }
  function fit() {
    button.hidden = !narrow.matches;
    set(!narrow.matches);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  narrow.addEventListener("change", fit);
  fit();
})();
