// Console forms: every change is previewed with the admin API's what-if
// first, then confirmed. Calls go to /console/api/..., which the server
// relays to /admin/v1/... with the signed-in user's key; the admin API
// enforces roles (an auditor's change gets its 403 message shown here).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var $ = function (id) { return document.getElementById(id); };
  function api(method, path, body) {
    return fetch("/console/api/" + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error((j.error && j.error.message) || ("HTTP " + r.status));
        return j;
      });
    });
  }
  function utc(v) { return v ? v + (v.length === 16 ? ":00Z" : "Z") : undefined; }
  function fail(box, msg) { box.textContent = msg; box.hidden = !msg; if (msg) box.focus && box.scrollIntoView({ block: "nearest" }); }

  var pending = null; // function run on confirm
  function preview(draft, at, summary, onConfirm) {
    var body = { directive: draft };
    if (at) body.at = at;
    return api("POST", "whatif", body).then(function (res) {
      var tb = document.querySelector("#whatif-table tbody");
      tb.textContent = "";
      res.impacts.forEach(function (im) {
        var tr = document.createElement("tr");
        [im.tenant, im.model, String(im.count), im.before + (im.before_served ? " → " + im.before_served : ""), im.after + (im.after_served ? " → " + im.after_served : "")]
          .forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
        tb.appendChild(tr);
      });
      $("whatif-summary").textContent = summary + " " + res.impacts.length + " tenant × model pair(s) of " + res.evaluated + " would change." + (res.note ? " (" + res.note + ")" : "");
      fail($("confirm-error"), "");
      $("whatif").hidden = false; $("whatif").focus();
      pending = onConfirm;
    });
  }
  if ($("confirm")) {
    $("confirm").addEventListener("click", function () {
      if (!pending) return;
      $("confirm").disabled = true;
      pending().catch(function (e) { fail($("confirm-error"), e.message); }).then(function () { $("confirm").disabled = false; });
    });
    $("cancel").addEventListener("click", function () { $("whatif").hidden = true; pending = null; });
  }

  var dform = $("directive-form");
  if (dform) dform.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = dform.elements, err = $("form-error");
    var id = f.id.value.trim(), tenants = f.tenants.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    var eff = utc(f.effective_at.value), dl = utc(f.deadline.value);
    var missing = [["id", id], ["title", f.title.value.trim()], ["authority", f.authority.value.trim()], ["tenants", tenants.length], ["reason", f.reason.value.trim()]]
      .filter(function (p) { return !p[1]; }).map(function (p) { return p[0]; });
    if (missing.length) { fail(err, "Fill in: " + missing.join(", ") + "."); f[missing[0]].focus(); return; }
    if (eff && dl && new Date(dl) < new Date(eff)) { fail(err, "The deadline (" + f.deadline.value + ") is before the effective date (" + f.effective_at.value + "): a phase-out cannot end before it starts."); f.deadline.setAttribute("aria-invalid", "true"); f.deadline.focus(); return; }
    f.deadline.removeAttribute("aria-invalid");
    fail(err, "");
    var d = { id: id, title: f.title.value.trim(), kind: f.kind.value, authority: f.authority.value.trim(), subject: { vendor: f.vendor.value },
      action: f.action.value, scopes: [{ tenants: tenants, effective_at: eff, deadline: dl }], notice: f.notice.value.trim() || undefined };
    if (f.replacement.value) d.replacements = { "*": f.replacement.value };
    var reason = f.reason.value.trim(), issue = f.issue.checked;
    preview(d, eff, (issue ? "Issuing" : "Saving the draft of") + " " + id + ":", function () {
      return api("POST", "directives", { directive: d, reason: reason }).then(function () {
        return issue ? api("POST", "directives/" + encodeURIComponent(id) + "/issue", { reason: reason }) : null;
      }).then(function () { location.href = "/console/directives/" + encodeURIComponent(id); });
    }).catch(function (e) { fail(err, e.message); });
  });

  var aform = $("action-form");
  if (aform) aform.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = aform.elements, err = $("form-error");
    var cur = JSON.parse(aform.dataset.directive), id = cur.id, action = f.action.value;
    var eff = utc(f.effective_at.value), reason = f.reason.value.trim();
    if (!reason) { fail(err, "Give a reason: it is recorded in the directive's history and the change log."); f.reason.focus(); return; }
    var draft = JSON.parse(JSON.stringify(cur)), body = { reason: reason }, path = "directives/" + encodeURIComponent(id) + "/" + action;
    if (f.ref.value.trim()) body.ref = f.ref.value.trim();
    if (eff) body.effective_at = eff;
    // The what-if draft is the directive as it would be after the action.
    var lifted = [{ id: "whatif-lifted", citation: "what-if", status: "rescinded" }];
    if (action === "stay" && f.basis.value) {
      body.basis = f.basis.value;
      draft.bases.forEach(function (b) { if (b.id === f.basis.value) { b.history = (b.history || []).concat([{ status: "stayed", effective_at: eff || new Date().toISOString() }]); } });
    } else if (action === "stay" || action === "rescind") {
      draft.bases = lifted;
    } else if (action === "waive") {
      var tenant = f.tenant.value.trim(), exp = utc(f.expires.value);
      if (!tenant || !exp) { fail(err, "A waiver needs a tenant and an expiry date."); (tenant ? f.expires : f.tenant).focus(); return; }
      if (new Date(exp) <= new Date()) { fail(err, "The waiver's expiry (" + f.expires.value + ") is in the past."); f.expires.focus(); return; }
      body = { tenant: tenant, expires: exp, justification: reason, reason: reason };
      draft.waivers = (draft.waivers || []).concat([{ id: "whatif-waiver", tenant: tenant, expires: exp, granted_by: "what-if", justification: reason }]);
    }
    delete draft.lifecycle; delete draft.history;
    fail(err, "");
    preview(draft, eff, action.charAt(0).toUpperCase() + action.slice(1) + " " + id + ":", function () {
      return api("POST", path, body).then(function () { location.reload(); });
    }).catch(function (e) { fail(err, e.message); });
  });
})();
