// Brigade dashboard: polls /v1/cluster and /v1/stats and redraws. No libraries, no outside network.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var PALETTE = ["#4fb3ff", "#ffb347", "#7bd88f", "#ff7eb6", "#c9a0ff", "#ffd866", "#5fe0d0", "#ff8c69",
                 "#a0c4ff", "#d4e157", "#f48fb1", "#80deea"];
  var colours = {};
  var key = new URLSearchParams(location.search).get("api_key");

  function $(id) { return document.getElementById(id); }

  function colourOf(nodeId) {
    if (!(nodeId in colours)) colours[nodeId] = PALETTE[Object.keys(colours).length % PALETTE.length];
    return colours[nodeId];
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "style") e.style.cssText = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function td(text, cls) { return el("td", cls ? { text: text, "class": cls } : { text: text }); }

  function bytes(n) {
    if (!n) return "-";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (n >= 10 || i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
  }

  // Payouts are exact decimal strings; two decimals are enough to read (the full value is the cell's title).
  function tfuel(amount) {
    return Number(amount || 0).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " TFUEL";
  }

  function number(n) { return n == null ? "-" : Number(n).toLocaleString("en-US"); }

  function get(path) {
    var headers = key ? { "Authorization": "Bearer " + key } : {};
    return fetch(path, { headers: headers, cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(path + " answered HTTP " + r.status);
      return r.json();
    });
  }

  function fill(tbody, rows, emptyText, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      tbody.appendChild(el("tr", {}, [el("td", { text: emptyText, colspan: String(columns), "class": "empty" })]));
    }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function drawNodes(nodes) {
    var rows = nodes.map(function (n) {
      var layers = n.pipelineId ? n.layerStart + "-" + (n.layerEnd - 1) : "-";
      var device = n.backend + (n.device ? " (" + n.device + ")" : "");
      return el("tr", { "data-node": n.nodeId }, [
        el("td", {}, [el("span", { "class": "swatch", style: "background:" + colourOf(n.nodeId) })]),
        td(n.nodeId),
        el("td", {}, [el("span", { "class": "state " + n.state, text: n.state })]),
        td(device),
        td(bytes(n.memoryBytes)),
        td(layers),
        td(n.pipelineId || "-"),
        td(String(n.activeSequences || 0))
      ]);
    });
    fill($("nodes").tBodies[0], rows, "no nodes registered", 8);
  }

  function drawPipelines(pipelines) {
    var box = $("pipelines");
    box.replaceChildren();
    if (pipelines.length === 0) {
      box.appendChild(el("p", { "class": "empty", text: "no pipelines yet" }));
      return;
    }
    pipelines.forEach(function (p) {
      var bar = el("div", { "class": "bar" });
      p.stages.forEach(function (s) {
        var width = 100 * (s.layerEnd - s.layerStart) / p.numLayers;
        bar.appendChild(el("div", {
          "class": "segment" + (s.loaded ? "" : " loading"),
          style: "width:" + width + "%;background:" + colourOf(s.nodeId),
          title: s.nodeId + ": layers " + s.layerStart + "-" + (s.layerEnd - 1) + (s.loaded ? "" : " (loading)"),
          text: s.nodeId + " [" + s.layerStart + "-" + (s.layerEnd - 1) + "]"
        }));
      });
      var name = el("div", { "class": "name" }, [
        el("span", { text: p.pipelineId }),
        el("small", {}, [el("span", { "class": "state " + p.state, text: p.state }),
          document.createTextNode(" " + p.stages.length + " stages, " + p.numLayers + " layers"
            + (p.kvTokens ? ", KV " + p.kvTokens + " tokens" : ""))])
      ]);
      box.appendChild(el("div", { "class": "pipeline", "data-pipeline": p.pipelineId }, [name, bar]));
    });
  }

  function drawRewards(rewards) {
    var epoch = rewards.length ? rewards[0].epoch : null;
    $("epoch").textContent = epoch == null ? "" : "epoch " + epoch;
    var rows = rewards.map(function (r) {
      return el("tr", {}, [
        td(r.node_id),
        td(number(r.layer_tokens)),
        td(((r.share || 0) * 100).toFixed(1) + " %"),
        el("td", { text: tfuel(r.projected_payout), title: (r.projected_payout || "0") + " TFUEL" }),
        td(number(r.total_layer_tokens))
      ]);
    });
    fill($("rewards").tBodies[0], rows, "no layer-tokens credited yet", 5);
  }

  function drawFailovers(stats) {
    $("failover-count").textContent = stats.failovers + " in total";
    var rows = stats.recent_failovers.map(function (f) {
      return el("tr", {}, [
        td(new Date(f.at_ms).toLocaleTimeString()),
        td(f.sequence_id.slice(0, 18)),
        td(f.from_pipeline),
        td(String(f.generated_tokens)),
        td(f.reason, "reason")
      ]);
    });
    fill($("failovers").tBodies[0], rows, "none", 5);
  }

  // The tokens/s chart: one bar per second for the last two minutes, on a canvas at device resolution.
  function drawChart(series) {
    var canvas = $("chart");
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var max = Math.max.apply(null, series.concat([1]));
    var top = niceCeiling(max), left = 40, bottom = h - 18, right = w - 6;
    g.font = "11px system-ui, sans-serif";
    g.fillStyle = "#8a99a8";
    g.strokeStyle = "#2a3540";
    for (var i = 0; i <= 4; i++) {
      var y = bottom - (bottom - 6) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(right, y); g.stroke();
      var tick = top * i / 4;
      g.fillText(tick === Math.round(tick) ? String(tick) : tick.toFixed(1), 4, y + 4);
    }
    g.fillText("-120 s", left, h - 4);
    g.fillText("now", right - 22, h - 4);
    var step = (right - left) / series.length;
    g.fillStyle = "#4fb3ff";
    series.forEach(function (v, k) {
      var bh = (bottom - 6) * v / top;
      g.fillRect(left + k * step + 0.5, bottom - bh, Math.max(1, step - 1), bh);
    });
  }

  function niceCeiling(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function drawFigures(stats) {
    $("rate").textContent = stats.recent_tokens_per_second.toFixed(1) + " tokens/s (last 10 s)";
    var byStatus = Object.keys(stats.requests_by_status).sort().map(function (s) {
      return s + ": " + stats.requests_by_status[s];
    }).join(", ") || "none";
    var f = $("figures");
    f.replaceChildren();
    [["output tokens", number(stats.output_tokens)],
     ["queued", String(stats.queued)],
     ["mean TTFT", stats.ttft_mean_ms == null ? "-" : stats.ttft_mean_ms.toFixed(0) + " ms"],
     ["mean inter-token", stats.inter_token_mean_ms == null ? "-" : stats.inter_token_mean_ms.toFixed(1) + " ms"],
     ["requests by status", byStatus]].forEach(function (pair) {
      f.appendChild(el("span", {}, [document.createTextNode(pair[0] + " "), el("b", { text: pair[1] })]));
    });
  }

  function setStatus(text, cls) {
    var s = $("status");
    s.textContent = text;
    s.className = "status " + cls;
  }

  function poll() {
    Promise.all([get("/v1/cluster"), get("/v1/stats")]).then(function (both) {
      var cluster = both[0], stats = both[1];
      cluster.nodes.forEach(function (n) { colourOf(n.nodeId); });
      $("model").textContent = "model: " + (cluster.model || "-");
      $("ready").textContent = "pipelines ready: " + cluster.ready_pipelines;
      $("gateway").textContent = "gateway: " + cluster.gateway.id + " (" + cluster.gateway.in_flight + " in flight)";
      drawNodes(cluster.nodes);
      drawPipelines(cluster.pipelines);
      drawRewards(stats.rewards);
      drawFailovers(stats);
      drawFigures(stats);
      drawChart(stats.tokens_per_second);
      setStatus("live, updated " + new Date(stats.time_ms).toLocaleTimeString(), "ok");
      document.body.setAttribute("data-loaded", "true");
    }).catch(function (e) {
      setStatus("not updating: " + e.message, "bad");
    }).then(function () {
      setTimeout(poll, POLL_MS);
    });
  }

  poll();
})();
