/* Progressive enhancement for editors; the reader works without it (attributions are
   added in the admin). Select text in the article body and a link appears to annotate
   it: the admin's attribution form for exactly that span, with the cue and the speaker
   found around it filled in. Offsets count the body's own characters: the labels in front
   of highlights (class hl-label) are not part of the text. */
(function () {
  "use strict";
  var body = document.getElementById("article-body");
  var url = body && body.getAttribute("data-annotate-url");
  if (!url) {
    return;
  }
  var link = document.createElement("a");
  link.className = "annotate-selection";
  link.hidden = true;
  link.textContent = "Annotate the selection";
  body.parentNode.insertBefore(link, body);

  function offsetOf(container, offset) {
    // Characters of body text before (container, offset), labels left out.
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest(".hl-label")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      }
    });
    var count = 0;
    var node;
    if (container.nodeType !== Node.TEXT_NODE) {
      // A boundary between children: count the text of the children before it.
      var marker = container.childNodes[offset] || null;
      while ((node = walker.nextNode())) {
        if (marker && (marker === node || marker.contains(node) ||
            (marker.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING))) {
          return count;
        }
        count += node.data.length;
      }
      return count;
    }
    while ((node = walker.nextNode())) {
      if (node === container) {
        return count + offset;
      }
      count += node.data.length;
    }
    return -1;
  }

  function update() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) {
      link.hidden = true;
      return;
    }
    var range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) {
      link.hidden = true;
      return;
    }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start < 0 || end <= start) {
      link.hidden = true;
      return;
    }
    link.href = url + "?start=" + start + "&end=" + end;
    link.hidden = false;
  }

  document.addEventListener("selectionchange", update);
})();
