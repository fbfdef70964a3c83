// The fund projection's chart (/fund/projection): bars of the base scenario by benefit kind,
// lines for the with-departures scenario and the budget. Data from the JSON in the page
// (amounts in fen); nothing is fetched. The tables below the chart hold the same figures.
(function () {
  var el = document.getElementById("projection-chart");
  var src = document.getElementById("projection-data");
  if (!el || !src || typeof echarts === "undefined") { return; }
  var d = JSON.parse(src.textContent);
  var wan = function (fen) { return fen === null ? null : Math.round(fen / 100) / 10000; }; // 万元
  var money = function (v) {
    return v === null || v === undefined ? "—" : v.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 万元";
  };
  var series = d.kinds.map(function (k) {
    return { name: k.name, type: "bar", stack: "base", emphasis: { focus: "series" }, data: k.base.map(wan) };
  });
  series.push({
    name: "考虑离职（年离职率 " + d.rate_per_mille + " ‰）", type: "line", symbolSize: 7,
    data: d.expected.map(wan), lineStyle: { width: 2 }
  });
  series.push({
    name: "年度预算", type: "line", step: "middle", symbol: "rect", symbolSize: 6,
    data: d.budget.map(function (b, i) {
      return { value: wan(b), itemStyle: d.budget_assumed[i] ? { opacity: 0.45 } : {} };
    }),
    lineStyle: { type: "dashed", width: 2 }
  });
  var chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: money },
    legend: { top: 0, type: "scroll" },
    grid: { left: 70, right: 20, top: 50, bottom: 30 },
    xAxis: { type: "category", data: d.years.map(String) },
    yAxis: { type: "value", name: "万元" },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
