/* The conflict-claims map in the browser (Leaflet 1.9): shared by the live Streamlit map
 * and the self-contained HTML export. Loaded after leaflet.js, before the map script.
 *
 * Data arrive in two parts (built by conflictmap/mapview.py):
 * - the bank, once: every shape by key ("<place id>|<part>"), every place, and every
 *   place's claims with their sources (setBank); the live map leaves the claims out and
 *   fetches a place's claims, in a shard of them, when its popup first opens
 *   (claimShards);
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
  CM.dotsAhead = CM.dotsAhead || {};  // the dots painted ahead (paintAhead)
  CM.layerKeys = CM.layerKeys || {};
  CM.seq = CM.seq || 0;
  CM.config = CM.config || { titles: {}, claimants: {}, order: [], historyRows: 25 };
  var latlngCache = {};
  // Where this script came from: the live map's claim shards sit next to it.
  var scriptBase = document.currentScript && document.currentScript.src
    ? document.currentScript.src.replace(/[^/]*$/, "") : "";

  /* -- data ------------------------------------------------------------------------ */
  CM.setBank = function (bank) {
    ["geoms", "places", "claims"].forEach(function (k) {
      Object.assign(CM.bank[k], bank[k] || {});
    });
    if (bank.scale) CM.bank.scale = bank.scale;
  };

  /* The live map's bank is a file beside this script, "<name>.json.gz" (gzipped once by
   * the server, sent as it is: ui/assets.py), unpacked by the browser. The calls that
   * draw (the groups' scripts, CM.dayFiles to CM.focusPlace) wait for it, in the order
   * they were made (afterBank). */
  var waiting = null;  // [function, arguments] of the calls made before the bank came
  CM.loadBank = function (name) {
    var packed = typeof DecompressionStream === "function";
    var url = scriptBase + encodeURIComponent(name) + (packed ? ".json.gz" : ".json");
    var failed = false;
    waiting = waiting || [];
    fetch(url)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        if (!packed) return r.json();
        return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).json();
      })
      .then(CM.setBank, function (e) {
        failed = true;
        if (window.console) window.console.error("conflictmap: the map's shapes did not load", e);
      })
      .then(function () {
        var calls = waiting;
        waiting = null;
        calls.forEach(function (c) { c[0].apply(null, c[1]); });
        if (failed) CM.notice("The map's shapes did not load: reload the page.");
      });
  };
  function afterBank(fn) {
    return function () {
      if (waiting) waiting.push([fn, arguments]);
      else fn.apply(null, arguments);
    };
  }

  /* A line of text over the map, for what the reader must know (a bank that failed). */
  CM.notice = function (text) {
    if (!CM.map) return;
    var box = el("div", "cm-notice", text);
    box.setAttribute("role", "alert");
    CM.map.getContainer().appendChild(box);
  };

  /* The popups' claims are in ``n`` files "<prefix><i>.json" next to this script, place
   * p in file p % n (conflictmap/render/mapview.py claim_shards). */
  CM.claimShards = function (prefix, n) {
    CM.shards = { prefix: scriptBase + prefix, n: n, loads: {} };
  };

  /* A place's claims, then ``done()``: at once when they are here (the bank has them, or
   * their shard came), else when the shard arrives. Returns true when they are here. */
  CM.withClaims = function (pid, done) {
    var sh = CM.shards;
    if (!sh || CM.bank.claims[pid] !== undefined) return true;
    var i = Number(pid) % sh.n;
    if (!sh.loads[i]) {
      sh.loads[i] = fetch(sh.prefix + i + ".json")
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (part) { Object.assign(CM.bank.claims, part); sh.loads[i].done = true; })
        .catch(function () { delete sh.loads[i]; });
    }
    if (sh.loads[i].done) { CM.bank.claims[pid] = CM.bank.claims[pid] || []; return true; }
    sh.loads[i].then(function () {
      if (CM.bank.claims[pid] === undefined && sh.loads[i] && sh.loads[i].done) CM.bank.claims[pid] = [];
      done();
    });
    return false;
  };

  function latlngs(key, geometry) {
    if (!geometry && latlngCache[key]) return latlngCache[key];
    var g = geometry || CM.bank.geoms[key];
    if (!g) return null;
    var out;
    if (Array.isArray(g)) {
      out = decoded(g, CM.bank.scale);
    } else {
      var depth = g.type === "MultiPolygon" ? 2 : g.type === "Polygon" ? 1 : 0;
      out = L.GeoJSON.coordsToLatLngs(g.coordinates, depth);
    }
    if (!geometry) latlngCache[key] = out;
    return out;
  }

  /* A compact shape (mapview.geometry_code): polygons of rings, each ring a flat list
   * of longitude, latitude steps in 1/scale degrees, the first in full. */
  function decoded(polygons, scale) {
    var out = polygons.map(function (rings) {
      return rings.map(function (flat) {
        var ring = new Array(flat.length / 2), x = 0, y = 0;
        for (var i = 0; i < flat.length; i += 2) {
          x += flat[i];
          y += flat[i + 1];
          ring[i / 2] = L.latLng(y / scale, x / scale);
        }
        return ring;
      });
    });
    return out.length === 1 ? out[0] : out;
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

  /* A hidden SVG pattern ``id`` (once per page): ``size`` square, turned ``angle``. */
  function ensurePattern(id, size, angle, body) {
    if (document.getElementById(id)) return;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    svg.innerHTML =
      '<defs><pattern id="' + id + '" patternUnits="userSpaceOnUse" width="' + size +
      '" height="' + size + '" patternTransform="rotate(' + angle + ')">' + body +
      "</pattern></defs>";
    document.body.appendChild(svg);
  }

  /* The contested claims' hatch. */
  function ensureHatch(hatchColour) {
    ensurePattern(
      "cm-hatch",
      11,
      45,
      '<line x1="1.5" y1="0" x2="1.5" y2="11" stroke="#000000" stroke-width="2.8"/>' +
        '<line x1="1.5" y1="0" x2="1.5" y2="11" stroke="' + hatchColour + '" stroke-width="1.6"/>'
    );
  }

  /* Hatched fills of the assessment (occupied: diagonal lines over a light wash). */
  function ensurePatterns(patterns) {
    Object.keys(patterns || {}).forEach(function (id) {
      var p = patterns[id]; // [fill, fill opacity, line colour, line opacity]
      ensurePattern(
        id,
        8,
        -45,
        '<rect width="8" height="8" fill="' + p[0] + '" fill-opacity="' + p[1] + '"/>' +
          '<line x1="2" y1="0" x2="2" y2="8" stroke="' + p[2] + '" stroke-opacity="' + p[3] +
          '" stroke-width="2"/>'
      );
    });
  }

  /* Streamlit's component library appends a new <style> of the page's theme (":root"
   * variables) to the frame on every rerun. Each one makes the browser restyle every
   * shape and label of the map: about 100 ms on a date change with 12,000 shapes. A
   * theme the same as the one in force is left out; a new one (the reader switched
   * themes) replaces it. The library appends the element empty and fills it at once. */
  function isTheme(node) {
    return /^\s*:root\s*\{\s*--primary-color/.test(node.textContent || "");
  }
  CM.quietThemes = function () {
    var head = document.head;
    if (!head || head._cmQuiet) return;
    head._cmQuiet = true;
    var append = head.appendChild;
    var themes = Array.prototype.filter.call(head.querySelectorAll("style"), isTheme);
    var current = themes.length ? themes[themes.length - 1] : null;
    head.appendChild = function (node) {
      if (!node || node.nodeName !== "STYLE" || node.textContent) return append.call(head, node);
      Promise.resolve().then(function () {  // filled in by now
        if (!isTheme(node)) { append.call(head, node); return; }
        if (current && current.textContent === node.textContent) return;
        append.call(head, node);
        if (current && current.parentNode) current.parentNode.removeChild(current);
        current = node;
      });
      return node;
    };
  };

  /* streamlit-folium's page sizes its two map slots with ".single > :first-child" and
   * ".single > :nth-child(2)". A positional rule that any element may match makes the
   * browser restyle all the later siblings of an element added or removed anywhere in
   * the page: every shape after each one a change of date swaps (about 100 ms with
   * 12,000 shapes). The same rules, by the slots' class instead. */
  var SLOT_RULES = {
    ".single > :first-child": ".single > .float-child { width: 100%; }",
    ".single > :nth-child(2)": ".single > .float-child ~ .float-child { display: none; }",
  };
  CM.tameSlotRules = function () {
    Array.prototype.forEach.call(document.styleSheets, function (sheet) {
      if (sheet.href && new URL(sheet.href, location.href).origin !== location.origin) return;
      for (var i = sheet.cssRules.length - 1; i >= 0; i--) {
        var rule = SLOT_RULES[sheet.cssRules[i].selectorText];
        if (rule) { sheet.deleteRule(i); sheet.insertRule(rule, i); }
      }
    });
  };

  /* Panes keep the drawing order fixed whatever the user switches on and off. */
  CM.setup = function (map, config, bases) {
    CM.map = map;
    CM.config = config;
    CM.quietThemes();
    CM.tameSlotRules();
    CM.makeControl(map, bases || {});
    ensureHatch(config.hatch);
    ensurePatterns(config.patterns);
    Object.keys(config.panes).forEach(function (name) {
      if (!map.getPane(name)) map.createPane(name);
      map.getPane(name).style.zIndex = String(config.panes[name]);
    });
    map.getPane("cm-outline").style.pointerEvents = "none";
    CM.labelGroup = L.featureGroup().addTo(map);
    CM.labelGroup.bindPopup(function (dot) { return CM.popup(dot._cmPid); }, POPUP);
    groupTips(CM.labelGroup, dotTip, false);
    var caption = L.control({ position: "topleft" });
    caption.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-caption leaflet-control");
      div.appendChild(el("div", "cm-caption-title", config.caption || ""));
      div.appendChild(el("div", "cm-caption-notes"));
      div.appendChild(el("div", "cm-caption-sources"));
      div.addEventListener("toggle", function () { CM.scheduleDeclutter(); }, true);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    caption.addTo(map);
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-legend leaflet-control");
      div.innerHTML = config.legend; // fixed text built in Python
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var box = div.querySelector("details");
      if (box && CM.small(map)) box.open = false; // folded on small screens
      return div;
    };
    legend.addTo(map);
    CM.legendBox = legend.getContainer().querySelector("details");
    if (CM.legendBox) CM.legendBox.addEventListener("toggle", function () { CM.scheduleDeclutter(); });
    // The legend folds while a popup is open, so it never covers one.
    map.on("popupopen", function (e) {
      var box = CM.legendBox;
      if (box) { CM._legendWasOpen = CM._legendWasOpen || box.open; box.open = false; }
      CM.keepClear(e.popup);
    });
    map.on("popupclose", function () {
      if (CM.legendBox && CM._legendWasOpen) CM.legendBox.open = true;
      CM._legendWasOpen = false;
    });
    if (config.share) {
      CM.shareControl(map);
      // The live map fills its frame, whatever height the page gives the frame (a phone).
      document.documentElement.classList.add("cm-live");
      window.addEventListener("resize", function () { map.invalidateSize(); });
      map.invalidateSize();
    }
    var outline = config.outline || CM.outlineData;
    if (outline) CM.outline(map, outline);
    map.on("zoomend", function () { CM.ensureLabels(); });
    map.on("zoomend moveend overlayadd overlayremove", function () { CM.scheduleDeclutter(); });
    CM.scheduleDeclutter();
  };

  CM.small = function (map) {
    var size = map.getSize();
    return size.x < 700 || size.y < 500;
  };

  /* An open popup clears the caption: pan it below the caption, and keep it short
   * enough to fit under it (a phone). */
  CM.keepClear = function (popup) {
    var cap = document.querySelector(".cm-caption");
    var legend = document.querySelector(".cm-legend");
    if (!cap || !CM.map || !popup.update) return;
    var box = CM.map.getContainer().getBoundingClientRect(), height = CM.map.getSize().y;
    var top = cap.getBoundingClientRect().bottom - box.top + 8;
    var bottom = legend ? height - (legend.getBoundingClientRect().top - box.top) + 8 : 10;
    popup.options.autoPanPaddingTopLeft = [10, Math.max(10, top)];
    popup.options.autoPanPaddingBottomRight = [10, Math.max(10, bottom)];
    popup.options.maxHeight = Math.max(120, Math.min(320, height - top - bottom - 45));
    var width = CM.map.getSize().x;   // and as wide as the map allows (a phone)
    popup.options.maxWidth = Math.max(160, Math.min(420, width - 40));
    popup.options.minWidth = Math.min(260, popup.options.maxWidth);
    popup.update(); // lays it out again and pans (Leaflet's autoPan) with these paddings
  };

  /* -- the shareable view: "Copy link" -------------------------------------------- */
  /* The link is the page's URL (date and layers are in it) with this map's centre, zoom,
   * date and layers. It goes to the clipboard when the browser allows it, and is always
   * shown in a text field, selected, to copy by hand. */
  CM.viewLink = function () {
    var map = CM.map, c = map.getCenter();
    var base;
    try { base = window.parent.location.href; } catch (e) { base = window.location.href; }
    var url = new URL(base);
    if (CM.asOf) url.searchParams.set("date", CM.asOf);
    var keys = CM.visibleKeys(), order = (CM.config.order || []).concat(["assessment"]);
    if (Object.keys(CM.overlays).length) {
      url.searchParams.set("layers", order.filter(function (k) { return keys.indexOf(k) >= 0; }).join(","));
    }
    url.searchParams.set("lat", c.lat.toFixed(4));
    url.searchParams.set("lon", c.lng.toFixed(4));
    url.searchParams.set("z", String(Math.round(map.getZoom() * 100) / 100));
    return url.toString();
  };

  CM.shareControl = function (map) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "cm-share leaflet-control leaflet-bar");
      var button = el("button", "cm-share-button", "Copy link");
      button.type = "button";
      button.title = "A link to this view: date, layers, centre and zoom";
      var panel = el("div", "cm-share-panel");
      panel.hidden = true;
      var field = el("input", "cm-share-field");
      field.type = "text";
      field.readOnly = true;
      field.setAttribute("aria-label", "Link to this view");
      var status = el("div", "cm-share-status");
      panel.appendChild(field);
      panel.appendChild(status);
      div.appendChild(button);
      div.appendChild(panel);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(button, "click", function () {
        var link = CM.viewLink();
        field.value = link;
        panel.hidden = false;
        CM.scheduleDeclutter();
        field.focus();
        field.select();
        var done = function () { status.textContent = "Copied to the clipboard."; };
        var byHand = function () {
          var ok = false;
          try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
          status.textContent = ok ? "Copied to the clipboard." : "Select the link and copy it (Ctrl+C).";
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(link).then(done, byHand);
        } else {
          byHand();
        }
      });
      return div;
    };
    ctl.addTo(map);
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

  CM.textIcon = function (text, cls, pid) {
    var span = el("span", null, text);
    var placed = pid !== undefined && pid !== null;
    if (placed) span.setAttribute("data-pid", String(pid));
    // Placed labels start hidden: declutter shows them where they fit.
    return L.divIcon({ className: "cm-text " + (cls || "") + (placed ? " cm-hidden" : ""),
                       html: span, iconSize: null });
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
    var since = CM.sinceOf(pid);
    box.appendChild(el("div", "cm-sub cm-since", "As of " + (CM.asOf || "") +
      (since ? " · claims stand since " + since : " · no claim about this place in force")));
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
    var wait = el("div", "cm-sub cm-loading", "Loading the claims…");
    var here = CM.withClaims(pid, function () {
      if (!wait.parentNode) return;
      var hist = el("div", "cm-history");
      history(hist, pid);
      wait.parentNode.replaceChild(hist, wait);
      var open = CM.map && CM.map._popup;
      if (open && open.isOpen()) CM.keepClear(open); // laid out again, still clear
    });
    if (here) history(box, pid);
    else box.appendChild(wait);
    return box;
  };

  /* The place's claims up to the map date, newest first (at most historyRows). */
  function history(box, pid) {
    if (CM.bank.claims[pid] === undefined && CM.shards) {
      box.appendChild(el("div", "cm-sub", "The claims could not be loaded: close and open again."));
      return;
    }
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
  }

  /* Since when a place's claims in force stand: its latest claim on or before the date. */
  CM.sinceOf = function (pid) {
    var best = "";
    rowsOf(pid).forEach(function (item) {
      var d = item[1][4];
      if (d && d > best) best = d;
    });
    return best;
  };

  function tooltip(layer) {
    var r = layer._cmRow;
    var place = CM.bank.places[r[0]] || [""];
    var since = CM.sinceOf(r[0]);
    return el("span", null, place[0] + " — " + (CM.config.titles[layer._cmKey] || "") + ": " +
              summaryOf(layer._cmKey, r) + (since ? " (since " + since + ")" : ""));
  }

  var POPUP = {
    maxWidth: 420, minWidth: 260, maxHeight: 320, className: "cm-popup",
    autoPanPaddingTopLeft: [60, 150], autoPanPaddingBottomRight: [20, 20],
  };

  function dotTip(dot) {
    var k = dot._cmPid, place = CM.bank.places[k] || [""], since = CM.sinceOf(k);
    return el("span", null, place[0] + (since ? " — claims since " + since : ""));
  }
  CM.tooltipOf = function (layer) { return layer._cmRow ? tooltip(layer) : dotTip(layer); };

  /* Popups and tooltips are bound once per group, never per shape: binding each of
   * thousands of shapes costs a page load a few tenths of a second (Leaflet's event
   * bookkeeping, and focus listeners for shapes that never take focus). Clicking a
   * shape opens its group's popup for that shape (Leaflet hands the content function
   * the shape); pointing at one shows the group's one tooltip, which follows the pointer
   * (``sticky``) or sits on the dot. */
  function groupTips(group, content, sticky) {
    var tip = L.tooltip({ className: "cm-tip", sticky: sticky });
    var show = function (e) {
      var layer = e.layer;
      if (!CM.map || !layer) return;
      if (tip._cmFor !== layer) {
        tip._cmFor = layer;
        tip.setContent(content(layer));
      }
      tip.setLatLng(sticky ? e.latlng : layer.getLatLng());
      if (!CM.map.hasLayer(tip)) CM.map.openTooltip(tip);
    };
    var hide = function () {
      tip._cmFor = null;
      if (CM.map && CM.map.hasLayer(tip)) CM.map.closeTooltip(tip);
    };
    group.on("mouseover", show);
    if (sticky) group.on("mousemove", show);
    group.on("mouseout remove", hide);
    group.on("layerremove", function (e) { if (e.layer === tip._cmFor) hide(); });
  }

  /* A label, share or dot came or went (or the labels' order changed): placed again. */
  function labelsChanged() { CM.labelsVersion = (CM.labelsVersion || 0) + 1; }

  /* -- layers ------------------------------------------------------------------------ */
  function layerState(key, pane, made) {
    var st = CM.layers[key];
    if (!st) {
      st = CM.layers[key] = { group: L.featureGroup(), paths: new Map(), marks: new Map(),
                              byPid: {}, proxy: null, pane: pane };
      if (made) made(st.group);
    }
    return st;
  }

  /* A claim layer's shapes: each place's popup, and what the shape claims as its tip. */
  function claimInteractions(group) {
    group.bindPopup(function (path) { return CM.popup(path._cmRow[0]); }, POPUP);
    groupTips(group, tooltip, true);
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
   * geometry (only when the bank lacks the shape)], texts as indexes in data.strings;
   * trailing empty texts may be left out. */
  CM.claimLayer = function (proxy, data, info) {
    var st = layerState(data.key, data.pane, claimInteractions);
    if (!CM._keepDay) drawRows(st, data);  // else the frame shows this day (CM.dayFiles)
    bindProxy(st, proxy);
    if (info) CM.registerOverlay(proxy, info);
  };

  function drawRows(st, data) {
    unpaint(st, st.group);  // painted ahead, not made yet: made anew below if still wanted
    var seen = new Set(), seenMarks = new Set(), byPid = {}, fresh = [];
    var S = data.strings || [""];
    // A path is keyed by its style itself: the order of styles may change between dates.
    var styleKeys = (data.styles || []).map(function (s) { return JSON.stringify(s); });
    data.rows.forEach(function (raw) {
      // Trailing empty texts may be left out: a missing index is 0 ("").
      var r = [raw[0], S[raw[1] || 0], raw[2], S[raw[3] || 0], S[raw[4] || 0],
               S[raw[5] || 0], S[raw[6] || 0], S[raw[7] || 0], raw[8]];
      var gkey = r[0] + "|" + r[1];
      var rk = gkey + "|" + styleKeys[r[2]];
      seen.add(rk);
      (byPid[r[0]] = byPid[r[0]] || []).push(r);
      var path = st.paths.get(rk);
      if (path) {
        path._cmRow = r;
      } else if (r[8] || CM.bank.geoms[gkey]) {
        fresh.push([rk, r, gkey]);
      }
      if (r[6]) {
        var mk = r[0] + "|" + r[6];
        seenMarks.add(mk);
        if (!st.marks.has(mk)) {
          var place = CM.bank.places[r[0]];
          if (place) {
            var m = L.marker([place[2], place[3]], {
              interactive: false, keyboard: false, icon: CM.textIcon(r[6], "cm-fraction", r[0]),
            });
            st.marks.set(mk, m);
            st.group.addLayer(m);
            labelsChanged();
          }
        }
      }
    });
    st.paths.forEach(function (path, rk) {
      if (!seen.has(rk)) { st.group.removeLayer(path); st.paths.delete(rk); }
    });
    var make = function (item) {
      var r = item[1];
      var style = Object.assign({ pane: data.pane }, data.styles[r[2]]);
      var path = L.polygon(latlngs(item[2], r[8]), style);
      path._cmKey = data.key;
      path._cmRow = r;
      st.paths.set(item[0], path);
      st.group.addLayer(path);
    };
    if (fresh.length > CM.PAINT_AHEAD) paintAhead(st, st.group, shapeBatches(data, fresh), make);
    else fresh.forEach(make);
    st.marks.forEach(function (m, mk) {
      if (!seenMarks.has(mk)) {
        st.group.removeLayer(m);
        st.marks.delete(mk);
        labelsChanged();
      }
    });
    st.byPid = byPid;
  }

  /* Many new shapes at once (a whole front's first load): Leaflet makes a path, its
   * events and its bookkeeping for each, a second or more for ten thousand. They are
   * painted first as one stand-in path per style and batch (not interactive, drawn
   * straight from the bank's numbers), then made one by one in batches after that
   * paint, each batch taking its stand-in's place; a new drawing drops what is not made
   * yet (unpaint). Dots likewise. */
  CM.PAINT_AHEAD = 1500;  // more new shapes than this in one drawing: painted ahead
  var BATCH = 500;

  /* One SVG path for many polygons or dots. rings: [numbers, scale, steps]: a flat
   * list of longitude, latitude pairs in 1/scale degrees, each pair the step from the
   * one before when steps is true (the bank's compact shapes); options.dot: the radius
   * of a dot at each pair instead. Rings are filled by the non-zero rule: the bank's
   * exteriors and holes wind against each other. */
  var StandIn = L.Path.extend({
    initialize: function (rings, options) {
      L.setOptions(this, options);
      this._rings = rings;
    },
    _project: function () {
      var map = this._map, o = map.getPixelOrigin(), zoom = map.getZoom();
      var mercator = map.options.crs === L.CRS.EPSG3857, size = 256 * Math.pow(2, zoom);
      var D = Math.PI / 180, MAXLAT = 85.0511287798;
      this._px = this._rings.map(function (ring) {
        var v = ring[0], scale = ring[1], steps = ring[2], out = new Array(v.length);
        var x = 0, y = 0;
        for (var i = 0; i < v.length; i += 2) {
          if (steps) { x += v[i]; y += v[i + 1]; } else { x = v[i]; y = v[i + 1]; }
          var lon = x / scale, lat = y / scale;
          if (mercator) {
            var sin = Math.sin(Math.max(Math.min(lat, MAXLAT), -MAXLAT) * D);
            out[i] = Math.round(size * (0.5 + lon / 360)) - o.x;
            out[i + 1] = Math.round(size * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI))) - o.y;
          } else {
            var pt = map.latLngToLayerPoint([lat, lon]);
            out[i] = pt.x;
            out[i + 1] = pt.y;
          }
        }
        return out;
      });
    },
    _update: function () {
      if (!this._map) return;
      var r = this.options.dot, parts = [];
      this._px.forEach(function (v) {
        if (r) {
          for (var j = 0; j < v.length; j += 2) {
            parts.push("M" + (v[j] - r) + " " + v[j + 1] + "a" + r + " " + r + " 0 1 0 " + 2 * r +
                       " 0a" + r + " " + r + " 0 1 0 " + -2 * r + " 0");
          }
          return;
        }
        var d = "M" + v[0] + " " + v[1], px = v[0], py = v[1], n = 1;
        for (var i = 2; i < v.length; i += 2) {
          if (v[i] === px && v[i + 1] === py) continue;  // under a pixel: not drawn
          px = v[i];
          py = v[i + 1];
          d += "L" + px + " " + py;
          n += 1;
        }
        if (n > 2) parts.push(d + "z");
      });
      this._renderer._setPath(this, parts.join("") || "M0 0");
    },
  });

  /* A shape as stand-in rings: the bank's compact one, or GeoJSON coordinates. */
  function standInRings(gkey, geometry, out) {
    var g = geometry || CM.bank.geoms[gkey];
    if (Array.isArray(g)) {
      g.forEach(function (rings) { rings.forEach(function (flat) { out.push([flat, CM.bank.scale, true]); }); });
      return;
    }
    var polygons = g.type === "MultiPolygon" ? g.coordinates : g.type === "Polygon" ? [g.coordinates] : [];
    polygons.forEach(function (rings) {
      rings.forEach(function (ring) {
        var flat = [];
        ring.forEach(function (c) { flat.push(c[0], c[1]); });
        out.push([flat, 1, false]);
      });
    });
  }

  /* owner.ahead: the batches painted ahead, [stand-in, items], made in turn by make. */
  function paintAhead(owner, group, batches, make) {
    owner.ahead = batches.map(function (b) {
      CM.paintedAhead = (CM.paintedAhead || 0) + b.items.length;  // shapes and dots, all told
      var stand = new StandIn(b.rings, Object.assign({}, b.options,
                                                     { interactive: false, fillRule: "nonzero" }));
      stand.on("add", function () {
        stand._path.setAttribute("data-shapes", String(b.items.length));
        L.DomUtil.addClass(stand._path, "cm-ahead");
      });
      group.addLayer(stand);
      return [stand, b.items];
    });
    var queue = owner.ahead;
    var next = function () {
      if (owner.ahead !== queue) return;  // dropped by a new drawing
      var batch = queue.shift();
      if (!batch) { owner.ahead = null; return; }
      batch[1].forEach(make);
      group.removeLayer(batch[0]);
      window.setTimeout(next, 0);
    };
    // After the paint: a timeout set in an animation frame runs once it is painted.
    window.requestAnimationFrame(function () { window.setTimeout(next, 0); });
  }

  /* Drop the stand-ins of what is not made yet (a new drawing makes what it still wants). */
  function unpaint(owner, group) {
    if (!owner.ahead) return;
    owner.ahead.forEach(function (batch) { group.removeLayer(batch[0]); });
    owner.ahead = null;
  }

  /* A claim layer's new shapes ([row key, row, shape key]) by style, in batches of
   * BATCH, each with its rings. */
  function shapeBatches(data, fresh) {
    var byStyle = {}, batches = [];
    fresh.forEach(function (item) { (byStyle[item[1][2]] = byStyle[item[1][2]] || []).push(item); });
    Object.keys(byStyle).forEach(function (k) {
      for (var i = 0; i < byStyle[k].length; i += BATCH) {
        var items = byStyle[k].slice(i, i + BATCH), rings = [];
        items.forEach(function (item) { standInRings(item[2], item[1][8], rings); });
        batches.push({ items: items, rings: rings,
                       options: Object.assign({ pane: data.pane }, data.styles[Number(k)]) });
      }
    });
    return batches;
  }

  /* New dots (place ids) in batches of BATCH, each one path of dots at the places. */
  function dotBatches(keys, style) {
    var batches = [];
    for (var i = 0; i < keys.length; i += BATCH) {
      var items = keys.slice(i, i + BATCH), flat = [];
      items.forEach(function (k) { var place = CM.bank.places[k]; flat.push(place[3], place[2]); });
      batches.push({ items: items, rings: [[flat, 1, false]],
                     options: Object.assign({ dot: style.radius }, style) });
    }
    return batches;
  }

  /* The assessment's areas: redrawn only when the assessment changes. */
  CM.assessment = function (proxy, data, info) {
    var st = layerState("assessment", "cm-assessment");
    if (st.version !== data.version && !CM._keepDay) {
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
    if (CM._keepDay) return;
    CM.asOf = data.asOf;
    document.querySelectorAll(".cm-caption-title").forEach(function (e) {
      e.textContent = data.caption;
    });
    document.querySelectorAll(".cm-caption-notes").forEach(function (e) {
      e.textContent = "";
      (data.notes || []).forEach(function (n) { e.appendChild(el("div", "cm-caption-note", n)); });
    });
    document.querySelectorAll(".cm-caption-sources").forEach(function (e) {
      e.innerHTML = data.sources; // built and escaped in Python
    });
    var labels = CM.labels || (CM.labels = new Map());
    var dots = CM.dots || (CM.dots = new Map());
    var mk = (CM.config && CM.config.marker) || { fill: "#111111", edge: "#FFFFFF", radius: 3.5 };
    unpaint(CM.dotsAhead, CM.labelGroup);  // dots painted ahead, not made yet: made below
    var seen = new Set(), wanted = CM.labelsWanted = new Map(), newDots = [];
    (data.labels || []).forEach(function (pid, rank) {
      var place = CM.bank.places[pid];
      if (!place) return;
      var k = String(pid);
      seen.add(k);
      wanted.set(k, rank);
      var m = labels.get(k);
      if (m && m._cmRank !== rank) {
        labelsChanged();
        m._cmRank = rank;   // biggest places first: they get the best spots
      }
      if (!dots.has(k)) newDots.push(k);  // every place is a dot of a few pixels at any zoom
    });
    var dotStyle = { pane: "cm-marks", radius: mk.radius, weight: 1.5, color: mk.edge, opacity: 1,
                     fillColor: mk.fill, fillOpacity: 1 };
    var makeDot = function (k) {
      var place = CM.bank.places[k];
      var dot = L.circleMarker([place[2], place[3]], Object.assign({ className: "cm-dot" }, dotStyle));
      dot._cmPid = k;
      dots.set(k, dot);
      CM.labelGroup.addLayer(dot);
    };
    if (newDots.length > CM.PAINT_AHEAD) {
      paintAhead(CM.dotsAhead, CM.labelGroup, dotBatches(newDots, dotStyle), makeDot);
    } else {
      newDots.forEach(makeDot);
    }
    labels.forEach(function (m, k) {
      if (!seen.has(k)) {
        CM.labelGroup.removeLayer(m);
        labels.delete(k);
        labelsChanged();
      }
    });
    dots.forEach(function (d, k) {
      if (!seen.has(k)) {
        CM.labelGroup.removeLayer(d);
        dots.delete(k);
        labelsChanged();
      }
    });
    CM.ensureLabels();
    CM.scheduleDeclutter();
  };

  /* A place's label is made once its place can be named at the zoom shown (at low zoom
   * only the larger places are): a whole front has thousands of places, and making
   * every label at once costs a page load a few tenths of a second. */
  CM.ensureLabels = function () {
    if (!CM.map || !CM.labelsWanted) return;
    var minPop = CM.minPopulation(CM.map.getZoom());
    CM.labelsWanted.forEach(function (rank, k) {
      var place = CM.bank.places[k];
      if (CM.labels.has(k) || !place || (place[4] || 0) < minPop) return;
      var m = L.marker([place[2], place[3]], {
        interactive: false, keyboard: false, icon: CM.textIcon(place[0], "cm-place", k),
      });
      m._cmPid = k;
      m._cmRank = rank;
      m._cmPop = place[4] || 0;
      CM.labels.set(k, m);
      CM.labelGroup.addLayer(m);
      labelsChanged();
    });
  };

  /* -- the map's own date control (live map) ------------------------------------- */
  /* Beside the caption: a slider over every day and one-day steps. A day's drawing
   * calls are in a file written ahead by the server (ui/day_files.py) beside the map's
   * script: the frame draws the day from it at once, then tells the page (through
   * streamlit-folium's selected_layers, as the layer control does), whose rerun then
   * finds the day shown and leaves it. Without a file (not written yet, or the
   * assessment on) the page's rerun draws the day. */
  var DAY_MS = 86400000, dayCache = new Map(), DAY_CACHE = 8;
  var TOKEN = Math.random().toString(36).slice(2, 10);
  function dayIndex(day) { return Math.round((Date.parse(day) - Date.parse(CM.days.first)) / DAY_MS); }
  function dayAt(i) { return new Date(Date.parse(CM.days.first) + i * DAY_MS).toISOString().slice(0, 10); }

  CM.dayFiles = function (proxy, info) {
    // A rerun that has not seen the frame's latest choice of day keeps what the frame
    // shows; so does one for the day the frame shows already, drawn the same.
    var behind = !!CM.dayUrl && info.ack !== CM.dayUrl;
    CM._keepDay = behind || (!!info.id && info.id === CM.shownId);
    CM.days = info;
    if (!CM._keepDay) { CM.shownId = info.id; CM.shownDay = info.day; CM.wantDay = null; }
    dayControl();
    if (info.prefix) prefetchAround(CM.wantDay || CM.shownDay, 1500);  // once written
  };

  function dayControl() {
    var box = CM.dayBox;
    if (!box) {
      var caption = document.querySelector(".cm-caption");
      if (!caption) return;
      box = CM.dayBox = el("div", "cm-days");
      var prev = el("button", "cm-day-step", "\u25C0");
      var next = el("button", "cm-day-step", "\u25B6");
      prev.type = next.type = "button";
      prev.title = "The day before";
      next.title = "The day after";
      prev.setAttribute("aria-label", prev.title);
      next.setAttribute("aria-label", next.title);
      var range = el("input", "cm-day-range");
      range.type = "range";
      range.min = "0";
      range.step = "1";
      range.setAttribute("aria-label", "Map date");
      range.title = "Map date: any day, the claims in force on it";
      box.appendChild(prev);
      box.appendChild(range);
      box.appendChild(next);
      caption.insertBefore(box, caption.querySelector(".cm-caption-notes"));
      range.addEventListener("input", function () { CM.goToDay(dayAt(Number(range.value))); });
      prev.addEventListener("click", function () { stepDay(-1); });
      next.addEventListener("click", function () { stepDay(1); });
      CM.dayRange = range;
    }
    var r = CM.dayRange;
    r.max = String(dayIndex(CM.days.last));
    r.value = String(dayIndex(CM.wantDay || CM.shownDay || CM.days.day));
  }

  function stepDay(k) {
    var i = Math.min(Math.max(Number(CM.dayRange.value) + k, 0), Number(CM.dayRange.max));
    CM.dayRange.value = String(i);
    CM.goToDay(dayAt(i));
  }

  function loadDay(day) {
    var key = CM.days.prefix + day;
    if (!dayCache.has(key)) {
      var url = scriptBase + encodeURIComponent(CM.days.prefix + day) + ".json";
      dayCache.set(key, fetch(url).then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; })
        .then(function (data) { if (!data) dayCache.delete(key); return data; }));
      if (dayCache.size > DAY_CACHE) dayCache.delete(dayCache.keys().next().value);
    }
    return dayCache.get(key);
  }

  /* The days either side of ``day``, into the cache, ``wait`` ms from now. */
  function prefetchAround(day, wait) {
    window.setTimeout(function () {
      if (!CM.days || !CM.days.prefix) return;
      var i = dayIndex(day);
      [i - 1, i + 1].forEach(function (j) {
        if (j >= 0 && j <= dayIndex(CM.days.last)) loadDay(dayAt(j));
      });
    }, wait);
  }

  function applyDay(data) {
    var ready = data.calls.every(function (c) {
      var key = c[0] === "placeData" ? null : c[0] === "assessment" ? "assessment" : c[1].key;
      return key === null || (CM.layers[key] && CM.layers[key].proxy);
    });
    if (!ready) return false;
    CM._keepDay = false;
    data.calls.forEach(function (c) {
      if (c[0] === "placeData") CM.placeData(null, c[1]);
      else if (c[0] === "assessment") CM.assessment(CM.layers.assessment.proxy, c[1], c[2]);
      else CM.claimLayer(CM.layers[c[1].key].proxy, c[1], c[2]);
    });
    CM.shownId = data.id;
    CM.shownDay = data.day;
    return true;
  }

  /* Tell the page the day chosen; streamlit-folium sends it with the view. */
  function reportDay(day) {
    var g = window.__GLOBAL_DATA__;
    if (!g || !g.selected_layers || !CM.map) return;
    CM.daySeq = (CM.daySeq || 0) + 1;
    CM.dayUrl = "conflictmap-date:" + TOKEN + ":" + CM.daySeq;
    g.selected_layers["conflictmap-date"] = { name: day, url: CM.dayUrl };
    CM.map.fire("overlayadd", { layer: null });  // not moveend: that redraws every path
  }

  CM.goToDay = function (day) {
    if (!CM.days || day === (CM.wantDay || CM.shownDay)) return;
    CM.wantDay = day;
    if (!CM.days.prefix) { reportDay(day); return; }
    loadDay(day).then(function (data) {
      if (CM.wantDay !== day) return;           // another day was chosen meanwhile
      if (data && data.day === day && applyDay(data)) {
        prefetchAround(day, 250);               // after the paint
      }
      reportDay(day);                 // the page follows (and draws the day if no file did)
    });
  };

  /* Fly to a place and open its popup (the place search), once per request. */
  CM.focusPlace = function (proxy, data) {
    if (!data || !CM.map || data.seq === CM._focusSeq) return;
    CM._focusSeq = data.seq;
    var k = String(data.pid);
    if (data.place && !CM.bank.places[k]) CM.bank.places[k] = data.place;
    var place = CM.bank.places[k];
    if (!place) return;
    var ll = L.latLng(place[2], place[3]);
    var open = function () {
      L.popup(Object.assign({}, POPUP, { className: "cm-popup cm-focus" }))
        .setLatLng(ll).setContent(CM.popup(k)).openOn(CM.map);
    };
    // After this run's layers are in (they come after this call), so the popup has them.
    window.setTimeout(function () {
      CM.map.closePopup();
      // The popup opens whole: with the place's claims, fetched while the map flies.
      var flown = false, fetched = CM.withClaims(k, function () {
        fetched = true;
        if (flown) open();
      });
      CM.map.once("moveend", function () {
        flown = true;
        if (fetched) open();
      });
      CM.map.flyTo(ll, data.zoom || CM.map.getZoom(), { duration: 0.6 });
    }, 0);
  };

  /* -- labels that never lie ------------------------------------------------------ */
  /* Every place is a dot. A name (and a share such as "RU 95%") sits beside its own dot,
   * in the first of eight spots around it where it overlaps no other label, covers no
   * dot, and is clearly nearer its own dot than any other: otherwise it is not drawn
   * until the reader zooms in. At low zoom only the larger places are named. Shares come
   * first (they say what is claimed), then names, the most populous places first;
   * oblast and city names of the backdrop give way to everything. Positions come from
   * the map's projection and sizes are measured once per text, so this stays cheap with
   * thousands of labels. */
  var GAP = 3;          // pixels between a dot's edge and its label
  // Another dot must be clearly farther from a label than its own: by CLEAR pixels and
  // by the factor RATIO.
  var CLEAR = 4, RATIO = 1.8;
  var SPOTS = ["right", "left", "above", "below", "above-right", "below-right",
               "above-left", "below-left"];
  var sizes = {};
  var CELL = 64;
  CM.MIN_POPULATION = [[6, 100000], [7, 50000], [8, 15000], [9, 5000]]; // [below zoom, people]

  CM.minPopulation = function (zoom) {
    for (var i = 0; i < CM.MIN_POPULATION.length; i++) {
      if (zoom < CM.MIN_POPULATION[i][0]) return CM.MIN_POPULATION[i][1];
    }
    return 0;
  };

  /* Boxes [x0, y0, x1, y1] by CELL-pixel cells. Queries stop at the first box that
   * answers: placing thousands of labels asks millions of them. */
  function Grid() { this.cells = new Map(); }
  function cellOf(x, y) { return (x + 4096) * 8192 + (y + 4096); }
  function meets(r, o) { return !(r[2] < o[0] || r[0] > o[2] || r[3] < o[1] || r[1] > o[3]); }
  Grid.prototype.some = function (r, test) {  // is there a box meeting r that passes test?
    var x0 = Math.floor(r[0] / CELL), x1 = Math.floor(r[2] / CELL);
    var y0 = Math.floor(r[1] / CELL), y1 = Math.floor(r[3] / CELL);
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var cell = this.cells.get(cellOf(x, y));
        if (!cell) continue;
        for (var i = 0; i < cell.length; i++) {
          if (meets(r, cell[i]) && (!test || test(cell[i]))) return true;
        }
      }
    }
    return false;
  };
  Grid.prototype.hits = function (r) { return this.some(r, null); };
  Grid.prototype.add = function (r) {
    var x1 = Math.floor(r[2] / CELL), y1 = Math.floor(r[3] / CELL);
    for (var x = Math.floor(r[0] / CELL); x <= x1; x++) {
      for (var y = Math.floor(r[1] / CELL); y <= y1; y++) {
        var k = cellOf(x, y), cell = this.cells.get(k);
        if (cell) cell.push(r); else this.cells.set(k, [r]);
      }
    }
  };

  function rectDist(p, r) {   // from a point to a box
    var dx = Math.max(r[0] - p.x, 0, p.x - r[2]);
    var dy = Math.max(r[1] - p.y, 0, p.y - r[3]);
    return Math.sqrt(dx * dx + dy * dy);
  }
  CM.rectDist = rectDist;

  function spotRect(p, w, h, spot, rad) {
    var g = rad + GAP, d = (rad + GAP) * 0.7;
    switch (spot) {
      case "right": return [p.x + g, p.y - h / 2, p.x + g + w, p.y + h / 2];
      case "left": return [p.x - g - w, p.y - h / 2, p.x - g, p.y + h / 2];
      case "above": return [p.x - w / 2, p.y - g - h, p.x + w / 2, p.y - g];
      case "below": return [p.x - w / 2, p.y + g, p.x + w / 2, p.y + g + h];
      case "above-right": return [p.x + d, p.y - d - h, p.x + d + w, p.y - d];
      case "below-right": return [p.x + d, p.y + d, p.x + d + w, p.y + d + h];
      case "above-left": return [p.x - d - w, p.y - d - h, p.x - d, p.y - d];
      default: return [p.x - d - w, p.y + d, p.x - d, p.y + d + h];
    }
  }
  function centred(p, w, h) { return [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2]; }

  /* What the placing depends on: the view, which labels, dots and groups are on the map,
   * and where the controls are. A change of date that leaves all of that as it was
   * (most days, on a big ledger) places nothing again. */
  function declutterState(map) {
    var origin = map.getContainer().getBoundingClientRect();
    var controls = [];
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var b = c.getBoundingClientRect();
      if (b.width && b.height) {
        controls.push([b.left - origin.left, b.top - origin.top, b.right - origin.left, b.bottom - origin.top]);
      }
    });
    var shown = Object.keys(CM.layers).filter(function (k) { return map.hasLayer(CM.layers[k].group); });
    var fresh = false;  // an icon (re)made since the last placing
    var look = function (m) { if (m._icon && m._icon._cmAt === undefined) fresh = true; };
    if (CM.labels) CM.labels.forEach(look);
    shown.forEach(function (k) { if (CM.layers[k].marks) CM.layers[k].marks.forEach(look); });
    var o = map.getPixelOrigin(), size = map.getSize();
    return {
      controls: controls,
      fresh: fresh,
      // The controls by a 32-pixel grid: a caption a few pixels wider on another date
      // (its text) leaves the labels where they are.
      key: JSON.stringify([map.getZoom(), o.x, o.y, size.x, size.y, map.containerPointToLayerPoint([0, 0]),
                           CM.labelsVersion || 0, shown, controls.map(function (r) {
                             return r.map(function (v) { return Math.round(v / 32); });
                           })]),
    };
  }

  CM.declutter = function () {
    var map = CM.map;
    if (!map) return;
    var state = declutterState(map);
    if (!state.fresh && state.key === CM._declutterKey) {
      CM.declutterSkips = (CM.declutterSkips || 0) + 1;
      return;
    }
    var view = map.getSize(), zoom = map.getZoom();
    var rad = ((CM.config && CM.config.marker) || {}).radius || 3.5;
    var minPop = CM.minPopulation(zoom);
    var inView = function (p) {
      return !(p.x < -150 || p.y < -60 || p.x > view.x + 150 || p.y > view.y + 60);
    };
    // The dots on the map, by place.
    var dotGrid = new Grid(), dotAt = {};
    (CM.labelsWanted || new Map()).forEach(function (rank, k) {  // made or painted ahead
      var place = CM.bank.places[k];
      var p = map.latLngToContainerPoint([place[2], place[3]]);
      if (!inView(p)) return;
      var box = [p.x - rad, p.y - rad, p.x + rad, p.y + rad];
      box.pid = k;
      box.p = p;
      dotGrid.add(box);
      dotAt[k] = p;
    });
    // Read: sizes (measured once per text) and positions (projection, no layout).
    var items = [];   // [icon, kind, point, size, pid]
    function take(m, kind, pid) {
      var icon = m._icon;
      if (!icon || !icon.firstChild) return;
      if (kind === "small") { items.push([icon, kind]); return; }  // not named at this zoom
      var size = icon._cmSize;  // an icon's text never changes
      if (!size) {
        var key = icon.className.replace(/ ?cm-hidden/, "") + "|" + icon.firstChild.textContent;
        if (!sizes[key]) sizes[key] = [icon.firstChild.offsetWidth, icon.firstChild.offsetHeight];
        size = icon._cmSize = sizes[key];
      }
      var p = pid && dotAt[pid] ? dotAt[pid] : map.latLngToContainerPoint(m.getLatLng());
      // Only a place on screen is named: a name never stands for a place out of sight.
      var shown = p.x >= 0 && p.y >= 0 && p.x <= view.x && p.y <= view.y;
      items.push([icon, kind, p, size, pid, kind === "reference" ? inView(p) : shown]);
    }
    Object.keys(CM.layers).forEach(function (k) {
      var st = CM.layers[k];
      if (st.marks && map.hasLayer(st.group)) {
        st.marks.forEach(function (m, mk) { take(m, "share", mk.split("|")[0]); });
      }
    });
    if (CM.labels) {
      if (!CM._labelOrder || CM._labelOrderFor !== CM.labelsVersion) {  // most populous first
        CM._labelOrder = Array.from(CM.labels.values())
          .sort(function (a, b) { return (b._cmPop - a._cmPop) || (a._cmRank - b._cmRank); });
        CM._labelOrderFor = CM.labelsVersion;
      }
      CM._labelOrder.forEach(function (m) { take(m, m._cmPop >= minPop ? "place" : "small", m._cmPid); });
    }
    (CM.outlineLabels || []).forEach(function (m) { take(m, "reference", null); });
    // Decide, then write once. No label goes under the caption, legend or controls.
    var grid = new Grid(), writes = [];
    state.controls.forEach(function (r) { grid.add(r); });
    function fits(x, r) {
      if (x[1] !== "reference" && (r[0] < 0 || r[1] < 0 || r[2] > view.x || r[3] > view.y)) {
        return false; // a name is read whole or not at all
      }
      if (grid.hits(r)) return false;
      var own = x[4] && dotAt[x[4]] ? rectDist(dotAt[x[4]], r) : -Infinity;
      var needed = own === -Infinity ? rad + 1 : Math.max(own + CLEAR, own * RATIO);
      var reach = needed + rad;
      var probe = [r[0] - reach, r[1] - reach, r[2] + reach, r[3] + reach];
      return !dotGrid.some(probe, function (o) {  // another dot too near the label
        if (o.pid === x[4]) return false;
        var d = rectDist(o.p, r);
        return d <= rad + 1 || d <= needed;
      });
    }
    items.forEach(function (x) {
      if (x[1] !== "share" && x[1] !== "place") return;
      var chosen = null, rect = null;
      if (x[5] && x[4] && dotAt[x[4]]) {
        for (var i = 0; i < SPOTS.length && chosen === null; i++) {
          var r = spotRect(x[2], x[3][0], x[3][1], SPOTS[i], rad);
          if (fits(x, r)) { chosen = SPOTS[i]; rect = r; grid.add(r); }
        }
      }
      writes.push([x[0], chosen === null ? null : [rect[0] - x[2].x, rect[1] - x[2].y]]);
    });
    items.forEach(function (x) {
      if (x[1] === "small") writes.push([x[0], null]);
      if (x[1] !== "reference") return;
      var r = centred(x[2], x[3][0], x[3][1]);
      var free = x[5] && fits(x, r);
      if (free) grid.add(r);
      writes.push([x[0], free ? "centre" : null]);
    });
    // Only what changed is written: a label rewritten as it was is still repainted, and
    // thousands of them would have the whole map rasterised again on every change.
    writes.forEach(function (w) {
      var icon = w[0], at = w[1];
      var spot = at === null ? "" : at === "centre" ? "c" : at[0] + "," + at[1];
      if (icon._cmAt === spot) return;
      icon._cmAt = spot;
      if (at && at !== "centre") icon.firstChild.style.transform = "translate(" + at[0] + "px, " + at[1] + "px)";
      icon.classList.toggle("cm-hidden", at === null);
    });
    CM.declutterRuns = (CM.declutterRuns || 0) + 1;
    CM._declutterKey = state.key;  // placing writes nothing the key is made of
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
      collapsed: CM.small(map), autoZIndex: false, sortLayers: true,
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
    // Leaflet lays the control out again (a forced layout of the whole map, thousands of
    // shapes) on every addOverlay: add them folded, lay out once when all are in.
    var folded = CM.control.options.collapsed;
    CM.control.options.collapsed = true;
    CM.control.addOverlay(proxy, title);
    CM.control.options.collapsed = folded;
    if (!folded && !CM._expandPending) {
      CM._expandPending = true;
      window.requestAnimationFrame(function () {
        CM._expandPending = false;
        CM.control.expand();
      });
    }
    if (!info.show) {
      // streamlit-folium adds every group after its scripts ran: remove it after that.
      Promise.resolve().then(function () {
        if (CM.map.hasLayer(proxy)) CM.map.removeLayer(proxy);
      });
    }
  };

  // What the groups' scripts call: after the bank, when it is on its way (CM.loadBank).
  ["dayFiles", "placeData", "assessment", "claimLayer", "focusPlace"].forEach(function (k) {
    CM[k] = afterBank(CM[k]);
  });
})();
