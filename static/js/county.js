// The consolidated tables: each filled cell becomes a link to its breakdown by organisation.
// Without JavaScript the same pages are reached from the "按机关分解某一单元格" form.
document.querySelectorAll(".consolidated[data-cell-url]").forEach((box) => {
  box.querySelectorAll("td[data-cell]").forEach((td) => {
    if (!td.textContent.trim()) return;
    const link = document.createElement("a");
    link.href = box.dataset.cellUrl + "?key=" + encodeURIComponent(td.dataset.cell);
    link.title = "按机关查看";
    link.append(...td.childNodes);
    td.append(link);
  });
});
