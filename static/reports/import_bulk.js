// Bulk import preview: when the user picks another organisation or year for a document, say at once what
// the server will say on confirm: the title names another organisation or year, or a report exists there.
(function () {
  "use strict";
  var data = document.getElementById("import-existing");
  var existing = data ? JSON.parse(data.textContent) : {};
  document.querySelectorAll(".import-target").forEach(function (box) {
    var i = box.dataset.index;
    var org = document.getElementById("org-" + i), year = document.getElementById("year-" + i);
    if (!org || !year) return;
    var differs = box.querySelector(".import-title-differs"), there = box.querySelector(".import-existing");
    var confirm = box.querySelector(".import-confirm-target");
    var titleOrgs = box.dataset.titleOrgs ? box.dataset.titleOrgs.split(" ") : [];
    function update() {
      var words = [];
      var chosen = org.options[org.selectedIndex];
      if (box.dataset.titleOrg && org.value && titleOrgs.indexOf(org.value) < 0) {
        words.push("文档标题中的机关是“" + box.dataset.titleOrg + "”，选择的是“" + chosen.text + "”");
      }
      if (box.dataset.titleYear && year.value && year.value !== box.dataset.titleYear) {
        words.push("文档标题是 " + box.dataset.titleYear + " 年度的报告，选择的是 " + year.value + " 年度");
      }
      differs.textContent = words.length ? words.join("；") + "。请核对；如确实无误，请勾选下面的“仍要导入”。" : "";
      differs.hidden = confirm.hidden = !words.length;
      var note = existing[org.value + "-" + year.value] || "";
      there.textContent = note;
      there.hidden = !note;
    }
    org.addEventListener("change", update);
    year.addEventListener("input", update);
  });
})();
