// Two scenarios side by side: the opgavenkaarten A (left of the divider) and B (right), which the
// user slides across the map, or the difference only; a table of hectares per kind in A and B and
// what changed into what (/api/compare).
import TileLayer from 'ol/layer/Tile.js';
import XYZ from 'ol/source/XYZ.js';
import { getRenderPixel } from 'ol/render.js';
import { map, Z } from './map.js';
import { $, esc, ha, getJson, emit } from './util.js';

let scenarios = [];
let layers = [];
let state = null; // {a, b, mode}
let active = false;

const tiles = (url) => new TileLayer({ source: new XYZ({ url, tileSize: 256, maxZoom: 18, interpolate: false }), zIndex: Z.data + 350, opacity: 0.9 });

function clipTo(side) {
  return (event) => {
    const ctx = event.context;
    const width = ctx.canvas.width;
    const split = (Number($('swipe').value) / 100) * map.getSize()[0];
    const tl = getRenderPixel(event, side === 'left' ? [0, 0] : [split, 0]);
    const br = getRenderPixel(event, side === 'left' ? [split, map.getSize()[1]] : [map.getSize()[0], map.getSize()[1]]);
    ctx.save();
    ctx.beginPath();
    ctx.rect(tl[0], tl[1], Math.min(br[0], width) - tl[0], br[1] - tl[1]);
    ctx.clip();
  };
}
const restore = (event) => event.context.restore();

function removeLayers() {
  for (const l of layers) map.removeLayer(l);
  layers = [];
  $('swipe-wrap').hidden = true;
}

function addLayers() {
  removeLayers();
  if (!state || !active) return;
  const { a, b, mode } = state;
  if (mode === 'verschil') {
    layers = [tiles(`/api/difference/${encodeURIComponent(a)}/${encodeURIComponent(b)}/{z}/{x}/{y}.png`)];
  } else {
    const la = tiles(`/api/tiles/${encodeURIComponent(a)}/{z}/{x}/{y}.png`);
    const lb = tiles(`/api/tiles/${encodeURIComponent(b)}/{z}/{x}/{y}.png`);
    // Separate canvases, so each can be cut at the divider.
    la.on('prerender', clipTo('left'));
    la.on('postrender', restore);
    lb.on('prerender', clipTo('right'));
    lb.on('postrender', restore);
    layers = [la, lb];
    $('swipe-wrap').hidden = false;
  }
  for (const l of layers) map.addLayer(l);
}

function tableHtml(c) {
  const rows = c.kinds
    .filter((k) => k.drawn && (k.ha_a > 0 || k.ha_b > 0))
    .map((k) => {
      const d = k.ha_b - k.ha_a;
      return `<tr><th><span class="swatch" style="background:${k.colour}"></span>${esc(k.label)}</th>
        <td>${ha(k.ha_a)}</td><td>${ha(k.ha_b)}</td><td class="${d > 0 ? 'up' : d < 0 ? 'down' : ''}">${d === 0 ? '—' : `${d > 0 ? '+' : '−'}${ha(Math.abs(d))}`}</td></tr>`;
    })
    .join('');
  const changes = c.changes.slice(0, 8).map((x) => `<li>${esc(x.from)} → <strong>${esc(x.to)}</strong>: ${ha(x.ha)}</li>`).join('');
  return `<p><strong>A</strong> = ${esc(c.a.title)}<br><strong>B</strong> = ${esc(c.b.title)}</p>
    <table class="compare"><thead><tr><th>soort</th><th>A</th><th>B</th><th>B − A</th></tr></thead><tbody>${rows}</tbody></table>
    <p>${c.changed_ha > 0 ? `In B krijgt ${ha(c.changed_ha)} een andere bestemming dan in A:` : 'A en B geven elke cel dezelfde bestemming: er is geen verschil.'}</p>
    ${changes ? `<ul class="changes">${changes}</ul>` : ''}
    ${c.changed_ha > 0 ? `<p class="muted small">Op de verschilkaart krijgt een cel die verandert de kleur van wat B er plant; grijs (<span class="swatch" style="background:${c.no_claim_colour}"></span>) is grond die in B geen claim meer heeft.</p>` : ''}`;
}

async function refresh() {
  if (!state) return;
  addLayers();
  const box = $('compare-result');
  box.innerHTML = '<p class="muted small">Vergelijken…</p>';
  try {
    const c = await getJson(`/api/compare?a=${encodeURIComponent(state.a)}&b=${encodeURIComponent(state.b)}`);
    box.innerHTML = tableHtml(c);
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

export const compareState = () => (active && state ? state : null);

export function setCompareActive(on) {
  active = on && scenarios.length >= 2;
  if (active) refresh();
  else removeLayers();
}

export function setupCompare(model, initial) {
  scenarios = model.scenarios || [];
  const card = $('compare-card');
  if (scenarios.length < 2) {
    card.innerHTML = `<h2>Scenario's vergelijken</h2><p class="muted small">${scenarios.length ? 'Er is één opgavenkaart in het model; voor een vergelijking zijn er twee nodig (casco allocate met een tweede scenario).' : 'Het model heeft nog geen opgavenkaarten (casco allocate).'}</p>`;
    return;
  }
  const options = scenarios.map((s) => `<option value="${esc(s.id)}">${esc(s.title)}</option>`).join('');
  $('compare-a').innerHTML = options;
  $('compare-b').innerHTML = options;
  const ids = scenarios.map((s) => s.id);
  state = {
    a: initial && ids.includes(initial.a) ? initial.a : ids[0],
    b: initial && ids.includes(initial.b) ? initial.b : ids[1],
    mode: initial?.mode === 'verschil' ? 'verschil' : 'schuif',
  };
  $('compare-a').value = state.a;
  $('compare-b').value = state.b;
  document.querySelector(`input[name=compare-mode][value=${state.mode}]`).checked = true;
  const changed = () => {
    state = { a: $('compare-a').value, b: $('compare-b').value, mode: document.querySelector('input[name=compare-mode]:checked').value };
    if (state.a === state.b) {
      $('compare-result').innerHTML = '<p class="error">Kies twee verschillende scenario\'s.</p>';
      removeLayers();
      return;
    }
    refresh();
    emit('state-changed');
  };
  for (const id of ['compare-a', 'compare-b']) $(id).addEventListener('change', changed);
  for (const r of document.querySelectorAll('input[name=compare-mode]')) r.addEventListener('change', changed);
  const line = () => {
    $('swipe-line').style.left = `${$('swipe').value}%`;
    map.render();
  };
  $('swipe').addEventListener('input', line);
  line();
}
