// Loaded in <head>, before the page is drawn, so it never flashes the wrong
// theme: an anonymous visitor's choice lives in localStorage. A signed-in
// user's is on the server, which renders <html data-theme> itself (and
// data-theme-url, where the header's toggle saves it): nothing to do then.
// No data-theme: the system's preference (prefers-color-scheme) decides.
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.hasAttribute("data-theme-url")) return;
  try {
    var theme = window.localStorage.getItem("theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  } catch (e) { /* storage refused (privacy mode): the system's theme */ }
})();
