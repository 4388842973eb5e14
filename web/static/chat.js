// StateChat: conversations, streaming answers, stop, rename, delete,
// export and "report this answer". The page never sees the gateway key:
// every call goes to /chat/api with the session cookie and the CSRF token.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var app = document.getElementById("app");
  var maxChars = parseInt(app.dataset.max, 10);
  var $ = function (id) { return document.getElementById(id); };
  var list = $("conversations"), msgs = $("messages"), form = $("composer"), prompt = $("prompt"),
    model = $("model"), sendBtn = $("send"), stopBtn = $("stop"), errBox = $("composer-error");
  var current = app.dataset.conversation || "";
  var controller = null;
  var reportTarget = null;

  function api(method, path, body) {
    var opts = { method: method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { var e = new Error((j.error && j.error.message) || ("HTTP " + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }
  function showError(msg) { errBox.textContent = msg; errBox.hidden = !msg; if (msg) prompt.setAttribute("aria-invalid", "true"); else prompt.removeAttribute("aria-invalid"); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }

  function loadModels() {
    return api("GET", "/chat/api/models").then(function (j) {
      model.textContent = "";
      j.models.forEach(function (m) {
        var o = el("option", "", m.alias ? m.title : (m.title + (m.vendor ? " — " + m.vendor : "")));
        o.value = m.id; model.appendChild(o);
      });
      if (!j.models.length) { var o = el("option", "", "No model is available to your agency"); o.value = ""; model.appendChild(o); }
    }).catch(function (e) { showError("Could not load the models: " + e.message); });
  }

  function loadList() {
    return api("GET", "/chat/api/conversations").then(function (j) {
      list.textContent = "";
      j.conversations.forEach(function (c) {
        var li = el("li"), a = el("a", "", c.title);
        a.href = "/c/" + encodeURIComponent(c.id);
        if (c.id === current) a.setAttribute("aria-current", "page");
        a.addEventListener("click", function (ev) { ev.preventDefault(); open(c.id); });
        li.appendChild(a); list.appendChild(li);
      });
    });
  }

  function badge(m) {
    var b = el("div", "meta");
    if (m.served_model) {
      var s = el("span", "badge", m.served_model + " · " + (m.vendor || "unknown vendor"));
      s.title = "Model and vendor that actually answered" + (m.request_id ? " (request " + m.request_id + ")" : "");
      b.appendChild(s);
    }
    if (m.notice) { var n = el("span", "notice", m.notice + (m.directive ? " (" + m.directive + ")" : "")); n.setAttribute("role", "note"); b.appendChild(n); }
    if (m.guardrail_note) { var g = el("span", "guard", m.guardrail_note); g.setAttribute("role", "note"); b.appendChild(g); }
    if (m.waiver) b.appendChild(el("span", "notice", "Served under waiver " + m.waiver));
    return b;
  }

  function addMessage(m) {
    var li = el("li", "msg " + m.role);
    li.dataset.id = m.id || "";
    li.appendChild(el("div", "who", m.role === "user" ? "You" : "StateChat"));
    var body = el("div", "body");
    if (m.role === "user") body.textContent = m.content; else body.innerHTML = window.renderMarkdown(m.content || "");
    li.appendChild(body);
    if (m.role === "assistant") finishAnswer(li, m);
    msgs.appendChild(li);
    return li;
  }

  function finishAnswer(li, m) {
    var old = li.querySelector(".meta"); if (old) old.remove();
    var f = li.querySelector(".foot"); if (f) f.remove();
    li.dataset.id = m.id || "";
    li.appendChild(badge(m));
    var foot = el("div", "foot");
    if (m.status === "stopped") foot.appendChild(el("span", "status", "Stopped — the answer is incomplete."));
    if (m.status === "error") { var e = el("p", "error", m.error || "The answer failed."); e.setAttribute("role", "alert"); foot.appendChild(e); }
    if (m.id && m.status !== "error") {
      var rep = el("button", "link report", "Report this answer");
      rep.type = "button";
      rep.addEventListener("click", function () { reportTarget = { li: li, id: m.id, button: rep }; $("report-error").hidden = true; $("report-reason").value = ""; $("report-dialog").showModal(); $("report-reason").focus(); });
      foot.appendChild(rep);
    }
    li.appendChild(foot);
  }

  function open(id) {
    return api("GET", "/chat/api/conversations/" + encodeURIComponent(id)).then(function (j) {
      current = id;
      history.replaceState(null, "", "/c/" + encodeURIComponent(id));
      var c = j.conversation;
      $("conv-title").textContent = c.title;
      $("conv-actions").hidden = false;
      $("export-md").href = "/chat/api/conversations/" + encodeURIComponent(id) + "/export?format=md";
      $("export-json").href = "/chat/api/conversations/" + encodeURIComponent(id) + "/export?format=json";
      msgs.textContent = "";
      (c.messages || []).forEach(addMessage);
      if (c.model) { for (var i = 0; i < model.options.length; i++) if (model.options[i].value === c.model) model.value = c.model; }
      return loadList();
    }).catch(function (e) { showError(e.message); });
  }

  function reset() {
    current = ""; msgs.textContent = ""; $("conv-title").textContent = "New conversation"; $("conv-actions").hidden = true;
    history.replaceState(null, "", "/"); loadList(); prompt.focus();
  }

  function streaming(on) { stopBtn.hidden = !on; sendBtn.disabled = on; }

  function send(ev) {
    ev.preventDefault();
    var text = prompt.value;
    if (!text.trim()) { showError("Type a message before sending."); prompt.focus(); return; }
    if (text.length > maxChars) { showError("The message is " + text.length.toLocaleString("en-US") + " characters long; the limit is " + maxChars.toLocaleString("en-US") + ". Shorten it or send it in parts."); prompt.focus(); return; }
    if (!model.value) { showError("Pick a model first."); model.focus(); return; }
    showError("");
    var ready = current ? Promise.resolve(current) : api("POST", "/chat/api/conversations", { model: model.value }).then(function (j) { current = j.conversation.id; $("conv-actions").hidden = false; return current; });
    ready.then(function (id) { return stream(id, text); }).catch(function (e) { showError(e.message); streaming(false); });
  }

  function stream(id, text) {
    controller = new AbortController();
    streaming(true);
    var li = null, body = null, acc = "", meta = {};
    return fetch("/chat/api/conversations/" + encodeURIComponent(id) + "/messages", {
      method: "POST", credentials: "same-origin", signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "text/event-stream" },
      body: JSON.stringify({ content: text, model: model.value })
    }).then(function (r) {
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (j) { throw new Error((j.error && j.error.message) || ("HTTP " + r.status)); });
      prompt.value = "";
      var reader = r.body.getReader(), dec = new TextDecoder(), buf = "";
      function handle(name, data) {
        var d = JSON.parse(data);
        if (name === "user") { addMessage(d); li = addMessage({ role: "assistant", content: "", status: "streaming" }); li.classList.add("streaming"); li.setAttribute("aria-busy", "true"); body = li.querySelector(".body"); li.querySelector(".foot").remove(); }
        else if (name === "meta") { meta = d; li.appendChild(badge(d)); }
        else if (name === "delta") { acc += d.text; body.innerHTML = window.renderMarkdown(acc); }
        else if (name === "done") { li.classList.remove("streaming"); li.removeAttribute("aria-busy"); d.guardrail_note = d.guardrail_note || meta.guardrail_note; finishAnswer(li, d); }
        else if (name === "error" && !d.message_id) showError(d.message);
      }
      function pump() {
        return reader.read().then(function (res) {
          if (res.done) return;
          buf += dec.decode(res.value, { stream: true });
          var idx;
          while ((idx = buf.indexOf("\n\n")) >= 0) {
            var block = buf.slice(0, idx); buf = buf.slice(idx + 2);
            var name = "", data = [];
            block.split("\n").forEach(function (l) { if (l.indexOf("event: ") === 0) name = l.slice(7); else if (l.indexOf("data: ") === 0) data.push(l.slice(6)); });
            if (data.length) handle(name, data.join("\n"));
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      if (e.name === "AbortError") {
        if (li) { li.classList.remove("streaming"); li.removeAttribute("aria-busy"); }
        // The server stores the partial answer marked stopped; show it as stored.
        setTimeout(function () { open(id); }, 300);
        return;
      }
      showError(e.message);
    }).then(function () { streaming(false); controller = null; loadList(); if (!$("conv-title").textContent || $("conv-title").textContent === "New conversation") open(id); });
  }

  form.addEventListener("submit", send);
  prompt.addEventListener("keydown", function (ev) { if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); } });
  prompt.addEventListener("input", function () { if (!errBox.hidden && prompt.value.trim() && prompt.value.length <= maxChars) showError(""); });
  stopBtn.addEventListener("click", function () { if (controller) controller.abort(); });
  $("new-chat").addEventListener("click", reset);
  $("rename").addEventListener("click", function () {
    var t = window.prompt("New name for this conversation", $("conv-title").textContent);
    if (t === null) return;
    api("PATCH", "/chat/api/conversations/" + encodeURIComponent(current), { title: t }).then(function (j) { $("conv-title").textContent = j.title; loadList(); }).catch(function (e) { showError(e.message); });
  });
  $("delete").addEventListener("click", function () {
    if (!window.confirm("Delete this conversation? Reported answers and the audit trail keep their own records.")) return;
    api("DELETE", "/chat/api/conversations/" + encodeURIComponent(current)).then(reset).catch(function (e) { showError(e.message); });
  });
  $("report-cancel").addEventListener("click", function () { $("report-dialog").close(); });
  $("report-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var reason = $("report-reason").value;
    if (!reason.trim()) { $("report-error").textContent = "Say what is wrong with this answer."; $("report-error").hidden = false; return; }
    api("POST", "/chat/api/conversations/" + encodeURIComponent(current) + "/messages/" + encodeURIComponent(reportTarget.id) + "/report", { reason: reason })
      .then(function () { $("report-dialog").close(); var s = el("span", "status reported", "Reported — thank you."); s.setAttribute("role", "status"); reportTarget.button.replaceWith(s); })
      .catch(function (e) { $("report-error").textContent = e.message; $("report-error").hidden = false; });
  });
  loadModels().then(function () { return current ? open(current) : loadList(); });
})();
