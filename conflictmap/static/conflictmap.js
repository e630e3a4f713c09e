/* Helpers for the conflict-claims map (Leaflet 1.9), shared by the live Streamlit map
 * and the self-contained HTML export. Loaded after leaflet.js and before the map script.
 *
 * Text from reports and users never reaches innerHTML from here: labels, tooltips and
 * the caption are set with textContent; popups and the sources list arrive as HTML that
 * Python escaped (conflictmap/mapview.py).
 */
(function () {
  "use strict";
  var CM = (window.conflictmap = window.conflictmap || {});
  var SVG_NS = "http://www.w3.org/2000/svg";
  CM.popups = CM.popups || {};
  CM.layerKeys = CM.layerKeys || {};
  CM.seq = CM.seq || 0;

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
  CM.setup = function (map, config) {
    ensureHatch(config.hatch);
    Object.keys(config.panes).forEach(function (name) {
      if (!map.getPane(name)) map.createPane(name);
      map.getPane(name).style.zIndex = String(config.panes[name]);
    });
    map.getPane("cm-outline").style.pointerEvents = "none";
    var caption = L.control({ position: "topleft" });
    caption.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-caption leaflet-control");
      var title = L.DomUtil.create("div", "cm-caption-title", div);
      title.textContent = config.caption || "";
      L.DomUtil.create("div", "cm-caption-sources", div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    caption.addTo(map);
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-legend leaflet-control");
      div.innerHTML = config.legend; // built and escaped in Python
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
    if (config.outline) CM.outline(map, config.outline);
    map.on("zoomend moveend overlayadd overlayremove", CM.scheduleDeclutter);
    CM.scheduleDeclutter();
  };

  CM.outline = function (map, outline) {
    L.geoJson(outline.areas, {
      pane: "cm-outline",
      interactive: false,
      style: function (f) { return f.properties.style; },
    }).addTo(map);
    (outline.labels || []).forEach(function (lab) {
      L.marker([lab.lat, lab.lon], {
        pane: "cm-outline",
        interactive: false,
        keyboard: false,
        icon: CM.textIcon(lab.text, lab.cls),
      }).addTo(map);
    });
  };

  CM.textIcon = function (text, cls) {
    var el = document.createElement("span");
    el.textContent = text;
    return L.divIcon({ className: "cm-text " + (cls || ""), html: el, iconSize: null });
  };

  CM.style = function (feature) {
    return feature.properties.style;
  };

  CM.bindFeature = function (feature, layer) {
    var p = feature.properties;
    layer.bindPopup(function () { return CM.popups[p.pid] || ""; }, {
      maxWidth: 420, minWidth: 260, maxHeight: 320, className: "cm-popup",
      autoPanPaddingTopLeft: [60, 150], autoPanPaddingBottomRight: [20, 20],
    });
    if (p.tip) {
      layer.bindTooltip(function () {
        var el = document.createElement("span");
        el.textContent = p.tip;
        return el;
      }, { sticky: true, className: "cm-tip" });
    }
  };

  /* Claim shapes of one layer, plus text labels (fractions) that belong to it. */
  CM.claimLayer = function (group, data, pane, labels) {
    var layer = L.geoJson(data, { pane: pane, style: CM.style, onEachFeature: CM.bindFeature });
    layer.addTo(group);
    (labels || []).forEach(function (lab) {
      L.marker([lab.lat, lab.lon], {
        interactive: false, keyboard: false, icon: CM.textIcon(lab.text, lab.cls),
      }).addTo(group);
    });
    return layer;
  };

  /* Per-date data: popups by place id, the caption, the sources list, place labels. */
  CM.placeData = function (group, data) {
    CM.popups = data.popups;
    document.querySelectorAll(".cm-caption-title").forEach(function (el) {
      el.textContent = data.caption;
    });
    document.querySelectorAll(".cm-caption-sources").forEach(function (el) {
      el.innerHTML = data.sources; // built and escaped in Python
    });
    (data.labels || []).forEach(function (lab) {
      L.marker([lab.lat, lab.lon], {
        interactive: false, keyboard: false, icon: CM.textIcon(lab.text, "cm-place"),
      }).addTo(group);
    });
    CM.scheduleDeclutter();
  };

  /* Keep labels legible: place names try above, below, right, left of their place and
   * keep the first spot free of other labels; reference names (oblasts, cities) give
   * way to place names and to each other. */
  var SPOTS = ["", "cm-below", "cm-right", "cm-left"];
  function overlaps(r, kept) {
    return kept.some(function (k) {
      return !(r.right < k.left || r.left > k.right || r.bottom < k.top || r.top > k.bottom);
    });
  }
  CM.declutter = function () {
    var kept = [];
    document.querySelectorAll(".cm-fraction span").forEach(function (el) {
      kept.push(el.getBoundingClientRect());
    });
    document.querySelectorAll(".cm-place").forEach(function (icon) {
      var span = icon.firstChild;
      if (!span) return;
      var chosen = null;
      for (var i = 0; i < SPOTS.length && chosen === null; i++) {
        SPOTS.forEach(function (c) { if (c) icon.classList.remove(c); });
        if (SPOTS[i]) icon.classList.add(SPOTS[i]);
        var r = span.getBoundingClientRect();
        if (!overlaps(r, kept)) chosen = r;
      }
      if (chosen === null) {
        SPOTS.forEach(function (c) { if (c) icon.classList.remove(c); });
        chosen = span.getBoundingClientRect();
      }
      kept.push(chosen);
    });
    [".cm-city span", ".cm-oblast span"].forEach(function (sel) {
      document.querySelectorAll(sel).forEach(function (el) {
        el.style.visibility = "";
        var r = el.getBoundingClientRect();
        if (overlaps(r, kept)) el.style.visibility = "hidden";
        else kept.push(r);
      });
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

  CM.assessment = function (group, data, pane) {
    L.geoJson(data, {
      pane: pane,
      style: CM.style,
      onEachFeature: function (f, layer) {
        layer.bindTooltip(function () {
          var el = document.createElement("span");
          el.textContent = f.properties.tip;
          return el;
        }, { sticky: true, className: "cm-tip" });
      },
    }).addTo(group);
  };

  CM.visibleKeys = function (map, overlays) {
    var keys = [];
    Object.keys(overlays).forEach(function (name) {
      var key = CM.layerKeys[name];
      if (key && map.hasLayer(overlays[name])) keys.push(key);
    });
    return keys;
  };

  /* Hide the overlays the user switched off, and report the user's own switching to
   * Streamlit (through streamlit-folium's selected_layers, which it returns). */
  CM.syncControl = function (map, control, overlays, hidden, keys) {
    CM.layerKeys = keys;
    CM.overlays = overlays;
    CM.control = control;
    Object.keys(overlays).forEach(function (name) {
      if (hidden.indexOf(keys[name]) >= 0 && map.hasLayer(overlays[name])) {
        map.removeLayer(overlays[name]);
      }
    });
    if (map._cmSync) return;
    map._cmSync = true;
    var report = function () {
      // Leaflet fires overlayadd/overlayremove for any change; only a click on the
      // current control is the user's choice (streamlit-folium also swaps groups).
      if (!CM.control || !CM.control._handlingClick) return;
      var data = window.__GLOBAL_DATA__;
      if (!data || !data.selected_layers) return;
      CM.seq += 1;
      data.selected_layers["conflictmap"] = {
        name: CM.visibleKeys(map, CM.overlays).join(","),
        url: "conflictmap:" + CM.seq,
      };
    };
    map.on("overlayadd overlayremove", report);
  };
})();
