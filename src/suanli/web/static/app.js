/* suanli web: progressive enhancement only; every page works without this file. */
(function () {
  "use strict";

  // 1. The paragraph a [n] link points to is highlighted (:target does it in CSS; the class
  //    survives later hash changes made by scripts and lets tests check it).
  function highlightTarget() {
    var old = document.querySelectorAll(".para.is-highlighted");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("is-highlighted");
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.classList.contains("para")) el.classList.add("is-highlighted");
  }

  // 2. Charts of numeric facts, from JSON embedded in the page (never from inline script).
  function drawCharts() {
    var data = document.getElementById("chart-data");
    var canvases = document.querySelectorAll("canvas.chart");
    if (!data || !canvases.length || typeof window.Chart === "undefined") return;
    var series = JSON.parse(data.textContent);
    for (var i = 0; i < canvases.length; i++) {
      var canvas = canvases[i];
      var s = series[Number(canvas.getAttribute("data-chart-index"))];
      if (!s) continue;
      new window.Chart(canvas, {
        type: "line",
        data: { labels: s.labels, datasets: [{ label: s.label, data: s.values, borderColor: "#1d4ed8",
          backgroundColor: "#1d4ed8", tension: 0.2 }] },
        options: { animation: false, responsive: false, plugins: { legend: { display: false } } }
      });
      canvas.setAttribute("data-ready", "1");
    }
  }

  // 3. Add jobs: poll the API and redraw the result list as text (never as markup).
  function watchJob() {
    var box = document.getElementById("job");
    if (!box) return;
    var labels = JSON.parse(document.getElementById("job-labels").textContent);
    var jobId = box.getAttribute("data-job-id");
    function draw(job) {
      box.setAttribute("data-state", job.state);
      box.querySelector(".job-state").textContent = labels[job.state] || job.state;
      box.querySelector(".job-count").textContent = job.done + (job.total === null ? "" : "/" + job.total);
      var list = box.querySelector(".job-items");
      while (list.firstChild) list.removeChild(list.firstChild);
      job.items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "result-" + item.result;
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = labels[item.result === "failed" ? "failed_item" : item.result] || item.result;
        li.appendChild(tag);
        li.appendChild(document.createTextNode(" "));
        var name;
        if (item.article_id) {
          name = document.createElement("a");
          name.href = "/articles/" + encodeURIComponent(item.article_id);
        } else {
          name = document.createElement("span");
        }
        name.textContent = item.input;
        li.appendChild(name);
        if (item.reason) {
          var reason = document.createElement("span");
          reason.className = "reason";
          reason.textContent = item.reason;
          li.appendChild(reason);
        }
        list.appendChild(li);
      });
    }
    function poll() {
      fetch("/api/add/" + encodeURIComponent(jobId), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (!body.ok) return;
          draw(body.job);
          if (body.job.state === "queued" || body.job.state === "running") setTimeout(poll, 700);
        })
        .catch(function () { setTimeout(poll, 2000); });
    }
    var state = box.getAttribute("data-state");
    if (state === "queued" || state === "running") poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    highlightTarget();
    drawCharts();
    watchJob();
  });
  window.addEventListener("hashchange", highlightTarget);
})();
