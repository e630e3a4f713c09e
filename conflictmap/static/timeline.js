/* The date slider of a self-contained HTML snapshot (conflictmap/html_export.py).
 *
 * The page holds the map of every claim date: one function per date, made in Python
 * from the live map's own per-date elements (shapes, popups, labels, caption,
 * sources, all escaped there). Moving the slider empties the map's layer groups and
 * runs that date's function to refill them, so the layer control, the styles and the
 * popups stay the same. The slider's own text goes in with textContent only.
 */
(function () {
  "use strict";
  var CM = (window.conflictmap = window.conflictmap || {});

  CM.timeline = function (map, groups, tl) {
    var state = { index: tl.start, dates: tl.dates, snapshotDate: tl.snapshot_date };
    CM.timelineState = state;

    var control = L.control({ position: "bottomright" });
    var input, dateLabel, countLabel, container;

    function render(i) {
      Object.keys(groups.layers).forEach(function (key) { groups.layers[key].clearLayers(); });
      groups.data.clearLayers();
      tl.frames[i]();
    }

    function show(i, redraw) {
      i = Math.max(0, Math.min(tl.frames.length - 1, i));
      if (redraw !== false) {
        map.closePopup();
        render(i);
      }
      state.index = i;
      input.value = String(i);
      var date = tl.dates[i];
      dateLabel.textContent = date + (date === tl.snapshot_date ? " (snapshot date)" : "");
      countLabel.textContent = (i + 1) + " of " + tl.dates.length + " dates" +
        (tl.claim_dates > tl.dates.length
          ? " (the " + tl.dates.length + " nearest this snapshot's of the ledger's " + tl.claim_dates +
            " claim dates: a file of every date would be too big)"
          : "");
      container.setAttribute("data-date", date);
    }
    CM.showDate = function (date) {
      var i = tl.dates.indexOf(date);
      if (i >= 0) show(i);
      return i;
    };

    control.onAdd = function () {
      container = L.DomUtil.create("div", "cm-timeline leaflet-control");
      var title = L.DomUtil.create("div", "cm-timeline-title", container);
      title.textContent = "Timeline: claims as of";
      dateLabel = L.DomUtil.create("div", "cm-timeline-date", container);
      var row = L.DomUtil.create("div", "cm-timeline-row", container);
      var prev = L.DomUtil.create("button", "cm-timeline-prev", row);
      prev.type = "button";
      prev.textContent = "\u25C0";
      prev.title = "previous date";
      input = L.DomUtil.create("input", "cm-timeline-slider", row);
      input.type = "range";
      input.min = "0";
      input.max = String(tl.dates.length - 1);
      input.step = "1";
      input.setAttribute("aria-label", "date of the map");
      var next = L.DomUtil.create("button", "cm-timeline-next", row);
      next.type = "button";
      next.textContent = "\u25B6";
      next.title = "next date";
      countLabel = L.DomUtil.create("div", "cm-timeline-count", container);
      var back = L.DomUtil.create("button", "cm-timeline-back", container);
      back.type = "button";
      back.textContent = "back to " + tl.snapshot_date;
      L.DomEvent.disableClickPropagation(container);
      L.DomEvent.disableScrollPropagation(container);
      L.DomEvent.on(input, "input change", function () { show(parseInt(input.value, 10)); });
      L.DomEvent.on(prev, "click", function () { show(state.index - 1); });
      L.DomEvent.on(next, "click", function () { show(state.index + 1); });
      L.DomEvent.on(back, "click", function () { show(tl.start); });
      return container;
    };
    control.addTo(map);
    show(tl.start, false); // the map already shows the snapshot date
  };
})();
