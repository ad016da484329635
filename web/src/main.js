// casco viewer: the model store's layers on a map (tiles from /api/tiles), the values at a
// clicked point (/api/value) and plan assessment by the afwegingskader (/api/assess).
import 'ol/ol.css';
import './style.css';
import OlMap from 'ol/Map.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import View from 'ol/View.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import Draw from 'ol/interaction/Draw.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj.js';
import { Fill, Stroke, Style, Circle as CircleStyle } from 'ol/style.js';

const $ = (id) => document.getElementById(id);
const nl = (v, digits = 2) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '—'
    : Number(v).toLocaleString('nl-NL', { maximumFractionDigits: digits });
const esc = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

async function getJson(url, options) {
  const res = await fetch(url, options);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.fout || body.error || `HTTP ${res.status}`);
  return body;
}

// ------------------------------------------------------------------ map

const geojson = new GeoJSON();
const bordersSource = new VectorSource();
const planSource = new VectorSource();
const clickSource = new VectorSource();

const map = new OlMap({
  target: 'map',
  controls: defaultControls({ attribution: false }).extend([new ScaleLine({ units: 'metric' })]),
  layers: [],
  view: new View({ center: fromLonLat([6.6, 52.85]), zoom: 9, maxZoom: 18, minZoom: 6 }),
});

const bordersLayer = new VectorLayer({
  source: bordersSource,
  zIndex: 500,
  style: new Style({ stroke: new Stroke({ color: 'rgba(40,40,40,0.75)', width: 1 }) }),
});
const planLayer = new VectorLayer({
  source: planSource,
  zIndex: 900,
  // A white halo under the outline keeps the plan visible on any layer colour.
  style: [
    new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 6 }) }),
    new Style({
      fill: new Fill({ color: 'rgba(233,30,140,0.22)' }),
      stroke: new Stroke({ color: '#c2185b', width: 2.5 }),
    }),
  ],
});
const clickLayer = new VectorLayer({
  source: clickSource,
  zIndex: 950,
  style: new Style({
    image: new CircleStyle({
      radius: 6,
      fill: new Fill({ color: '#fff' }),
      stroke: new Stroke({ color: '#202020', width: 2 }),
    }),
  }),
});
map.addLayer(bordersLayer);
map.addLayer(planLayer);
map.addLayer(clickLayer);

// ------------------------------------------------------------------ layers panel

const tileLayers = new Map(); // layer id -> OpenLayers tile layer, created when first shown

// The legend as the server's legend module describes it (the same as on the PNG maps and in the
// report): named classes with colours, or a ramp with its ends in the units people read.
function legendHtml(legend) {
  if (!legend) return '';
  const notes = (legend.notes || []).map((n) => `<div class="muted small">${esc(n)}</div>`).join('');
  if (legend.kind === 'classes') {
    const drawn = legend.classes.filter((c) => c.drawn);
    const shown = drawn.slice(0, 12);
    const rest = drawn.length - shown.length;
    return `<ul class="legend-classes">${shown
      .map((c) => `<li><span class="swatch" style="background:${c.colour}"></span>${esc(c.label)}</li>`)
      .join('')}${rest > 0 ? `<li class="muted">… en nog ${rest}</li>` : ''}</ul>${notes}`;
  }
  const gradient = `linear-gradient(to right, ${legend.stops.join(', ')})`;
  return `<div class="legend-ramp"><div class="bar" style="background:${gradient}"></div>
    <div class="ends"><span>${legend.zero_blank ? '&gt; ' : ''}${esc(legend.low_label)}</span>
    <span>${esc(legend.high_label)}</span></div>${notes}</div>`;
}

function setLayerVisible(layer, on, opacity) {
  let tl = tileLayers.get(layer.id);
  if (on && !tl) {
    tl = new TileLayer({
      source: new XYZ({
        url: `/api/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.png`,
        tileSize: 256,
        maxZoom: 18,
        interpolate: false,
      }),
      opacity,
      zIndex: 400 - layer.order, // the panel's order: layers higher in the list draw on top
    });
    tileLayers.set(layer.id, tl);
    map.addLayer(tl);
  }
  if (tl) {
    tl.setVisible(on);
    tl.setOpacity(opacity);
  }
}

// Where each layer stands in the layer list (group title, position): the point values follow it.
const layerPlace = new Map();

function renderLayers(model) {
  const root = $('layers');
  root.innerHTML = '';
  let order = 0;
  for (const group of model.groups) {
    const details = document.createElement('details');
    details.className = 'group';
    details.open = true;
    details.innerHTML = `<summary>${esc(group.title)} <span class="count">${group.layers.length}</span></summary>`;
    for (const layer of group.layers) {
      layer.order = order++;
      layerPlace.set(layer.id, { group: group.title, order: layer.order });
      const row = document.createElement('div');
      row.className = 'layer';
      row.dataset.layer = layer.id;
      const unit = layer.legend && layer.legend.unit ? `<span class="unit">${esc(layer.legend.unit)}</span>` : '';
      row.innerHTML = `
        <label class="layer-title"><input type="checkbox" data-role="toggle">
          <span>${esc(layer.title)}${unit}</span></label>
        <div class="layer-body" hidden>
          <label class="opacity small">dekking <input type="range" min="0" max="100" value="80" data-role="opacity"></label>
          ${legendHtml(layer.legend)}
          ${layer.attribution ? `<div class="small layer-credit">Bron: ${esc(layer.attribution)}</div>` : ''}
        </div>`;
      const toggle = row.querySelector('[data-role=toggle]');
      const slider = row.querySelector('[data-role=opacity]');
      const body = row.querySelector('.layer-body');
      const apply = () => {
        body.hidden = !toggle.checked;
        row.classList.toggle('on', toggle.checked);
        setLayerVisible(layer, toggle.checked, slider.value / 100);
        if (layer.attribution) {
          if (toggle.checked) shownCredits.set(layer.id, layer.attribution);
          else shownCredits.delete(layer.id);
          showCredits();
        }
      };
      toggle.addEventListener('change', apply);
      slider.addEventListener('input', apply);
      row.title = layer.description || layer.id;
      details.appendChild(row);
    }
    root.appendChild(details);
  }
}

// The map's credit line names the sources of the layers on the map that ask for it (CC BY).
const shownCredits = new Map();
const baseCredit = document.querySelector('.attribution')?.textContent ?? '';
function showCredits() {
  const el = document.querySelector('.attribution');
  if (!el) return;
  const extra = [...new Set(shownCredits.values())];
  el.textContent = extra.length ? `${baseCredit} · ${extra.join(' · ')}` : baseCredit;
}

async function loadBorders(model) {
  const zonesLayer = model.borders || 'gemeenten';
  try {
    const data = await getJson(`/api/borders/${encodeURIComponent(zonesLayer)}.geojson`);
    bordersSource.addFeatures(
      geojson.readFeatures(data, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }),
    );
  } catch (e) {
    console.warn('borders:', e.message);
  }
}

// ------------------------------------------------------------------ values at a point

async function showValues(coordinate, lonLat) {
  clickSource.clear();
  clickSource.addFeature(new Feature(new Point(coordinate)));
  const box = $('values');
  box.innerHTML = '<p class="muted small">Laden…</p>';
  try {
    const v = await getJson(`/api/value?lon=${lonLat[0].toFixed(6)}&lat=${lonLat[1].toFixed(6)}`);
    if (!v.inside) {
      box.innerHTML = '<p class="muted small">Buiten het modelgebied.</p>';
      return;
    }
    // In the order of the layer list, under the same group headings.
    const place = (x) => layerPlace.get(x.id) ?? { group: '', order: Infinity };
    let lastGroup = null;
    const rows = [...v.values]
      .sort((a, b) => place(a).order - place(b).order)
      .map((x) => {
        // The server rounds for people and names classes ("2,2 km", "haalt de norm").
        const shown = x.zone ? `${esc(x.zone.name || x.zone.code)}` : esc(x.text ?? nl(x.value, 3));
        const unit = '';
        const group = place(x).group;
        const head = group !== lastGroup && group ? `<tr class="values-group"><th colspan="2">${esc(group)}</th></tr>` : '';
        lastGroup = group;
        return `${head}<tr data-layer="${esc(x.id)}"><th>${esc(x.title)}</th><td>${shown}${unit}</td></tr>`;
      })
      .join('');
    box.innerHTML = `<p class="muted small">${nl(v.lat, 5)}° N, ${nl(v.lon, 5)}° O · RD ${nl(v.x, 0)}, ${nl(v.y, 0)}</p>
      <table class="values">${rows}</table>`;
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

// ------------------------------------------------------------------ plan assessment

const SEVERITY = { verboden: 4, nee_tenzij: 3, afstemming: 2, voorwaarde: 1, vrij: 0 };
const VERDICT_LABEL = {
  vrij: 'vrij',
  voorwaarde: 'voorwaarde',
  afstemming: 'afstemming vereist',
  nee_tenzij: 'nee, tenzij',
  verboden: 'verboden',
  score: 'score',
};

function verdictTable(result) {
  return result.plans
    .map((p) => {
      // The strictest verdicts first; score rules last.
      const hit = p.rules
        .filter((r) => r.hit)
        .sort((a, b) => (SEVERITY[b.verdict] ?? -1) - (SEVERITY[a.verdict] ?? -1));
      const rows = hit
        .map(
          (r) => `<tr class="v-${r.verdict}">
            <td>${esc(r.title)}</td>
            <td><span class="badge v-${r.verdict}">${esc(r.verdict === 'score' ? `score ${nl(r.score)}` : VERDICT_LABEL[r.verdict] || r.verdict)}</span></td>
            <td class="num">${nl(r.area_ha, 1)}</td>
            <td class="num">${nl(r.share * 100, r.share < 0.1 ? 1 : 0)}</td>
            <td class="reason">${esc(r.reason)}${r.party ? ` <span class="muted">(afstemmen met ${esc(r.party)})</span>` : ''}</td>
          </tr>`,
        )
        .join('');
      const notes = (p.notes || []).map((n) => `<li>${esc(n)}</li>`).join('');
      const waiting = (p.not_checked || []).length;
      return `<div class="plan-result">
        <div class="overall"><span class="badge big v-${p.verdict}">${esc(p.verdict_label)}</span>
          <div><strong>${esc(p.plan)}</strong><br><span class="muted small">${esc(p.kind)} · ${nl(p.area_ha, 1)} ha · score ${nl(p.score)}</span></div></div>
        ${hit.length
          ? `<table class="verdicts"><thead><tr><th>regel</th><th>oordeel</th><th class="num">ha</th><th class="num">%</th><th>reden</th></tr></thead><tbody>${rows}</tbody></table>`
          : '<p class="muted small">Geen enkele regel raakt dit plan.</p>'}
        <p class="muted small">${p.rules.length} regels getoetst, ${hit.length} geraakt${waiting ? `; ${waiting} regels wachten op gegevens` : ''}.</p>
        ${notes ? `<ul class="notes small">${notes}</ul>` : ''}
      </div>`;
    })
    .join('');
}

async function assess(geojsonBody) {
  const box = $('verdict');
  box.innerHTML = '<p class="muted small">Toetsen…</p>';
  try {
    const kind = $('kind').value;
    const result = await getJson(`/api/assess?kind=${encodeURIComponent(kind)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/geo+json' },
      body: typeof geojsonBody === 'string' ? geojsonBody : JSON.stringify(geojsonBody),
    });
    planSource.clear();
    planSource.addFeatures(
      geojson.readFeatures(result.geojson, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }),
    );
    if (planSource.getFeatures().length)
      map.getView().fit(planSource.getExtent(), { padding: [120, 120, 120, 120], maxZoom: 12, duration: 300 });
    box.innerHTML = verdictTable(result);
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

let draw = null;
function stopDrawing() {
  if (draw) map.removeInteraction(draw);
  draw = null;
  $('draw').classList.remove('active');
  $('draw').textContent = 'Polygoon tekenen';
}

function startDrawing() {
  stopDrawing();
  planSource.clear();
  draw = new Draw({ source: planSource, type: 'Polygon' });
  draw.on('drawend', (ev) => {
    const feature = geojson.writeFeatureObject(ev.feature, {
      dataProjection: 'EPSG:4326',
      featureProjection: 'EPSG:3857',
      decimals: 7,
    });
    feature.properties = { naam: 'Getekend plan' };
    setTimeout(stopDrawing, 0); // after OpenLayers finishes this click
    assess(feature);
  });
  map.addInteraction(draw);
  $('draw').classList.add('active');
  $('draw').textContent = 'Tekenen stoppen';
}

async function loadKinds() {
  const select = $('kind');
  try {
    const k = await getJson('/api/kinds');
    if (!k.available) {
      $('assess-hint').textContent = 'De server heeft geen regelbestand (start casco serve met --rules).';
      for (const b of ['draw', 'clear']) $(b).disabled = true;
      return;
    }
    select.innerHTML = k.kinds.map((x) => `<option value="${esc(x.id)}">${esc(x.title || x.id)}</option>`).join('');
  } catch (e) {
    $('assess-hint').textContent = e.message;
  }
}

// ------------------------------------------------------------------ start

async function start() {
  const model = await getJson('/api/model');
  $('model-name').textContent = model.name;
  $('model-info').textContent = `${model.grid.cols} × ${model.grid.rows} cellen van ${nl(model.grid.cell)} m · ${model.grid.crs} · gebouwd ${String(model.built_at).slice(0, 10)}`;
  renderLayers(model);
  const b = model.bounds_wgs84;
  map.getView().fit(transformExtent(b, 'EPSG:4326', 'EPSG:3857'), { padding: [20, 20, 20, 20] });
  loadBorders(model);
  loadKinds();

  map.on('singleclick', (ev) => {
    if (draw) return;
    showValues(ev.coordinate, toLonLat(ev.coordinate));
  });
  $('draw').addEventListener('click', () => (draw ? stopDrawing() : startDrawing()));
  $('clear').addEventListener('click', () => {
    stopDrawing();
    planSource.clear();
    $('verdict').innerHTML = '';
  });
  $('upload').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    stopDrawing();
    assess(await file.text());
  });
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  $('layers').innerHTML = `<p class="error">${esc(e.message)}</p>`;
});
