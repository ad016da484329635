// Travel time from a clicked point (/api/reach): how far someone gets in 5, 10, 15 … minutes by
// bike, on foot or by car; over the road network when the server has one, otherwise the
// documented straight-line estimate — the panel says which.
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { fromLonLat } from 'ol/proj.js';
import { Fill, Stroke, Style, Circle as CircleStyle } from 'ol/style.js';
import { map, Z, readFeatures } from './map.js';
import { $, esc, getJson, emit } from './util.js';

// Quick (dark green) to slow (light yellow), for up to six bands.
const BAND_COLOURS = ['#006837', '#31a354', '#78c679', '#addd8e', '#d9f0a3', '#ffffcc'];

const source = new VectorSource();
const layer = new VectorLayer({
  source,
  zIndex: Z.reach,
  opacity: 0.6,
  style: (f) => {
    if (f.getGeometry().getType() === 'Point')
      return new Style({ image: new CircleStyle({ radius: 7, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#006837', width: 3 }) }) });
    return new Style({ fill: new Fill({ color: f.get('colour') }), stroke: new Stroke({ color: 'rgba(0,0,0,0.25)', width: 0.6 }) });
  },
});
map.addLayer(layer);

let point = null; // {lon, lat}
let available = false;

export const reachState = () => (point ? { ...point, mode: $('reach-mode').value, minutes: Number($('reach-minutes').value) } : null);

export async function reachFrom(lonLat) {
  if (!available) return;
  point = { lon: lonLat[0], lat: lonLat[1] };
  const box = $('reach-result');
  box.innerHTML = '<p class="muted small">Rekenen…</p>';
  source.clear();
  source.addFeature(new Feature(new Point(fromLonLat(lonLat))));
  try {
    const s = reachState();
    const r = await getJson(`/api/reach?lon=${s.lon.toFixed(6)}&lat=${s.lat.toFixed(6)}&mode=${encodeURIComponent(s.mode)}&minutes=${s.minutes}`);
    const features = readFeatures(r);
    const n = r.steps.length;
    for (const f of features) {
      const k = r.steps.indexOf(f.get('to'));
      f.set('colour', BAND_COLOURS[Math.min(BAND_COLOURS.length - 1, Math.round((k * (BAND_COLOURS.length - 1)) / Math.max(1, n - 1)))]);
    }
    source.addFeatures(features);
    const legend = [...features].reverse().map((f) => `<li><span class="swatch" style="background:${f.get('colour')}"></span>${esc(f.get('label'))}</li>`).join('');
    box.innerHTML = `<p class="method ${r.estimate ? 'estimate' : 'network'}"><strong>${r.estimate ? 'Schatting' : 'Over het wegennet'}</strong>: ${esc(r.method)}.</p>
      <ul class="legend-classes">${legend}</ul>
      <p class="muted small">Per ${esc(r.mode_title)}, tot ${r.max_minutes} minuten vanaf het punt.</p>`;
    emit('state-changed');
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

export function clearReach() {
  point = null;
  source.clear();
  $('reach-result').innerHTML = '';
  emit('state-changed');
}

export function setReachVisible(on) {
  layer.setVisible(on);
}

export function setupReach(model, initial) {
  const r = model.reach || {};
  available = !!r.available;
  if (!available) {
    $('reach-card').innerHTML = '<h2>Reistijd vanaf een punt</h2><p class="muted small">Deze server heeft geen instellingen voor reistijden (access.toml in het viewerbestand).</p>';
    return;
  }
  $('reach-mode').innerHTML = r.modes.map((m) => `<option value="${esc(m.id)}">${esc(m.title)}</option>`).join('');
  $('reach-how').textContent = r.estimate
    ? 'Het model heeft geen wegennet: de reistijd is een schatting in rechte lijn met een omrijfactor (docs/access.md).'
    : 'De reistijd gaat over het wegennet, met snelheden per wegtype.';
  if (initial) {
    if ([...$('reach-mode').options].some((o) => o.value === initial.mode)) $('reach-mode').value = initial.mode;
    if ([...$('reach-minutes').options].some((o) => Number(o.value) === initial.minutes)) $('reach-minutes').value = String(initial.minutes);
  }
  const again = () => point && reachFrom([point.lon, point.lat]);
  $('reach-mode').addEventListener('change', again);
  $('reach-minutes').addEventListener('change', again);
  $('reach-clear').addEventListener('click', clearReach);
  if (initial) reachFrom([initial.lon, initial.lat]);
}
