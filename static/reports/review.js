/* gkportal read-only section view: clicking a cell or paragraph (or Enter on it) names it in the
 * review comment form. Nothing is saved from here but the comment, by its form. */
(function () {
  "use strict";
  var review = document.getElementById("review");
  var select = document.getElementById("comment-cell");
  var text = document.getElementById("comment-text");
  if (!review || !select || !text) return;

  function choose(el) {
    var key = el && el.dataset && el.dataset.key;
    if (!key) return;
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === key; });
    if (!known) return;
    select.value = key;
    text.focus();
    text.scrollIntoView({ block: "center" });
  }

  review.addEventListener("click", function (e) { choose(e.target.closest("[data-key]")); });
  review.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.dataset && e.target.dataset.key) { e.preventDefault(); choose(e.target); }
  });
})();
