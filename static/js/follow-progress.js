// Pages that follow background work (trustmonitor/progress.py): the element
// with data-follow-seconds is fetched again every few seconds and put in
// place, so the progress moves without the page reloading under the reader.
// Once the work has ended (the page no longer follows, or it moves on to what
// was saved, or answers an error) the page is loaded whole. Without
// JavaScript, a <noscript> refresh does the same job.
(function () {
  "use strict";
  var region = document.querySelector("[data-follow-seconds]");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var wait = (Number(region.getAttribute("data-follow-seconds")) || 3) * 1000;

  function poll() {
    // X-Follow: the page answers where the work stands, never a redirect, so
    // the message of the page it moves on to is said once, when it is loaded.
    fetch(window.location.href, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Follow": "1" },
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || !response.ok) {
          window.location.reload();  // the server says where to go, and why
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh || !fresh.hasAttribute("data-follow-seconds")) {
          window.location.reload();
          return;
        }
        region.innerHTML = fresh.innerHTML;
        window.setTimeout(poll, wait);
      })
      .catch(function () {
        window.setTimeout(poll, wait);  // the server is restarting, say: try again
      });
  }

  window.setTimeout(poll, wait);
})();
