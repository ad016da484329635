// The layer list: the model's layers under their groups, each with its legend from the server's
// legend module (named Dutch classes, or a ramp with its ends in the units people read), its
// opacity, its source credit; grid layers as tiles, point layers (hunebedden, molens) as symbols.
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import VectorSource from 'ol/source/Vector.js';
import { Fill, Stroke, Style, Text, Circle as CircleStyle } from 'ol/style.js';
import { map, Z, online, readFeatures } from './map.js';
import { $, esc, getJson, emit } from './util.js';

export const layerInfo = new Map(); // id -> { layer, group, order }
const shown = new Map(); // id -> { ol, opacity }
let model = null;

// Legends are never cut: long class lists fold open on request.
const FOLD_AFTER = 14;

export function legendHtml(legend) {
  if (!legend) return '';
  const notes = (legend.notes || []).map((n) => `<div class="legend-note">${esc(n)}</div>`).join('');
  if (legend.kind === 'classes') {
    const drawn = legend.classes.filter((c) => c.drawn);
    const item = (c) =>
      `<li><span class="swatch${legend.points ? ' dot' : ''}" style="background:${c.colour}"></span><span>${esc(c.label)}</span></li>`;
    if (drawn.length > FOLD_AFTER) {
      return `<details class="legend-fold"><summary>${drawn.length} ${legend.zones ? 'gebieden, elk een eigen kleur' : 'klassen'} — toon alle</summary>
        <ul class="legend-classes">${drawn.map(item).join('')}</ul></details>${notes}`;
    }
    const blank = legend.classes.filter((c) => !c.drawn).map((c) => `<li class="muted"><span class="swatch blank"></span><span>${esc(c.label)}</span></li>`);
    return `<ul class="legend-classes">${drawn.map(item).join('')}${blank.join('')}</ul>${notes}`;
  }
  const gradient = `linear-gradient(to right, ${legend.stops.join(', ')})`;
  return `<div class="legend-ramp"><div class="bar" style="background:${gradient}"></div>
    <div class="ends"><span>${legend.zero_blank ? '&gt; ' : ''}${esc(legend.low_label)}</span>
    <span>${esc(legend.high_label)}</span></div>${notes}</div>`;
}

function pointStyle(feature, resolution) {
  const z = Math.log2(156543.03 / resolution);
  const colour = feature.get('colour') || '#d7191c';
  const name = feature.get('name');
  return new Style({
    image: new CircleStyle({ radius: z >= 12 ? 6 : 4.5, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }),
    text: z >= 12.5 && name ? new Text({ text: name, font: '11px system-ui, sans-serif', offsetY: -12, fill: new Fill({ color: '#333' }), stroke: new Stroke({ color: '#fff', width: 3 }) }) : undefined,
  });
}

function makeOlLayer(layer, order) {
  if (layer.legend && layer.legend.points) {
    const source = new VectorSource();
    getJson(`/api/points/${encodeURIComponent(layer.id)}.geojson`)
      .then((data) => source.addFeatures(readFeatures(data)))
      .catch((e) => console.warn('points:', e.message));
    return new VectorLayer({ source, zIndex: Z.points + 10 - (order % 10), style: pointStyle, declutter: true });
  }
  return new TileLayer({
    source: new XYZ({
      url: `/api/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.png`,
      tileSize: 256,
      maxZoom: 18,
      interpolate: false,
    }),
    zIndex: Z.data + 300 - order, // the list's order: layers higher in the list draw on top
  });
}

export function setLayer(id, on, opacity) {
  const info = layerInfo.get(id);
  if (!info) return;
  let s = shown.get(id);
  if (on && !s) {
    s = { ol: makeOlLayer(info.layer, info.order), opacity: opacity ?? 0.8 };
    map.addLayer(s.ol);
    shown.set(id, s);
  }
  if (s) {
    if (opacity !== undefined) s.opacity = opacity;
    s.ol.setVisible(on);
    s.ol.setOpacity(s.opacity);
    if (!on) {
      map.removeLayer(s.ol);
      shown.delete(id);
    }
  }
  const row = document.querySelector(`.layer[data-layer="${CSS.escape(id)}"]`);
  if (row) {
    row.querySelector('[data-role=toggle]').checked = on;
    row.querySelector('.layer-body').hidden = !on;
    row.classList.toggle('on', on);
    if (opacity !== undefined) row.querySelector('[data-role=opacity]').value = Math.round(opacity * 100);
    if (on) row.closest('details.group').open = true;
  }
  showCredits();
  emit('layers-changed');
}

// The layers on the map, in list order, with their opacity (for the link and the values panel).
export function visibleLayers() {
  return [...shown.entries()]
    .map(([id, s]) => ({ id, opacity: s.opacity, order: layerInfo.get(id).order }))
    .sort((a, b) => a.order - b.order);
}

export function renderLayers(m) {
  model = m;
  const root = $('layers');
  root.innerHTML = '';
  let order = 0;
  for (const group of m.groups) {
    const details = document.createElement('details');
    details.className = 'group';
    details.innerHTML = `<summary>${esc(group.title)} <span class="count">${group.layers.length}</span></summary>
      ${group.intro ? `<p class="group-intro">${esc(group.intro)}</p>` : ''}`;
    for (const layer of group.layers) {
      const o = order++;
      layerInfo.set(layer.id, { layer, group: group.title, order: o });
      const row = document.createElement('div');
      row.className = 'layer';
      row.dataset.layer = layer.id;
      const unit = layer.legend && layer.legend.unit && layer.legend.kind === 'ramp' ? ` <span class="unit">(${esc(layer.legend.unit)})</span>` : '';
      const estimate = layer.estimate ? ` <span class="tag" title="${esc(layer.estimate)}">schatting</span>` : '';
      row.innerHTML = `
        <label class="layer-title"><input type="checkbox" data-role="toggle">
          <span>${esc(layer.title)}${unit}${estimate}</span></label>
        <div class="layer-body" hidden>
          <label class="opacity small">dekking <input type="range" min="0" max="100" value="80" data-role="opacity" aria-label="dekking van ${esc(layer.title)}"></label>
          ${legendHtml(layer.legend)}
          ${layer.description ? `<div class="layer-about">${esc(layer.description)}</div>` : ''}
          ${layer.estimate ? `<div class="layer-about"><strong>Schatting:</strong> ${esc(layer.estimate)}</div>` : ''}
          ${layer.attribution ? `<div class="layer-credit">Bron: ${esc(layer.attribution)}</div>` : ''}
        </div>`;
      const toggle = row.querySelector('[data-role=toggle]');
      const slider = row.querySelector('[data-role=opacity]');
      toggle.addEventListener('change', () => setLayer(layer.id, toggle.checked, slider.value / 100));
      slider.addEventListener('input', () => setLayer(layer.id, toggle.checked, slider.value / 100));
      details.appendChild(row);
    }
    root.appendChild(details);
  }
}

// The map's credit line: the model's, plus the sources of the layers on the map that ask for it.
export function showCredits() {
  const el = $('credits');
  if (!el || !model) return;
  const parts = [model.credit || 'Bron: bewerking casco'];
  for (const o of Object.values(online)) if (o.layer.getVisible()) parts.push(o.credit);
  for (const id of shown.keys()) {
    const a = layerInfo.get(id)?.layer.attribution;
    if (a && !parts.includes(a)) parts.push(a);
  }
  el.textContent = parts.join(' · ');
}
