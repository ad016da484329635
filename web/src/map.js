// The map and its base: an offline base map drawn from the model store's own tables (study area,
// nature, water, places with labels at sensible zooms, stations, gemeente borders and names), and
// PDOK's BRT-Achtergrondkaart and aerial photo as optional online layers (off by default).
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';
import { fromLonLat } from 'ol/proj.js';
import { Fill, Stroke, Style, Text, Circle as CircleStyle, RegularShape } from 'ol/style.js';
import { getJson } from './util.js';

export const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
export const readFeatures = (data) => geojson.readFeatures(data);

// Drawing order: base fills, online maps, data layers, borders, labels, plans and markers.
export const Z = { base: 10, online: 20, data: 100, borders: 500, points: 600, labels: 650, reach: 700, plans: 900, highlight: 950, marker: 960 };

export const map = new OlMap({
  target: 'map',
  controls: defaultControls({ attribution: false, rotate: false }).extend([new ScaleLine({ units: 'metric' })]),
  view: new View({ center: fromLonLat([6.6, 52.85]), zoom: 9, maxZoom: 18, minZoom: 6 }),
});

// The online maps: PDOK WMTS in Web Mercator (EPSG:3857), anonymous CORS so the map can still be
// saved as an image.
export const online = {
  brt: {
    title: 'BRT-Achtergrondkaart (PDOK, online)',
    credit: 'Achtergrond: BRT-Achtergrondkaart © Kadaster (PDOK)',
    layer: new TileLayer({
      visible: false,
      zIndex: Z.online,
      source: new XYZ({
        url: 'https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png',
        crossOrigin: 'anonymous',
        maxZoom: 19,
      }),
    }),
  },
  luchtfoto: {
    title: 'Luchtfoto (PDOK, online)',
    credit: 'Luchtfoto: Beeldmateriaal Nederland (PDOK)',
    layer: new TileLayer({
      visible: false,
      zIndex: Z.online,
      source: new XYZ({
        url: 'https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/{z}/{x}/{y}.jpeg',
        crossOrigin: 'anonymous',
        maxZoom: 19,
      }),
    }),
  },
};
for (const o of Object.values(online)) map.addLayer(o.layer);

// ------------------------------------------------------------------ offline base map

const baseSource = new VectorSource();
const labelSource = new VectorSource();
const bordersSource = new VectorSource();

const fills = {
  studiegebied: new Style({ fill: new Fill({ color: '#fbfbf7' }), stroke: new Stroke({ color: '#7d8a78', width: 1.5 }) }),
  natuur: new Style({ fill: new Fill({ color: 'rgba(118, 170, 92, 0.32)' }), stroke: new Stroke({ color: 'rgba(80, 130, 60, 0.6)', width: 0.8 }) }),
};
export const baseLayer = new VectorLayer({
  source: baseSource,
  zIndex: Z.base,
  style: (f) => fills[f.get('layer')],
});

const bordersLayer = new VectorLayer({
  source: bordersSource,
  zIndex: Z.borders,
  style: new Style({ stroke: new Stroke({ color: 'rgba(45, 45, 45, 0.7)', width: 1.2 }) }),
});

// Larger places from lower zooms; the resolution at zoom z is 156543 / 2^z m per pixel.
const zoomOf = (resolution) => Math.log2(156543.03 / resolution);
export const PLACE_FROM_ZOOM = { 1: 7.5, 2: 9.8, 3: 11, 4: 12.3 };
const halo = new Stroke({ color: 'rgba(255,255,255,0.92)', width: 3.5 });
const styleCache = new Map();
function cached(key, make) {
  if (!styleCache.has(key)) styleCache.set(key, make());
  return styleCache.get(key);
}

function labelStyle(f, resolution) {
  const z = zoomOf(resolution);
  const kind = f.get('layer');
  const name = f.get('name') || '';
  if (kind === 'plaats') {
    const rank = f.get('rank') || 4;
    if (z < PLACE_FROM_ZOOM[rank]) return null;
    const size = [0, 15, 13.5, 12, 11][rank];
    return cached(`p${rank}:${name}`, () => new Style({
      image: new CircleStyle({ radius: [0, 4.5, 3.5, 2.8, 2.2][rank], fill: new Fill({ color: '#3b3b3b' }), stroke: new Stroke({ color: '#fff', width: 1 }) }),
      text: new Text({
        text: name,
        font: `${rank <= 2 ? 600 : 400} ${size}px system-ui, "DejaVu Sans", sans-serif`,
        offsetY: -(size * 0.85),
        fill: new Fill({ color: '#1f1f1f' }),
        stroke: halo,
      }),
      zIndex: 10 - rank,
    }));
  }
  if (kind === 'station') {
    if (z < 10) return null;
    return cached(`s:${name}`, () => new Style({
      image: new RegularShape({ points: 4, radius: 5.5, angle: Math.PI / 4, fill: new Fill({ color: '#c8102e' }), stroke: new Stroke({ color: '#fff', width: 1.2 }) }),
      text: z >= 11 && name ? new Text({ text: `${name} (station)`, font: '11px system-ui, sans-serif', offsetY: 13, fill: new Fill({ color: '#8a0c20' }), stroke: halo }) : undefined,
      zIndex: 6,
    }));
  }
  if (kind === 'water') {
    if (z < 11.5 || !name) return null;
    return cached(`w:${name}`, () => new Style({
      text: new Text({ text: name, font: 'italic 11px system-ui, sans-serif', fill: new Fill({ color: '#1f5f9f' }), stroke: halo }),
      zIndex: 1,
    }));
  }
  if (kind === 'natuur') {
    if (z < 10 || z > 13.5 || !name) return null;
    return cached(`n:${name}`, () => new Style({
      text: new Text({ text: name, font: 'italic 12px system-ui, sans-serif', fill: new Fill({ color: '#2f5d1f' }), stroke: halo, overflow: false }),
      zIndex: 2,
    }));
  }
  if (kind === 'gemeente') {
    if (z < 8.5 || z > 11.2 || !name) return null;
    return cached(`g:${name}`, () => new Style({
      text: new Text({ text: name.toUpperCase(), font: '600 11px system-ui, sans-serif', fill: new Fill({ color: 'rgba(70,70,70,0.85)' }), stroke: halo }),
      zIndex: 0,
    }));
  }
  return null;
}

export const labelLayer = new VectorLayer({ source: labelSource, zIndex: Z.labels, declutter: true, style: labelStyle });
map.addLayer(baseLayer);
map.addLayer(bordersLayer);
map.addLayer(labelLayer);

export function setLabelsVisible(on) {
  labelLayer.setVisible(on);
}

// A point inside a polygon for its label.
function labelPoint(feature) {
  const g = feature.getGeometry();
  if (g.getType() === 'Polygon') return g.getInteriorPoint();
  if (g.getType() === 'MultiPolygon') {
    let best = null, area = -1;
    for (const p of g.getPolygons()) if (p.getArea() > area) (area = p.getArea()), (best = p);
    return best ? best.getInteriorPoint() : null;
  }
  return g;
}

function addLabel(feature, kind) {
  const point = labelPoint(feature);
  if (!point) return;
  const label = feature.clone();
  label.setGeometry(point);
  label.set('layer', kind);
  labelSource.addFeature(label);
}

export async function loadBaseMap(model) {
  const [base, borders] = await Promise.all([
    getJson('/api/basemap.geojson').catch(() => null),
    model.borders ? getJson(`/api/borders/${encodeURIComponent(model.borders)}.geojson`).catch(() => null) : null,
  ]);
  if (base) {
    for (const f of readFeatures(base)) {
      const kind = f.get('layer');
      if (kind === 'studiegebied' || kind === 'natuur') baseSource.addFeature(f);
      if (kind === 'natuur') addLabel(f, 'natuur');
      else if (kind !== 'studiegebied') labelSource.addFeature(f);
    }
  }
  if (borders) {
    for (const f of readFeatures(borders)) {
      bordersSource.addFeature(f);
      addLabel(f, 'gemeente');
    }
  }
}

// The map as one PNG (data URL): every layer's canvas drawn in order, as on screen.
export function mapImage() {
  const size = map.getSize();
  const canvas = document.createElement('canvas');
  canvas.width = size[0];
  canvas.height = size[1];
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = getComputedStyle(document.getElementById('map')).backgroundColor || '#e4e6e0';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const c of map.getViewport().querySelectorAll('.ol-layer canvas, canvas.ol-layer')) {
    if (!c.width) continue;
    const opacity = c.parentNode.style.opacity || c.style.opacity;
    ctx.globalAlpha = opacity === '' ? 1 : Number(opacity);
    // Each layer canvas maps its pixels to CSS pixels by its transform (or its CSS size).
    const m = c.style.transform && c.style.transform.match(/^matrix\(([^(]*)\)$/);
    const matrix = m
      ? m[1].split(',').map(Number)
      : [parseFloat(c.style.width) / c.width, 0, 0, parseFloat(c.style.height) / c.height, 0, 0];
    ctx.setTransform(...matrix);
    ctx.drawImage(c, 0, 0);
  }
  ctx.globalAlpha = 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  try {
    return canvas.toDataURL('image/png');
  } catch (e) {
    return null; // an online layer without CORS tainted the canvas
  }
}
