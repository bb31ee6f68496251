// ospo dashboard: suggestions while typing in a search box (progressive enhancement).
// Without this script the search forms work as plain GET forms.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("data-suggest"));
    if (!list) { return; }
    var timer = null;
    var latest = 0;
    function clear() { list.hidden = true; list.textContent = ""; }
    function show(hits) {
      list.textContent = "";
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = hit.url;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = hit.kind;
        link.appendChild(kind);
        link.appendChild(document.createTextNode(hit.label));
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = hits.length === 0;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { clear(); return; }
      timer = setTimeout(function () {
        var ticket = ++latest;
        fetch("/search.json?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) { if (ticket === latest) { show(hits); } })
          .catch(clear);
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { clear(); }
      if (e.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("a");
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "ArrowDown" && at < links.length - 1) { e.preventDefault(); links[at + 1].focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      if (e.key === "Escape") { clear(); input.focus(); }
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
