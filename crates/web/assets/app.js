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

// On a phone a list table reads as cards (app.css): each body cell carries its column's
// heading as `data-label`, taken from the table's <thead> (column spans counted).
function labelCells(root) {
  root.querySelectorAll("table.list").forEach(function (table) {
    var heads = [];
    table.querySelectorAll("thead tr:first-child > th").forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) { heads.push(th.textContent.trim()); }
    });
    if (!heads.length) { return; }
    table.querySelectorAll("tbody > tr, tfoot > tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        var head = heads[col];
        if (head && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", head); }
        // A date or a time stays on one line (a hyphen is no place to break it).
        if (/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(cell.textContent.trim())) { cell.classList.add("nowrap"); }
        col += cell.colSpan || 1;
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
document.addEventListener("htmx:afterSwap", function (e) { labelCells(e.target); });

// What cannot be undone asks first (`data-confirm` on the button pressed or on its form), and
// a form already sent is not sent again by a second click while the first is on its way
// (the first answer stands). Only POST forms are guarded; htmx forms send themselves.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if ((form.getAttribute("method") || "").toLowerCase() !== "post" || form.hasAttribute("hx-post")) { return; }
  var ask = (e.submitter && e.submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { e.preventDefault(); return; }
  if (form.hasAttribute("data-sent")) { e.preventDefault(); return; }
  form.setAttribute("data-sent", "");
});
// A page restored by the back button may be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (f) { f.removeAttribute("data-sent"); });
});

// A menu area that is open closes when the user clicks anywhere else.
document.addEventListener("click", function (e) {
  document.querySelectorAll("nav details.menu-group[open]").forEach(function (d) {
    if (!d.contains(e.target)) { d.removeAttribute("open"); }
  });
});
