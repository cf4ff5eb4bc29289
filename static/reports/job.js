// The job page follows its task without reloading the page (a reload would take the reader's place and
// focus, WCAG 2.2.1): every few seconds it asks for the page again and puts the new status into the live
// region, which announces it, until the task has ended. Without JavaScript, <noscript>'s refresh does it.
(function () {
  "use strict";
  var body = document.getElementById("job-body");
  if (!body || !body.getAttribute("data-refresh")) return;
  var seconds = Number(body.getAttribute("data-refresh")) || 2;
  function part(doc, id) { return doc.getElementById(id); }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var status = part(fresh, "job-status"), actions = part(fresh, "job-actions"), freshBody = part(fresh, "job-body");
        if (!status || !actions || !freshBody) return;
        part(document, "job-status").innerHTML = status.innerHTML;
        part(document, "job-status").setAttribute("data-status", status.getAttribute("data-status"));
        part(document, "job-actions").innerHTML = actions.innerHTML;
        if (freshBody.getAttribute("data-refresh")) setTimeout(poll, seconds * 1000);
        else body.removeAttribute("data-refresh");
      })
      .catch(function () { setTimeout(poll, seconds * 2000); }); // a network drop: try again, a little later
  }
  setTimeout(poll, seconds * 1000);
})();
