/* The graph page: draws the embedded vis-network data and fills the side panel when a node is chosen.
 * User-supplied text only ever reaches the page through textContent and vis-network's plain-text
 * titles; nothing here assigns innerHTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  data.nodes.forEach(function (node) {
    if (node.shape === "database") {
      node.shape = "custom";
      node.ctxRenderer = cylinder;
    }
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), { nodes: nodes, edges: edges }, data.options);

  // Exposed for people poking at a graph in the console, and for the browser tests.
  var graph = (window.lineageGraph = {
    network: network,
    nodes: nodes,
    edges: edges,
    ready: false,
    drawnAt: null,
    selected: null,
    show: show,
  });

  network.once("afterDrawing", function () {
    graph.drawnAt = performance.now(); // milliseconds since the navigation started
    graph.ready = true;
    document.body.setAttribute("data-graph-ready", "true");
  });

  network.on("click", function (event) {
    if (event.nodes.length) {
      show(event.nodes[0]);
    }
  });

  // vis-network's own "database" is a square as wide as its label, so long dataset names made towering
  // cylinders that overlapped their neighbours; this one is as wide as the label and as tall as its lines.
  function cylinder(args) {
    var ctx = args.ctx;
    var style = args.style;
    var node = nodes.get(args.id);
    var size = (node.font && node.font.size) || 14;
    var lines = String(args.label).split("\n");
    ctx.font = size + "px " + data.font;
    var textWidth = Math.max.apply(null, lines.map(function (line) { return ctx.measureText(line).width; }));
    var width = textWidth + 24;
    var rim = 7;
    var lineHeight = size * 1.2;
    var height = lines.length * lineHeight + 2 * rim + 10;
    return {
      drawNode: function () {
        var left = args.x - width / 2;
        var top = args.y - height / 2;
        var bottom = top + height - rim;
        ctx.beginPath();
        ctx.moveTo(left, top + rim);
        ctx.lineTo(left, bottom);
        ctx.ellipse(args.x, bottom, width / 2, rim, 0, Math.PI, 0, true);
        ctx.lineTo(left + width, top + rim);
        ctx.ellipse(args.x, top + rim, width / 2, rim, 0, 0, 2 * Math.PI);
        ctx.closePath();
        if (style.shadow) {
          ctx.shadowColor = style.shadowColor;
          ctx.shadowBlur = style.shadowSize;
          ctx.shadowOffsetX = style.shadowX;
          ctx.shadowOffsetY = style.shadowY;
        }
        ctx.fillStyle = style.color;
        ctx.fill();
        ctx.shadowColor = "transparent";
        ctx.lineWidth = style.borderWidth;
        ctx.strokeStyle = style.borderColor;
        ctx.setLineDash((node.shapeProperties && node.shapeProperties.borderDashes) || []);
        ctx.stroke();
        ctx.beginPath();
        ctx.ellipse(args.x, top + rim, width / 2, rim, 0, 0, Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#1b1b1b";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        var first = args.y + rim / 2 - ((lines.length - 1) * lineHeight) / 2;
        lines.forEach(function (line, index) {
          ctx.fillText(line, args.x, first + index * lineHeight);
        });
      },
      nodeDimensions: { width: width, height: height },
    };
  }

  function element(tag, text, className) {
    var made = document.createElement(tag);
    if (text !== undefined) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  function link(href, text, id) {
    var anchor = element("a", text);
    anchor.href = href;
    anchor.id = id;
    return anchor;
  }

  function show(uid) {
    var node = nodes.get(uid);
    if (!node) return;
    graph.selected = uid;
    network.selectNodes([uid]);
    var panel = document.getElementById("details");
    var list = element("dl");
    node.details.forEach(function (pair) {
      list.append(element("dt", pair[0]), element("dd", pair[1]));
    });
    var parts = [element("h2", node.id, "node-uid")];
    if (node.stale && node.stale.length) {
      var stale = element("div", undefined, "stale-reasons");
      stale.append(element("span", "stale", "badge stale"), element("span", " trained on superseded versions:"));
      var reasons = element("ul");
      node.stale.forEach(function (reason) {
        reasons.append(element("li", reason));
      });
      stale.append(reasons);
      parts.push(stale);
    }
    if (node.href) {
      var actions = element("p", undefined, "panel-links");
      actions.append(link(node.href, "Graph of this node", "node-graph-link"));
      if (node.impactHref) actions.append(link(node.impactHref, "What a change to it affects", "node-impact-link"));
      if (node.diffHref) actions.append(link(node.diffHref, "Compare with " + node.latest, "node-diff-link"));
      parts.push(actions);
    }
    parts.push(list);
    panel.replaceChildren.apply(panel, parts);
  }

  document.getElementById("fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });

  document.getElementById("find").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("find-text").value.trim().toLowerCase();
    var result = document.getElementById("find-result");
    if (!text) {
      result.textContent = "";
      return;
    }
    var found = nodes.getIds({
      filter: function (node) {
        return node.id.toLowerCase().indexOf(text) !== -1;
      },
    });
    result.textContent = found.length === 1 ? "1 node" : found.length + " nodes";
    if (found.length) {
      show(found[0]);
      network.selectNodes(found); // after show(), which selects its node alone
      network.fit({ nodes: found, animation: false, maxZoomLevel: 1.2 });
    }
  });
})();
