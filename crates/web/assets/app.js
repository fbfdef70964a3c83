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

// Nothing typed is lost when the session expires. A POST form (not the login or a password
// form) is copied into sessionStorage as it is sent. If the answer is the login page, the
// session had expired: the copy is marked, the login returns to the form's page, and that page
// puts the copy back once, saying so. Any other answer (saved, or refused with the form shown
// again by the server) drops the copy. It is kept in the browser rather than on the server on
// purpose: a request without a live session is nobody's, and the server keeps no personal data
// (ID numbers, phones) for nobody; sessionStorage holds it in this tab only, until restored.
var KEPT_FORM = "yincai-unsent-form";
function keptFields(form) {
  return Array.prototype.filter.call(form.elements, function (el) {
    var type = (el.type || "").toLowerCase();
    return el.name && el.name !== "_csrf" && !/^(hidden|file|password|submit|button|reset)$/.test(type);
  });
}
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
  if (form.querySelector('input[type="password"]') || form.getAttribute("action") === "/login") { return; }
  var fields = keptFields(form).map(function (el) {
    return { name: el.name, value: el.value, checked: !!el.checked, box: /^(checkbox|radio)$/i.test(el.type) };
  });
  if (!fields.length) { return; }
  try {
    sessionStorage.setItem(KEPT_FORM, JSON.stringify({
      page: location.pathname + location.search, action: form.getAttribute("action") || "",
      at: Date.now(), expired: false, fields: fields
    }));
  } catch (err) { /* storage full or disabled: the form is sent as before */ }
});
function notice(before, text, id) {
  var p = document.createElement("p");
  p.className = "alert info";
  p.id = id;
  p.setAttribute("role", "status");
  p.textContent = text;
  before.parentNode.insertBefore(p, before);
}
document.addEventListener("DOMContentLoaded", function () {
  var kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(KEPT_FORM) || "null"); } catch (err) { kept = null; }
  if (!kept) { return; }
  var login = document.querySelector('form[action="/login"]');
  if (login) {
    kept.expired = true;
    sessionStorage.setItem(KEPT_FORM, JSON.stringify(kept));
    var next = login.querySelector('input[name="next"]');
    if (next && /^\/[^\/\\]/.test(kept.page)) { next.value = kept.page; }
    notice(login, "您刚才填写的内容已暂存在本浏览器中，登录后将回到原页面并自动填回。", "kept-form-notice");
    return;
  }
  sessionStorage.removeItem(KEPT_FORM);
  var fresh = Date.now() - kept.at < 12 * 3600 * 1000;
  if (!kept.expired || !fresh || kept.page !== location.pathname + location.search) { return; }
  var form = Array.prototype.find.call(document.forms, function (f) {
    return (f.getAttribute("method") || "").toLowerCase() === "post" && (f.getAttribute("action") || "") === kept.action;
  });
  if (!form) { return; }
  var values = {};
  kept.fields.forEach(function (f) { (values[f.name] = values[f.name] || []).push(f); });
  var used = {};
  keptFields(form).forEach(function (el) {
    var saved = values[el.name] || [];
    if (/^(checkbox|radio)$/i.test(el.type)) {
      el.checked = saved.some(function (f) { return f.value === el.value && f.checked; });
      return;
    }
    var i = used[el.name] || 0;
    if (i < saved.length) { el.value = saved[i].value; }
    used[el.name] = i + 1;
  });
  notice(form, "登录超时前填写的内容已自动填回，请核对后重新提交。", "kept-form-restored");
});
