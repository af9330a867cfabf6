// Every page: tell the server the browser's time zone (a cookie that
// config.middleware.TimeZoneMiddleware reads, so times come in local time from
// the next page on), count down to each <time data-countdown>, and run the
// header's theme toggle. Without JavaScript the server's dates alone are
// shown, with their zone, and the toggle is a plain form (signed in) or hidden.
(function () {
  "use strict";

  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9_+\-/]+$/.test(zone) && !document.cookie.split("; ").includes("tz=" + zone)) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* no Intl: UTC it is */ }

  function span(ms) {
    const minutes = Math.floor(ms / 60000);
    const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    const part = (n, word) => n + " " + word + (n === 1 ? "" : "s");
    if (days) return part(days, "day") + (hours ? " " + part(hours, "hour") : "");
    if (hours) return part(hours, "hour") + (mins ? " " + part(mins, "minute") : "");
    if (mins) return part(mins, "minute");
    return "less than a minute";
  }

  function start() {
    const times = document.querySelectorAll("time[data-countdown]");
    if (!times.length) return;
    // count from the server's clock, not the browser's, which may be off
    const clock = document.querySelector("[data-server-now]");
    const skew = clock ? Date.parse(clock.dataset.serverNow) - Date.now() : 0;
    function tick() {
      const now = Date.now() + skew;
      times.forEach((el) => {
        const out = el.nextElementSibling;
        if (!out || !out.classList.contains("countdown")) return;
        const left = Date.parse(el.getAttribute("datetime")) - now;
        out.textContent = left > 0 ? "(in " + span(left) + ")" : "(" + span(-left) + " ago)";
      });
    }
    tick();
    setInterval(tick, 30000);
  }

  // The theme: system (no data-theme on <html>: prefers-color-scheme decides),
  // light or dark. The toggle cycles through them and applies at once; the
  // choice is saved on the server for a signed-in user (<html data-theme-url>),
  // in localStorage otherwise (static/js/theme-init.js reads it back).
  const THEMES = ["system", "light", "dark"];
  const LABELS = { system: "System", light: "Light", dark: "Dark" };
  const root = document.documentElement;
  let saving = Promise.resolve();

  function applyTheme(theme) {
    if (theme === "system") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", theme);
    document.querySelectorAll(".theme-toggle").forEach((button) => {
      const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
      button.dataset.themeChoice = theme;
      button.value = next;
      button.textContent = "Theme: " + LABELS[theme];
      button.title = "Switch to " + LABELS[next].toLowerCase();
    });
  }

  function saveTheme(theme, button) {
    const url = root.dataset.themeUrl;
    if (!url) {
      try {
        if (theme === "system") window.localStorage.removeItem("theme");
        else window.localStorage.setItem("theme", theme);
      } catch (e) { /* storage refused: this page only */ }
      return;
    }
    const csrf = button.form && button.form.querySelector("[name=csrfmiddlewaretoken]");
    // one after another, so the last click is the one the server keeps
    saving = saving.then(() =>
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ theme }),
        credentials: "same-origin",
      }).then((response) => {
        if (!response.ok) throw new Error("the server answered " + response.status);
      }).catch((err) => {
        button.title = "Not saved (" + err.message + ")";
      })
    );
  }

  function setupTheme() {
    const current = root.getAttribute("data-theme");
    applyTheme(THEMES.includes(current) ? current : "system");
    document.querySelectorAll(".theme-toggle").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", (e) => {
        e.preventDefault(); // signed in, it is a form's button: fetch instead
        const theme = THEMES[(THEMES.indexOf(button.dataset.themeChoice) + 1) % THEMES.length];
        applyTheme(theme);
        saveTheme(theme, button);
      });
    });
    // an anonymous visitor's other tabs follow
    window.addEventListener("storage", (e) => {
      if (e.key === "theme" && !root.dataset.themeUrl) applyTheme(THEMES.includes(e.newValue) ? e.newValue : "system");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupTheme();
    start();
  });
})();
