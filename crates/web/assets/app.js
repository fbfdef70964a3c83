// Sends the session's CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", function (e) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { e.detail.headers["X-CSRF-Token"] = meta.content; }
});

// Buttons and links that act in the page, without inline handlers (the pages' CSP allows
// no inline script): `data-print` prints, `data-back` goes back (its href is the fallback).
document.addEventListener("click", function (e) {
  var el = e.target.closest ? e.target.closest("[data-print], [data-back]") : null;
  if (!el) { return; }
  if (el.hasAttribute("data-print")) { e.preventDefault(); window.print(); }
  else if (history.length > 1) { e.preventDefault(); history.back(); }
});
