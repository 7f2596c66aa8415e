// The waiting room's page: asks the portal for news every few seconds (as often as it says),
// updates the position and the estimate without reloading, and leads on to the page asked
// for once the family's turn has come. Without this script, the page refreshes itself.
(function () {
  var box = document.getElementById("file-attente");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-etat");
  var target = box.getAttribute("data-suite");
  var position = document.getElementById("file-position");
  var wait = document.getElementById("file-attente-estimee");

  function show(node, text, strong) {
    if (node.textContent === text) { return; }
    if (strong) {
      var bold = document.createElement("strong");
      bold.textContent = text;
      node.replaceChildren(bold);
    } else {
      node.textContent = text;
    }
  }

  function later(seconds) {
    window.setTimeout(ask, Math.max(1, seconds || 15) * 1000);
  }

  function ask() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (news) {
        if (news === null) { return; }
        if (news.entree) { window.location.assign(target); return; }
        show(position, news.position, true);
        show(wait, news.attente, false);
        later(news.prochaine);
      })
      .catch(function () { later(15); });
  }

  later(parseInt(box.getAttribute("data-prochaine"), 10));
})();
