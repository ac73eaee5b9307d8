// The browsable API's PUT, PATCH and DELETE forms send the ETag of the resource shown as
// If-Match, as the API requires: a change made since the page was loaded is refused (412)
// instead of being overwritten.
(function () {
  var node = document.getElementById("tracker_etag");
  if (!node || !window.jQuery) { return; }
  var etag = JSON.parse(node.textContent || '""');
  if (!etag) { return; }
  window.jQuery(document).ajaxSend(function (event, xhr, settings) {
    var method = (settings.type || "GET").toUpperCase();
    if (method === "PUT" || method === "PATCH" || method === "DELETE") {
      xhr.setRequestHeader("If-Match", etag);
    }
  });
})();
