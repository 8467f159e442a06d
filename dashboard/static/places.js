/*
 * The places of a time window as Leaflet layers (see dashboard/view/mapdata.py).
 *
 * Text is data: names and headlines are only ever set as textContent. The one HTML string used is
 * `place.tip`, the tooltip, escaped by dashboard/view/markup.py (streamlit-folium reads a clicked layer's
 * tooltip back as HTML to tell the app which place was clicked).
 */
(function () {
  "use strict";

  // Leaflet's default marker images are served beside leaflet.js, by our own server.
  var here = document.currentScript && document.currentScript.src;
  if (here) {
    L.Icon.Default.imagePath = new URL("vendor/leaflet/images/", here).href;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // What no window changes, once per data set: each entry's popup line (time, headline, source) by row
  // of its entries, and each place's own fields (where, name, area, how sure) by its code. The page is
  // sent it once (dashboard/ui/map.py `page_kept_html`, an element in the Streamlit page around this
  // map's frame); each window's layer names it by key. Read once per key and kept: the latest few only.
  var kept = {}, keptOrder = [];

  function pageKept(key) {
    if (kept[key]) return kept[key];
    var pages = [document];
    try {
      if (window.parent && window.parent !== window) pages.push(window.parent.document);
    } catch (e) { /* a page of another origin around the map: only this one */ }
    for (var i = 0; i < pages.length; i++) {
      var node = pages[i].getElementById("lbm-kept-" + key);
      if (!node) continue;
      var text = node.textContent.trim();
      kept[key] = JSON.parse(text.slice(2, text.length - 2));  // the JSON between /* and */
      keptOrder.push(key);
      if (keptOrder.length > 3) delete kept[keptOrder.shift()];
      return kept[key];
    }
    throw new Error("the page holds no data set " + key);
  }

  // The line of entry `row`: from the layer itself when it carries its lines (a data set too big for
  // the page to keep), else from the page's.
  function entryLine(data, row) {
    var lines = data.entries || pageKept(data.kept).lines;
    return lines[row];
  }

  // A window's places with their own fields, from the page when the layer names them by code.
  function withOwnFields(data) {
    if (!data.kept) return data.places;
    var own = pageKept(data.kept).places;
    return data.places.map(function (place) {
      return place.code === undefined ? place : Object.assign({}, own[place.code], place);
    });
  }

  function popupContent(place, data) {
    var root = el("div", "lbm-popup");
    root.appendChild(el("div", "lbm-popup-title", place.name));
    if (place.area) {
      root.appendChild(el("div", "lbm-popup-note", "A wide area, not a point: drawn as a faint circle."));
    }
    if (place.sure) {
      // How sure: the confidence in words and number, and how precisely the place pins the event.
      root.appendChild(el("div", "lbm-popup-sure" + (place.doubt ? " lbm-popup-doubt" : ""),
        "Confidence: " + place.sure + " · precision: " + place.prec));
    }
    if (place.later) {
      // On the "happened" clock: the window shows the event before the entry that told of it.
      root.appendChild(el("div", "lbm-popup-later", place.later));
    }
    root.appendChild(el("div", "lbm-popup-count", plural(place.n, "entry", "entries") + " in this window"));
    var list = el("ul", "lbm-popup-entries");
    var fresh = data.fresh || [];
    place.entries.forEach(function (row) {
      var entry = entryLine(data, row);
      var item = el("li", "lbm-popup-entry");
      // Arrived since the reader last looked (a followed page grew).
      if (fresh.indexOf(row) >= 0) item.appendChild(el("span", "lbm-popup-new", "new"));
      item.appendChild(el("span", "lbm-popup-time", entry[0]));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "lbm-popup-headline", entry[1] || "(no headline)"));
      if (data.multi && entry[2]) {
        item.appendChild(el("span", "lbm-popup-source", entry[2]));
      }
      list.appendChild(item);
    });
    root.appendChild(list);
    if (place.more) {
      root.appendChild(el("div", "lbm-popup-more", "and " + plural(place.more, "older entry", "older entries") +
        ": see the panel"));
    }
    return root;
  }

  function cellContent(cell) {
    var root = el("div", "lbm-popup");
    root.appendChild(el("div", "lbm-popup-title", plural(cell.places, "place", "places") + " around here"));
    root.appendChild(el("div", "lbm-popup-count", "named " + plural(cell.n, "time", "times") +
      " in this window; the most named:"));
    var list = el("ul", "lbm-popup-entries");
    cell.top.forEach(function (pair) {
      var item = el("li", "lbm-popup-entry");
      item.appendChild(el("span", "lbm-popup-headline", pair[0]));
      item.appendChild(document.createTextNode(" (" + pair[1] + ")"));
      list.appendChild(item);
    });
    root.appendChild(list);
    if (cell.more > 0) {
      root.appendChild(el("div", "lbm-popup-more", "and " + plural(cell.more, "other", "others") +
        ": narrow the window or filter to draw them one by one"));
    }
    return root;
  }

  // Less named places summed up by grid cell (view.mapdata.for_drawing): a grey tile with their number.
  function cellLayer(cells) {
    var layer = L.featureGroup();
    (cells || []).forEach(function (cell) {
      var label = cell.places > 999 ? Math.round(cell.places / 100) / 10 + "k" : String(cell.places);
      var tile = el("span", "lbm-cell-tile", label);
      var marker = L.marker([cell.lat, cell.lon], {
        icon: L.divIcon({className: "lbm-cell", html: tile, iconSize: [26, 16]}),
        zIndexOffset: -1000,  // under the places drawn one by one
        keyboard: true
      });
      // Plain text; a click reports it, and it names no place, so the panel's choice stays.
      marker.bindTooltip(plural(cell.places, "place", "places") + " summed up here", {direction: "top"});
      marker.bindPopup(function () { return cellContent(cell); }, {maxWidth: 300, minWidth: 180});
      layer.addLayer(marker);
    });
    return layer;
  }

  var clicks = 0;

  // Enter or Space on a focused marker or area acts as a click: it selects the place. Leaflet's own
  // Enter (on keypress) fires a click that never reaches streamlit-folium in Chromium; cancelling the
  // keydown here also cancels that keypress, so a key makes exactly one click.
  function activateByKeyboard(node, layer, place) {
    node.addEventListener("keydown", function (event) {
      if (event.key !== " " && event.key !== "Spacebar" && event.key !== "Enter") return;
      event.preventDefault();
      layer.fire("click", {latlng: L.latLng(place.lat, place.lon), originalEvent: event});
    });
  }

  // Names beside the markers (most named first) and on the areas, through the map's one label placer.
  function placeLabels(data) {
    var items = data.places.slice().sort(function (a, b) { return b.n - a.n; }).map(function (place) {
      return {text: place.name, lat: place.lat, lon: place.lon, kind: place.area ? "area" : "place",
        minZoom: place.area ? data.areaLabelZoom : data.labelZoom, offset: place.r + 3};
    });
    return items;
  }

  // streamlit-folium tells the app of a click by the layer's tooltip and the event's position. The
  // same marker clicked again would send the same value, which Streamlit does not pass on, so a
  // click picked in the panel meanwhile could not be undone from the map: each click gets a stamp.
  // The place's own position replaces the pointer's (the app uses it to tell same-named places apart).
  function stampClick(event, place) {
    event.latlng = L.latLng(place.lat, place.lon);
    event.latlng.click = Date.now() + "-" + (++clicks);
  }

  function clusterIcon(cluster) {
    // A tooltip on the cluster too: a click on it then reports this text, which names no place,
    // instead of leaving the last clicked place's tooltip standing.
    var text = cluster.getChildCount() + " places here: click to zoom in";
    if (cluster.getTooltip()) {
      cluster.setTooltipContent(text);
    } else {
      cluster.bindTooltip(text, {direction: "top"});
    }
    return L.MarkerClusterGroup.prototype._defaultIconCreateFunction(cluster);
  }

  function pathContent(path) {
    var root = el("div", "lbm-popup");
    root.appendChild(el("div", "lbm-popup-title", path.name));
    var item = el("div", "lbm-popup-entry");
    item.appendChild(el("span", "lbm-popup-time", path.time));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("span", "lbm-popup-headline", path.headline || "(no headline)"));
    root.appendChild(item);
    if (path.words) root.appendChild(el("div", "lbm-popup-note", "\u201c" + path.words + "\u201d"));
    return root;
  }

  // Movements told by the entries (view/paths.py): a line from one place to the other with an
  // arrowhead halfway, pointing the way. Web Mercator keeps angles, so the head's angle, measured once
  // in projected pixels, holds at every zoom.
  function pathLayer(paths) {
    var layer = L.featureGroup();
    (paths || []).forEach(function (path) {
      var line = L.polyline([path.from, path.to], {color: "#37474f", weight: 2.5, opacity: 0.8,
        className: "lbm-path"});
      line.bindTooltip(path.tip, {sticky: true});
      line.bindPopup(function () { return pathContent(path); }, {maxWidth: 320, minWidth: 180});
      line.on("add", function () {  // named for screen readers, as the area circles are
        line.getElement().setAttribute("aria-label", "Movement: " + path.name);
      });
      layer.addLayer(line);
      var head = el("span", "lbm-arrowhead");
      var marker = L.marker([(path.from[0] + path.to[0]) / 2, (path.from[1] + path.to[1]) / 2], {
        icon: L.divIcon({className: "lbm-arrow", html: head, iconSize: [14, 14]}),
        interactive: false, keyboard: false
      });
      marker.on("add", function () {
        var map = marker._map;
        var a = map.project(path.from, 0), b = map.project(path.to, 0);
        head.style.transform = "rotate(" + (Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI) + "deg)";
      });
      layer.addLayer(marker);
    });
    return layer;
  }

  function placeLayer(data) {
    // streamlit-folium lists every places layer it has added in window.feature_group and never lets
    // go of one: each step's layer, with its markers and popups, stayed in memory (megabytes a step,
    // gigabytes over a long playback). The layers it has taken off the map by now are dropped here;
    // `serial` still counts every layer made, for anyone waiting for the next one.
    if (window.feature_group) {
      window.feature_group = window.feature_group.filter(function (shown) { return shown._map; });
    }
    window.liveblogMap.serial += 1;
    data.places = withOwnFields(data);
    var group = L.featureGroup();
    pathLayer(data.paths).addTo(group);  // under the places
    var areas = L.featureGroup().addTo(group);
    var points = L.markerClusterGroup({
      maxClusterRadius: 24,
      disableClusteringAtZoom: 11,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon
    }).addTo(group);
    cellLayer(data.cells).addTo(group);
    var selected = null;

    function select(node) {
      if (selected) selected.classList.remove("lbm-selected");
      selected = node;
      if (node) node.classList.add("lbm-selected");
    }

    data.places.forEach(function (place) {
      var layer;
      if (place.area) {
        layer = L.circle([place.lat, place.lon], {
          radius: place.area, color: place.stroke, weight: place.doubt ? 2 : 1,
          dashArray: place.doubt ? "2 6" : "5 5", opacity: 0.6,
          fillColor: place.stroke, fillOpacity: 0.06, className: "lbm-area" + (place.new ? " lbm-new" : "")
        });
        layer.on("click", function (event) {
          stampClick(event, place);
          layer.setStyle({weight: 2.5, opacity: 0.9});
          window.setTimeout(function () { layer.setStyle({weight: 1, opacity: 0.6}); }, 1500);
        });
        layer.on("add", function () {
          var path = layer.getElement();
          if (!path || path.getAttribute("tabindex")) return;
          path.setAttribute("tabindex", "0");
          path.setAttribute("role", "button");
          path.setAttribute("aria-label", place.name + ": an area named in " + plural(place.n, "entry", "entries") +
            (place.new ? ", new ones among them" : ""));
          activateByKeyboard(path, layer, place);
        });
        areas.addLayer(layer);
      } else {
        var size = 2 * place.r;
        var dot = el("span", "lbm-dot" + (place.doubt ? " lbm-doubt" : "") + (place.reviewed ? " lbm-reviewed" : "") +
          (place.new ? " lbm-new" : "") + (place.later ? " lbm-later" : ""));
        dot.style.backgroundColor = place.fill;
        dot.style.borderColor = place.stroke;
        dot.appendChild(el("span", "lbm-hidden", place.name));
        layer = L.marker([place.lat, place.lon], {
          icon: L.divIcon({className: "lbm-place", html: dot, iconSize: [size, size]}),
          riseOnHover: true,
          keyboard: true
        });
        layer.on("click", function (event) {
          stampClick(event, place);
          select(dot);
        });
        layer.on("add", function () {
          var icon = layer.getElement();
          if (icon && !icon._lbmKeys) { icon._lbmKeys = true; activateByKeyboard(icon, layer, place); }
        });
        points.addLayer(layer);
      }
      // An area's tooltip follows the pointer: its centre may be far off screen.
      layer.bindTooltip(place.tip, place.area ? {sticky: true} : {direction: "top", offset: [0, -place.r]});
      layer.bindPopup(function () { return popupContent(place, data); }, {maxWidth: 340, minWidth: 200});
    });
    // What the layer shows, label -> entries, for anyone inspecting the map (the browser tests do).
    group.placeCounts = {};
    group.placeDoubts = {};
    group.placeNew = {};
    group.pathNames = (data.paths || []).map(function (path) { return path.name; });
    group.placeLater = {};
    data.places.forEach(function (place) { group.placeLater[place.label] = place.later || ""; });
    data.places.forEach(function (place) {
      group.placeCounts[place.label] = place.n;
      group.placeDoubts[place.label] = !!place.doubt;
      group.placeNew[place.label] = !!place.new;
    });
    var labels = placeLabels(data);
    var placer = null;
    group.on("add", function () {
      placer = window.liveblogBasemap.labels(group._map);
      placer.set("places", 0, labels, group);
      window.liveblogBasemap.placesShown(group._map);
    });
    group.on("remove", function () {
      // A newer places layer may have set its labels already: only the layer that set them clears them.
      if (placer) placer.unset("places", group);
    });
    window.liveblogMap.current = group;
    return group;
  }

  window.liveblogMap = {placeLayer: placeLayer, popupContent: popupContent, cellContent: cellContent,
    current: null, serial: 0};
})();
