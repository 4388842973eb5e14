// A small, safe Markdown renderer for model output. The text is HTML-escaped
// first; only then are a few Markdown constructs turned into tags, so no
// markup from the model can reach the page. Links are kept only for http(s).
(function (global) {
  "use strict";
  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function inline(s) {
    // s is already escaped. Code spans first, kept out of later rules.
    var codes = [];
    s = s.replace(/`([^`\n]+)`/g, function (_, c) { codes.push(c); return "\u0000" + (codes.length - 1) + "\u0000"; });
    s = s.replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/(^|[^*])\*([^*\n]+)\*/g, "$1<em>$2</em>");
    s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, function (_, text, url) {
      return '<a href="' + url + '" rel="noopener noreferrer nofollow" target="_blank">' + text + "</a>";
    });
    return s.replace(/\u0000(\d+)\u0000/g, function (_, i) { return "<code>" + codes[+i] + "</code>"; });
  }
  function render(src) {
    var lines = esc(String(src)).split("\n");
    var out = [], para = [], list = null, i = 0;
    function flushPara() { if (para.length) { out.push("<p>" + inline(para.join("<br>")) + "</p>"); para = []; } }
    function flushList() { if (list) { out.push("<" + list.tag + ">" + list.items.map(function (x) { return "<li>" + inline(x) + "</li>"; }).join("") + "</" + list.tag + ">"); list = null; } }
    for (; i < lines.length; i++) {
      var line = lines[i], m;
      if ((m = /^```\s*([\w+.-]*)\s*$/.exec(line))) {
        flushPara(); flushList();
        var code = [];
        for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
        out.push('<pre><code' + (m[1] ? ' class="lang-' + m[1] + '"' : "") + ">" + code.join("\n") + "</code></pre>");
        continue;
      }
      if ((m = /^(#{1,4})\s+(.*)$/.exec(line))) {
        flushPara(); flushList();
        var level = Math.min(m[1].length + 2, 6);
        out.push("<h" + level + ">" + inline(m[2]) + "</h" + level + ">");
        continue;
      }
      if ((m = /^\s*(?:[-*]|(\d+)[.)])\s+(.*)$/.exec(line))) {
        flushPara();
        var tag = m[1] ? "ol" : "ul";
        if (!list || list.tag !== tag) { flushList(); list = { tag: tag, items: [] }; }
        list.items.push(m[2]);
        continue;
      }
      if (/^&gt;\s?/.test(line)) {
        flushPara(); flushList();
        out.push("<blockquote>" + inline(line.replace(/^&gt;\s?/, "")) + "</blockquote>");
        continue;
      }
      if (line.trim() === "") { flushPara(); flushList(); continue; }
      flushList();
      para.push(line);
    }
    flushPara(); flushList();
    return out.join("");
  }
  global.renderMarkdown = render;
})(window);
