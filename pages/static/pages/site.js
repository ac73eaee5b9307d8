/* Progressive enhancement only; every page works without it.
   Article reader: clicking highlighted text jumps to its entry in the list of attributions
   (source, claim and compare links), and Back returns to the text. Without JavaScript the
   label in front of each highlight links to its source and its claim. */
(function () {
  "use strict";
  var body = document.getElementById("article-body");
  if (!body) {
    return;
  }
  body.classList.add("js-linked");
  body.addEventListener("click", function (event) {
    if (event.target.closest("a") || String(window.getSelection())) {
      return; // a link, or the reader is selecting text
    }
    var mark = event.target.closest("mark.hl");
    var found = mark && /(?:^|\s)hl-at-(\d+)(?:\s|$)/.exec(mark.className);
    var entry = found && document.getElementById("attribution-" + found[1]);
    if (!entry) {
      return;
    }
    location.hash = entry.id;
    entry.setAttribute("tabindex", "-1");
    entry.focus({ preventScroll: true });
  });
})();
