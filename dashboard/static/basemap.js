/*
 * The map's base layers (see dashboard/ui/map.py, `BaseLayers`): tile layers from providers or the
 * operator's own server, and an offline basemap drawn from GeoJSON files that our own server serves
 * (static/basemap/, built by tools/build_basemap.py from Natural Earth data). A layer control switches
 * between them; when no tile has loaded a few seconds after a tile layer was shown, the map switches to
 * the offline basemap and says so in one line.
 *
 * Also the map's labels: one placer for every name on the map (places first, then the basemap's
 * countries, seas and cities), so that names never pile up on each other.
 *
 * Text is data: names are only ever set as textContent.
 */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ------------------------------------------------------------------------------------------------
  // Labels: candidates from several sources, placed most important first, each only where it does not
  // overlap one already placed.
  // ------------------------------------------------------------------------------------------------

  var CHAR_PX = {place: 7.2, area: 6.8, country: 7.4, sea: 6.6, city: 6.4};  // rough glyph widths, by style
  var LINE_PX = {place: 15, area: 14, country: 15, sea: 14, city: 13};

  function Labels(map) {
    this.map = map;
    this.sources = {};  // name -> {priority, items: [{text, lat, lon, kind, minZoom, rank}]}
    this.layer = L.layerGroup();
    if (!map.getPane("lbmLabels")) {
      var pane = map.createPane("lbmLabels");
      pane.style.zIndex = 550;  // above shapes and the areas, below markers, tooltips and popups
      pane.style.pointerEvents = "none";
    }
    this.layer.addTo(map);
    var self = this;
    map.on("zoomend moveend resize", function () { self.draw(); });
  }

  Labels.prototype.set = function (name, priority, items, owner) {
    if (items && items.length) {
      this.sources[name] = {priority: priority, items: items, owner: owner};
    } else {
      delete this.sources[name];
    }
    this.draw();
  };

  Labels.prototype.unset = function (name, owner) {
    if (this.sources[name] && this.sources[name].owner === owner) this.set(name, 0, null);
  };

  Labels.prototype.draw = function () {
    var map = this.map;
    this.layer.clearLayers();
    if (!map._loaded) return;
    var zoom = map.getZoom();
    var size = map.getSize();
    var taken = [];
    var sources = Object.keys(this.sources).map(function (k) { return this.sources[k]; }, this);
    sources.sort(function (a, b) { return a.priority - b.priority; });
    var placed = 0;
    sources.forEach(function (source) {
      source.items.forEach(function (item) {
        if (placed >= 250 || zoom < item.minZoom) return;
        var point = map.latLngToContainerPoint([item.lat, item.lon]);
        var width = item.text.length * (CHAR_PX[item.kind] || 7) + 8;
        var height = LINE_PX[item.kind] || 14;
        var box;
        if (item.kind === "city" || item.kind === "place") {
          var dx = item.kind === "place" ? (item.offset || 6) : 4;
          box = [point.x + dx - 2, point.y - height / 2, point.x + dx + width, point.y + height / 2];
        } else {
          box = [point.x - width / 2, point.y - height / 2, point.x + width / 2, point.y + height / 2];
        }
        if (box[2] < 0 || box[0] > size.x || box[3] < 0 || box[1] > size.y) return;
        for (var i = 0; i < taken.length; i++) {
          var t = taken[i];
          if (box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]) return;
        }
        taken.push(box);
        placed++;
        this.layer.addLayer(labelMarker(item));
      }, this);
    }, this);
  };

  function labelMarker(item) {
    var node = el("span", "lbm-label lbm-label-" + item.kind + (item.rank === 1 ? " lbm-label-capital" : ""));
    if (item.kind === "city") node.appendChild(el("i", "lbm-label-dot"));
    node.appendChild(el("span", "lbm-label-text", item.text));
    if (item.kind === "place") node.style.left = (item.offset || 6) + "px";
    return L.marker([item.lat, item.lon], {
      icon: L.divIcon({className: "lbm-label-icon", html: node, iconSize: null}),
      pane: "lbmLabels", interactive: false, keyboard: false
    });
  }

  function labelsFor(map) {
    if (!map._lbmLabels) map._lbmLabels = new Labels(map);
    return map._lbmLabels;
  }

  // ------------------------------------------------------------------------------------------------
  // The offline basemap.
  // ------------------------------------------------------------------------------------------------

  var cache = {};

  // The places are what a reader opened the map for: the basemap's land, borders and names (a few
  // hundred milliseconds of drawing) wait until the places have been painted, or PLACES_WAIT_MS when
  // none come (an empty store), so that they never hold up the first markers.
  var PLACES_WAIT_MS = 1500;

  function placesShown(map) {
    map._lbmPlacesShown = true;
    map.fire("lbmplacesshown");
  }

  function afterPlaces(map, draw) {
    var done = false;
    function once() {
      if (done) return;
      done = true;
      map.off("lbmplacesshown", once);
      // After the next paint: a task queued from an animation frame runs once that frame is on screen.
      window.requestAnimationFrame(function () { window.setTimeout(draw, 0); });
    }
    if (map._lbmPlacesShown) { once(); return; }
    map.on("lbmplacesshown", once);
    window.setTimeout(once, PLACES_WAIT_MS);
  }

  function fetchJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    }
    return cache[url];
  }

  function countryMinZoom(area) {  // square degrees -> the zoom from which the name is offered
    return area >= 40 ? 2 : area >= 2 ? 3 : area >= 0.3 ? 4 : 5;
  }

  var CITY_MIN_ZOOM = {1: 5, 2: 5, 3: 6, 4: 7};
  var REGION_MIN_ZOOM = 5;

  var Offline = L.LayerGroup.extend({
    initialize: function (options) {
      L.LayerGroup.prototype.initialize.call(this, []);
      this.options = options;
      this._renderer = L.canvas({padding: 0.5});
    },

    getAttribution: function () { return this.options.attribution; },

    onAdd: function (map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      map.getContainer().classList.add("lbm-offline");
      var self = this;
      this._zoomWatch = function () { self._regionsForZoom(); };
      map.on("zoomend", this._zoomWatch);
      fetchJson(this.options.world).then(function (world) {
        afterPlaces(map, function () { if (self._map === map) self._drawWorld(world); });
      }).catch(function (error) { console.warn("offline basemap:", error); });
      this._regionsForZoom();
    },

    onRemove: function (map) {
      map.off("zoomend", this._zoomWatch);
      map.getContainer().classList.remove("lbm-offline");
      labelsFor(map).set("basemap", 10, null);
      L.LayerGroup.prototype.onRemove.call(this, map);
      this.clearLayers();
      this._regions = null;
    },

    _drawWorld: function (world) {
      var renderer = this._renderer;
      var kinds = {land: [], border: []};
      var labels = [];
      world.features.forEach(function (f) {
        var p = f.properties;
        if (p.kind === "land" || p.kind === "border") {
          kinds[p.kind].push(f);
        } else if (p.kind === "country") {
          labels.push({text: p.name, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
            kind: "country", minZoom: countryMinZoom(p.area), weight: p.area});
        } else if (p.kind === "sea") {
          labels.push({text: p.name, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
            kind: "sea", minZoom: p.ocean ? 2 : 4, weight: p.ocean ? 1000 : 1});
        } else if (p.kind === "city") {
          labels.push({text: p.name, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
            kind: "city", minZoom: CITY_MIN_ZOOM[p.rank] || 7, rank: p.rank, weight: -p.rank});
        }
      });
      // Countries by size, then seas, then cities by rank: the file's order within each.
      var order = {country: 0, sea: 1, city: 2};
      labels.sort(function (a, b) { return order[a.kind] - order[b.kind] || b.weight - a.weight; });
      this.addLayer(L.geoJSON(kinds.land, {
        renderer: renderer, interactive: false,
        style: {color: "#8aa4bd", weight: 0.8, fillColor: "#f3f0e8", fillOpacity: 1}
      }));
      this.addLayer(L.geoJSON(kinds.border, {
        renderer: renderer, interactive: false,
        style: {color: "#9a8c98", weight: 1, opacity: 0.9}
      }));
      this._labels = labels;
      labelsFor(this._map).set("basemap", 10, labels);
      this._regionsForZoom();
    },

    _regionsForZoom: function () {
      var map = this._map;
      if (!map || !this._labels || map.getZoom() < REGION_MIN_ZOOM || this._regions) return;
      var self = this;
      this._regions = fetchJson(this.options.regions).then(function (regions) {
        if (self._map !== map) return;
        self._regionLayer = L.geoJSON(regions, {
          renderer: self._renderer, interactive: false,
          style: {color: "#b7aab5", weight: 0.7, dashArray: "3 3", opacity: 0.9}
        });
        self._showRegions();
        map.on("zoomend", function () { self._showRegions(); });
      }).catch(function (error) { console.warn("offline basemap regions:", error); });
    },

    _showRegions: function () {
      if (!this._map || !this._regionLayer) return;
      var wanted = this._map.getZoom() >= REGION_MIN_ZOOM;
      if (wanted && !this.hasLayer(this._regionLayer)) this.addLayer(this._regionLayer);
      if (!wanted && this.hasLayer(this._regionLayer)) this.removeLayer(this._regionLayer);
    }
  });

  // ------------------------------------------------------------------------------------------------
  // The base layers, the control and the fall-back to the offline basemap.
  // ------------------------------------------------------------------------------------------------

  function notice(map, text) {
    var box = map._lbmNotice;
    if (!box) {
      var Notice = L.Control.extend({
        onAdd: function () { return el("div", "lbm-notice"); }
      });
      box = map._lbmNotice = new Notice({position: "bottomleft"});
      box.addTo(map);
    }
    box.getContainer().textContent = text;
    box.getContainer().setAttribute("role", "status");
  }

  // On a touch screen one finger scrolls the page and two move and zoom the map (Leaflet's pinch also
  // pans): a map as wide as a phone would otherwise catch every swipe and trap the page's scroll.
  // Without one-finger dragging the container's touch-action is "pan-x pan-y" (leaflet.css), so the
  // browser scrolls. A one-finger touch says how to move the map, for a moment.
  var TWO_FINGERS = "Use two fingers to move the map.";

  function touchFriendly(map) {
    if (!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches)) return;
    map.dragging.disable();
    var container = map.getContainer();
    container.classList.add("lbm-two-fingers");
    var hint = el("div", "lbm-touch-hint", TWO_FINGERS);
    hint.setAttribute("aria-hidden", "true");
    container.appendChild(hint);
    var timer = null;
    container.addEventListener("touchmove", function (event) {
      if (event.touches.length !== 1) { hint.classList.remove("lbm-shown"); return; }
      hint.classList.add("lbm-shown");
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { hint.classList.remove("lbm-shown"); }, 1500);
    }, {passive: true});
  }

  function reportLayer(map, key) {
    // streamlit-folium sends `selected_layers` back to the app with the map's view on each move: the
    // chosen base layer goes that way (the app puts it in the page's link).
    var data = window.__GLOBAL_DATA__;
    if (data && data.selected_layers) {
      Object.keys(data.selected_layers).forEach(function (k) {
        if (data.selected_layers[k].url === "basemap") delete data.selected_layers[k];
      });
      data.selected_layers["basemap:" + key] = {name: key, url: "basemap"};
      map.fire("moveend");
    }
  }

  function baseLayers(map, config) {
    var url = function (relative) { return here ? new URL(relative, here).href : relative; };
    var offline = new Offline({attribution: config.offline.attribution,
      world: url(config.offline.world), regions: url(config.offline.regions)});
    offline.key = "offline";
    var byName = {};
    var byKey = {offline: offline};
    config.layers.forEach(function (spec) {
      var layer = L.tileLayer(spec.url, {attribution: spec.attribution, maxZoom: config.maxZoom,
        maxNativeZoom: spec.maxZoom, minZoom: config.minZoom, subdomains: spec.subdomains || "abc"});
      layer.key = spec.key;
      byKey[spec.key] = layer;
      byName[spec.name] = layer;
    });
    byName[config.offline.name] = offline;
    if (config.credit) map.attributionControl.addAttribution(config.credit);

    var watching = null;
    function watch(layer) {
      if (watching) watching.stop();
      if (layer === offline) { watching = null; return; }
      var loaded = 0, failed = 0;
      function onLoad() { loaded++; }
      function onError() { failed++; if (failed >= 4 && !loaded) fallBack(); }
      function fallBack() {
        stop();
        if (!map.hasLayer(layer)) return;
        map.removeLayer(layer);
        map.addLayer(offline);
        notice(map, "No map tiles could be loaded: showing the offline basemap (Natural Earth).");
        if (control) control._update();
      }
      var timer = window.setTimeout(function () { if (!loaded) fallBack(); }, config.fallbackMs);
      function stop() { window.clearTimeout(timer); layer.off("tileload", onLoad); layer.off("tileerror", onError); }
      layer.on("tileload", onLoad);
      layer.on("tileerror", onError);
      watching = {stop: stop};
    }

    var first = byKey[config.chosen] || byKey.offline;
    first.addTo(map);
    var control = L.control.layers(byName, null, {collapsed: true, position: "topright"}).addTo(map);
    watch(first);
    map.on("baselayerchange", function (event) {
      if (map._lbmNotice) map._lbmNotice.getContainer().textContent = "";
      watch(event.layer);
      reportLayer(map, event.layer.key);
    });
    touchFriendly(map);
    map._lbmBase = {layers: byKey, offline: offline, control: control};
    return map._lbmBase;
  }

  window.liveblogBasemap = {baseLayers: baseLayers, labels: labelsFor, placesShown: placesShown, Offline: Offline};
})();
