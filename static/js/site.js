// Every page: tell the server the browser's time zone (a cookie that
// config.middleware.TimeZoneMiddleware reads, so times come in local time from
// the next page on), and count down to each <time data-countdown>.
// Without JavaScript the server's dates alone are shown, with their zone.
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

  document.addEventListener("DOMContentLoaded", start);
})();
