// Publishing renders and freezes the PDF, which takes a few seconds: while the request runs, the button
// is disabled (no second publication by a second click) and the page says what is happening.
(function () {
  "use strict";
  var form = document.querySelector("form[data-publish-form]");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    var button = form.querySelector("button[type=submit]");
    if (button.disabled) {
      event.preventDefault();
      return;
    }
    // Disabled after this tick, so that the browser still sends the form.
    setTimeout(function () {
      button.disabled = true;
      button.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>' +
        button.getAttribute("data-busy-text");
      form.setAttribute("aria-busy", "true");
      var status = form.querySelector(".publish-progress");
      if (status) status.textContent = "正在生成 PDF 并发布，通常需要几秒钟，请不要关闭页面。";
      form.querySelectorAll("a.btn").forEach(function (link) { link.classList.add("disabled"); link.setAttribute("aria-disabled", "true"); });
    }, 0);
  });
})();
