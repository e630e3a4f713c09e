/* The conflict-claims map in the browser (Leaflet 1.9): shared by the live Streamlit map
 * and the self-contained HTML export. Loaded after leaflet.js, before the map script.
 *
 * Data arrive in two parts (built by conflictmap/mapview.py):
 * - the bank, once: every shape by key ("<place id>|<part>"), every place, and every
 *   place's claims with their sources (setBank);
 * - per date: for each layer the rows to draw (claimLayer), and the caption, sources,
 *   place labels (placeData).
 * Claim layers persist across dates: a new date only adds and removes the shapes that
 * changed, so moving the date slider is cheap even with thousands of places. The
 * per-date folium FeatureGroups are proxies: the layer is shown while its proxy is.
 *
 * Text from reports and users only reaches the page through textContent; links only
 * for http(s) URLs. The sources list (built and escaped in Python) is the one HTML.
 */
(function () {
  "use strict";
  var CM = (window.conflictmap = window.conflictmap || {});
  var SVG_NS = "http://www.w3.org/2000/svg";
  CM.bank = CM.bank || { geoms: {}, places: {}, claims: {} };
  CM.layers = CM.layers || {};
  CM.layerKeys = CM.layerKeys || {};
  CM.seq = CM.seq || 0;
  CM.config = CM.config || { titles: {}, claimants: {}, order: [], historyRows: 25 };
  var latlngCache = {};

  /* -- data ------------------------------------------------------------------------ */
  CM.setBank = function (bank) {
    ["geoms", "places", "claims"].forEach(function (k) {
      Object.assign(CM.bank[k], bank[k] || {});
    });
  };

  function latlngs(key, geometry) {
    if (!geometry && latlngCache[key]) return latlngCache[key];
    var g = geometry || CM.bank.geoms[key];
    if (!g) return null;
    var depth = g.type === "MultiPolygon" ? 2 : g.type === "Polygon" ? 1 : 0;
    var out = L.GeoJSON.coordsToLatLngs(g.coordinates, depth);
    if (!geometry) latlngCache[key] = out;
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  /* Leaflet's layer control puts each layer's name into the page as HTML: names carry
   * text from imported files (the assessment's source), so they go in escaped. */
  CM.escapeHtml = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };

  function sub(parent, text) {
    if (!text) return;
    parent.appendChild(document.createElement("br"));
    parent.appendChild(el("span", "cm-sub", text));
  }

  CM.link = function (url, text) {
    if (typeof url === "string" && /^https?:\/\//i.test(url.trim())) {
      var a = el("a", null, text || url);
      a.href = url.trim();
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", null, text || "");
  };

  /* -- the static part ------------------------------------------------------------- */
  CM.addStyle = function (css) {
    var style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  };

  function ensureHatch(hatchColour) {
    if (document.getElementById("cm-hatch")) return;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    svg.innerHTML =
      '<defs><pattern id="cm-hatch" patternUnits="userSpaceOnUse" width="11" height="11"' +
      ' patternTransform="rotate(45)">' +
      '<line x1="1.5" y1="0" x2="1.5" y2="11" stroke="#000000" stroke-width="2.8"/>' +
      '<line x1="1.5" y1="0" x2="1.5" y2="11" stroke="' + hatchColour + '" stroke-width="1.6"/>' +
      "</pattern></defs>";
    document.body.appendChild(svg);
  }

  /* Panes keep the drawing order fixed whatever the user switches on and off. */
  CM.setup = function (map, config, bases) {
    CM.map = map;
    CM.config = config;
    CM.makeControl(map, bases || {});
    ensureHatch(config.hatch);
    Object.keys(config.panes).forEach(function (name) {
      if (!map.getPane(name)) map.createPane(name);
      map.getPane(name).style.zIndex = String(config.panes[name]);
    });
    map.getPane("cm-outline").style.pointerEvents = "none";
    CM.labelGroup = L.layerGroup().addTo(map);
    var caption = L.control({ position: "topleft" });
    caption.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-caption leaflet-control");
      div.appendChild(el("div", "cm-caption-title", config.caption || ""));
      div.appendChild(el("div", "cm-caption-sources"));
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    caption.addTo(map);
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-legend leaflet-control");
      div.innerHTML = config.legend; // fixed text built in Python
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
    var outline = config.outline || CM.outlineData;
    if (outline) CM.outline(map, outline);
    map.on("zoomend moveend overlayadd overlayremove", function () { CM.scheduleDeclutter(); });
    CM.scheduleDeclutter();
  };

  CM.outline = function (map, outline) {
    L.geoJson(outline.areas, {
      pane: "cm-outline",
      interactive: false,
      style: function (f) { return f.properties.style; },
    }).addTo(map);
    CM.outlineLabels = (outline.labels || []).map(function (lab) {
      return L.marker([lab.lat, lab.lon], {
        pane: "cm-outline", interactive: false, keyboard: false,
        icon: CM.textIcon(lab.text, lab.cls),
      }).addTo(map);
    });
  };

  CM.textIcon = function (text, cls) {
    return L.divIcon({ className: "cm-text " + (cls || ""), html: el("span", null, text),
                       iconSize: null });
  };

  /* -- popups and tooltips ----------------------------------------------------------- */
  function rowsOf(pid) {
    var out = [];
    CM.config.order.forEach(function (key) {
      var st = CM.layers[key];
      if (st && st.byPid && st.byPid[pid]) {
        st.byPid[pid].forEach(function (r) { out.push([key, r]); });
      }
    });
    return out;
  }

  CM.popup = function (pid) {
    var place = CM.bank.places[pid] || ["", ""];
    var box = el("div", "cm-pop");
    var h = el("h4", null, place[0]);
    if (place[1]) {
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("span", "cm-sub", place[1] + " oblast"));
    }
    box.appendChild(h);
    box.appendChild(el("div", "cm-sub", "As of " + (CM.asOf || "")));
    var now = el("table", "cm-now");
    rowsOf(pid).forEach(function (item) {
      var key = item[0], r = item[1];
      var tr = el("tr");
      var th = el("td");
      th.appendChild(el("b", null, CM.config.titles[key] || key));
      var td = el("td", null, summaryOf(key, r));
      if (key === "ru" || key === "ua" || key === "other") {
        sub(td, [r[4], r[5]].filter(Boolean).join(", "));
      }
      if (r[7]) sub(td, r[7]);
      tr.appendChild(th);
      tr.appendChild(td);
      now.appendChild(tr);
    });
    box.appendChild(now);
    var claims = (CM.bank.claims[pid] || []).filter(function (c) { return c[0] <= CM.asOf; });
    if (claims.length) {
      box.appendChild(el("h5", null, "Claims up to this date"));
      var table = el("table", "cm-hist");
      var head = el("tr");
      ["Date", "Claimant", "Claim", "Source"].forEach(function (t) { head.appendChild(el("th", null, t)); });
      table.appendChild(head);
      var n = CM.config.historyRows || 25;
      claims.slice().reverse().slice(0, n).forEach(function (c) {
        // c: [date, claimant, organisation, what, publisher, url, title, note]
        var tr = el("tr");
        tr.appendChild(el("td", null, c[0]));
        var who = el("td", null, CM.config.claimants[c[1]] || c[1]);
        sub(who, c[2]);
        tr.appendChild(who);
        var what = el("td", null, c[3]);
        sub(what, c[7]);
        tr.appendChild(what);
        var src = el("td");
        src.appendChild(CM.link(c[5], c[4] || c[6] || "source"));
        sub(src, c[6]);
        tr.appendChild(src);
        table.appendChild(tr);
      });
      if (claims.length > n) {
        var more = el("tr");
        var td = el("td", "cm-sub", "and " + (claims.length - n) + " earlier claims");
        td.colSpan = 4;
        more.appendChild(td);
        table.appendChild(more);
      }
      box.appendChild(table);
    }
    return box;
  };

  function tooltip(layer) {
    var r = layer._cmRow;
    var place = CM.bank.places[r[0]] || [""];
    return el("span", null, place[0] + " — " + (CM.config.titles[layer._cmKey] || "") + ": " +
              summaryOf(layer._cmKey, r));
  }

  var POPUP = {
    maxWidth: 420, minWidth: 260, maxHeight: 320, className: "cm-popup",
    autoPanPaddingTopLeft: [60, 150], autoPanPaddingBottomRight: [20, 20],
  };

  /* -- layers ------------------------------------------------------------------------ */
  function layerState(key, pane) {
    var st = CM.layers[key];
    if (!st) {
      st = CM.layers[key] = { group: L.featureGroup(), paths: new Map(), marks: new Map(),
                              byPid: {}, proxy: null, pane: pane };
    }
    return st;
  }

  /* The layer is on the map while its current proxy (a folium FeatureGroup) is. */
  function bindProxy(st, proxy) {
    st.proxy = proxy;
    if (!proxy._cmBound) {      // a proxy may be handed new rows many times (HTML timeline)
      proxy._cmBound = true;
      proxy.on("add", function () {
        if (st.proxy === proxy && !CM.map.hasLayer(st.group)) CM.map.addLayer(st.group);
        CM.scheduleDeclutter();
      });
      proxy.on("remove", function () {
        // streamlit-folium swaps proxies (remove old, add new) in one go: look after it.
        Promise.resolve().then(function () {
          if (!CM.map.hasLayer(st.proxy)) CM.map.removeLayer(st.group);
          CM.scheduleDeclutter();
        });
      });
    }
    if (CM.map && CM.map.hasLayer(proxy) && !CM.map.hasLayer(st.group)) CM.map.addLayer(st.group);
  }

  /* Contested and agreed rows: the summary joins the place's Russian and Ukrainian
   * rows, "Russia: RU holds all (2025-12-01, Kremlin); Ukraine: ...". */
  function pairSummary(pid) {
    var parts = [];
    [["ru", "Russia"], ["ua", "Ukraine"]].forEach(function (side) {
      var st = CM.layers[side[0]];
      var r = st && st.byPid[pid] && st.byPid[pid][0];
      if (r) parts.push(side[1] + ": " + r[3] + " (" + [r[4], r[5]].filter(Boolean).join(", ") + ")");
    });
    return parts.join("; ");
  }
  function summaryOf(key, r) {
    return r[3] || (key === "contested" || key === "agreed" ? pairSummary(r[0]) : "");
  }

  /* data.rows: [place id, part, style, summary, date, organisation, label, note,
   * geometry (only when the bank lacks the shape)], texts as indexes in data.strings. */
  CM.claimLayer = function (proxy, data, info) {
    var st = layerState(data.key, data.pane);
    var seen = new Set(), seenMarks = new Set(), byPid = {};
    var S = data.strings || [""];
    data.rows.forEach(function (raw) {
      var r = [raw[0], S[raw[1]], raw[2], S[raw[3]], S[raw[4]], S[raw[5]], S[raw[6]],
               S[raw[7]], raw[8]];
      var gkey = r[0] + "|" + r[1];
      var rk = gkey + "|" + r[2];
      seen.add(rk);
      (byPid[r[0]] = byPid[r[0]] || []).push(r);
      var path = st.paths.get(rk);
      if (!path) {
        var ll = latlngs(gkey, r[8]);
        if (!ll) return;
        path = L.polygon(ll, Object.assign({ pane: data.pane }, data.styles[r[2]]));
        path._cmKey = data.key;
        (function (pid) {
          path.bindPopup(function () { return CM.popup(pid); }, POPUP);
        })(r[0]);
        path.bindTooltip(tooltip, { sticky: true, className: "cm-tip" });
        st.paths.set(rk, path);
        st.group.addLayer(path);
      }
      path._cmRow = r;
      if (r[6]) {
        var mk = r[0] + "|" + r[6];
        seenMarks.add(mk);
        if (!st.marks.has(mk)) {
          var place = CM.bank.places[r[0]];
          if (place) {
            var m = L.marker([place[2], place[3]], {
              interactive: false, keyboard: false, icon: CM.textIcon(r[6], "cm-fraction"),
            });
            st.marks.set(mk, m);
            st.group.addLayer(m);
          }
        }
      }
    });
    st.paths.forEach(function (path, rk) {
      if (!seen.has(rk)) { st.group.removeLayer(path); st.paths.delete(rk); }
    });
    st.marks.forEach(function (m, mk) {
      if (!seenMarks.has(mk)) { st.group.removeLayer(m); st.marks.delete(mk); }
    });
    st.byPid = byPid;
    bindProxy(st, proxy);
    if (info) CM.registerOverlay(proxy, info);
  };

  /* The assessment's areas: redrawn only when the assessment changes. */
  CM.assessment = function (proxy, data, info) {
    var st = layerState("assessment", "cm-assessment");
    if (st.version !== data.version) {
      st.group.clearLayers();
      L.geoJson(data.areas, {
        pane: "cm-assessment",
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(function () { return el("span", null, f.properties.tip); },
                            { sticky: true, className: "cm-tip" });
        },
      }).addTo(st.group);
      st.version = data.version;
    }
    bindProxy(st, proxy);
    if (info) CM.registerOverlay(proxy, info);
  };

  /* Per date: caption, sources, place labels (always on, for the layers shown). */
  CM.placeData = function (proxy, data) {
    CM.asOf = data.asOf;
    document.querySelectorAll(".cm-caption-title").forEach(function (e) {
      e.textContent = data.caption;
    });
    document.querySelectorAll(".cm-caption-sources").forEach(function (e) {
      e.innerHTML = data.sources; // built and escaped in Python
    });
    var labels = CM.labels || (CM.labels = new Map());
    var seen = new Set();
    (data.labels || []).forEach(function (pid, rank) {
      var place = CM.bank.places[pid];
      if (!place) return;
      var k = String(pid);
      seen.add(k);
      var m = labels.get(k);
      if (!m) {
        m = L.marker([place[2], place[3]], {
          interactive: false, keyboard: false, icon: CM.textIcon(place[0], "cm-place"),
        });
        labels.set(k, m);
        CM.labelGroup.addLayer(m);
      }
      m._cmRank = rank;     // biggest places first: they get the best spots
    });
    labels.forEach(function (m, k) {
      if (!seen.has(k)) { CM.labelGroup.removeLayer(m); labels.delete(k); }
    });
    CM.scheduleDeclutter();
  };

  /* -- labels that do not collide --------------------------------------------------- */
  /* Place names try above, below, right, then left of their place, biggest places
   * first; a name with no free spot is hidden until the reader zooms in. Fraction
   * labels stay; oblast and city names give way to everything else. Positions are
   * computed from the map's projection and sizes measured once, so this stays cheap
   * with thousands of labels. */
  var SPOTS = ["", "cm-below", "cm-right", "cm-left"];
  var sizes = {};
  var CELL = 64;

  function Grid() { this.cells = {}; }
  Grid.prototype.keys = function (r) {
    var out = [];
    for (var x = Math.floor(r[0] / CELL); x <= Math.floor(r[2] / CELL); x++) {
      for (var y = Math.floor(r[1] / CELL); y <= Math.floor(r[3] / CELL); y++) out.push(x + ":" + y);
    }
    return out;
  };
  Grid.prototype.hits = function (r) {
    var cells = this.cells;
    return this.keys(r).some(function (k) {
      return (cells[k] || []).some(function (o) {
        return !(r[2] < o[0] || r[0] > o[2] || r[3] < o[1] || r[1] > o[3]);
      });
    });
  };
  Grid.prototype.add = function (r) {
    var cells = this.cells;
    this.keys(r).forEach(function (k) { (cells[k] = cells[k] || []).push(r); });
  };

  function spotRect(p, w, h, spot) {
    if (spot === "cm-below") return [p.x - w / 2, p.y + 0.75 * h, p.x + w / 2, p.y + 1.75 * h];
    if (spot === "cm-right") return [p.x + 10, p.y - h / 2, p.x + 10 + w, p.y + h / 2];
    if (spot === "cm-left") return [p.x - 10 - w, p.y - h / 2, p.x - 10, p.y + h / 2];
    return [p.x - w / 2, p.y - 1.75 * h, p.x + w / 2, p.y - 0.75 * h];
  }
  function centred(p, w, h) { return [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2]; }

  CM.declutter = function () {
    var map = CM.map;
    if (!map) return;
    var view = map.getSize();
    var items = [];   // [marker, kind]
    if (CM.labels) {
      Array.from(CM.labels.values()).sort(function (a, b) { return a._cmRank - b._cmRank; })
        .forEach(function (m) { items.push([m, "place"]); });
    }
    Object.keys(CM.layers).forEach(function (k) {
      var st = CM.layers[k];
      if (st.marks && map.hasLayer(st.group)) st.marks.forEach(function (m) { items.push([m, "fixed"]); });
    });
    (CM.outlineLabels || []).forEach(function (m) { items.push([m, "reference"]); });
    // Read: sizes (measured once per text) and positions (projection, no layout).
    var live = [];
    items.forEach(function (it) {
      var m = it[0], icon = m._icon;
      if (!icon || !icon.firstChild) return;
      var key = icon.className + "|" + icon.firstChild.textContent;
      if (!sizes[key]) sizes[key] = [icon.firstChild.offsetWidth, icon.firstChild.offsetHeight];
      var p = map.latLngToContainerPoint(m.getLatLng());
      if (p.x < -150 || p.y < -60 || p.x > view.x + 150 || p.y > view.y + 60) return;
      live.push([icon, it[1], p, sizes[key]]);
    });
    // Decide, then write once.
    var grid = new Grid(), writes = [];
    live.forEach(function (x) {
      if (x[1] === "fixed") grid.add(centred(x[2], x[3][0], x[3][1]));
    });
    live.forEach(function (x) {
      if (x[1] !== "place") return;
      var chosen = null;
      for (var i = 0; i < SPOTS.length && chosen === null; i++) {
        var r = spotRect(x[2], x[3][0], x[3][1], SPOTS[i]);
        if (!grid.hits(r)) { chosen = SPOTS[i]; grid.add(r); }
      }
      writes.push([x[0], chosen]);
    });
    live.forEach(function (x) {
      if (x[1] !== "reference") return;
      var r = centred(x[2], x[3][0], x[3][1]);
      var free = !grid.hits(r);
      if (free) grid.add(r);
      writes.push([x[0], free ? "" : null]);
    });
    writes.forEach(function (w) {
      var icon = w[0];
      SPOTS.forEach(function (c) { if (c) icon.classList.remove(c); });
      if (w[1]) icon.classList.add(w[1]);
      icon.classList.toggle("cm-hidden", w[1] === null);
    });
  };
  CM.scheduleDeclutter = function () {
    if (CM._declutterPending) return;
    CM._declutterPending = true;
    window.requestAnimationFrame(function () {
      CM._declutterPending = false;
      CM.declutter();
    });
  };

  /* -- the layer control ------------------------------------------------------------ */
  /* One control for the map's life: each date's groups replace the previous ones in it
   * (streamlit-folium swaps the groups on every change), in a fixed order. */
  CM.overlays = CM.overlays || {};
  CM.makeControl = function (map, bases) {
    var order = (CM.config.order || []).concat(["assessment"]);
    var safeBases = {};
    Object.keys(bases).forEach(function (name) { safeBases[CM.escapeHtml(name)] = bases[name]; });
    CM.control = L.control.layers(safeBases, {}, {
      collapsed: false, autoZIndex: false, sortLayers: true,
      sortFunction: function (a, b, nameA, nameB) {
        return order.indexOf(CM.layerKeys[nameA]) - order.indexOf(CM.layerKeys[nameB]);
      },
    }).addTo(map);
    // Leaflet fires overlayadd/overlayremove for any change; a click on the control is
    // the user's choice: report it to Streamlit through streamlit-folium's
    // selected_layers (which it returns), so the sidebar follows.
    map.on("overlayadd overlayremove", function () {
      if (!CM.control._handlingClick) return;
      var data = window.__GLOBAL_DATA__;
      if (!data || !data.selected_layers) return;
      CM.seq += 1;
      data.selected_layers["conflictmap"] = { name: CM.visibleKeys().join(","),
                                              url: "conflictmap:" + CM.seq };
    });
  };

  CM.visibleKeys = function () {
    return Object.keys(CM.overlays).filter(function (key) {
      return CM.map.hasLayer(CM.overlays[key].proxy);
    });
  };

  /* A group for layer info.key: into the control in place of the previous one; off when
   * info.show is false (the first time this group is seen: a reused group keeps the
   * reader's choice, as in the HTML snapshot's timeline). */
  CM.registerOverlay = function (proxy, info) {
    if (!CM.control) return;
    var prev = CM.overlays[info.key];
    var title = CM.escapeHtml(info.title);
    CM.layerKeys[title] = info.key;
    if (prev && prev.proxy === proxy && prev.title === title) return;
    if (prev) CM.control.removeLayer(prev.proxy);
    CM.overlays[info.key] = { proxy: proxy, title: title };
    CM.control.addOverlay(proxy, title);
    if (!info.show) {
      // streamlit-folium adds every group after its scripts ran: remove it after that.
      Promise.resolve().then(function () {
        if (CM.map.hasLayer(proxy)) CM.map.removeLayer(proxy);
      });
    }
  };
})();
