// Search: places, postcode areas, gemeenten and kernen from the model's own data (/api/search),
// and with internet, when the user asks for it, addresses and streets from PDOK's Locatieserver.
// Choosing a result jumps there and highlights it (a zone's outline, a place's point).
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import { fromLonLat, transformExtent } from 'ol/proj.js';
import { Fill, Stroke, Style, Circle as CircleStyle } from 'ol/style.js';
import { map, Z, readFeatures } from './map.js';
import { $, esc, getJson, debounce } from './util.js';

const PDOK_SUGGEST = 'https://api.pdok.nl/bzk/locatieserver/search/v3_1/free';

const highlight = new VectorSource();
map.addLayer(new VectorLayer({
  source: highlight,
  zIndex: Z.highlight,
  style: [
    new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 7 }) }),
    new Style({
      stroke: new Stroke({ color: '#1f5f8b', width: 3, lineDash: [8, 5] }),
      fill: new Fill({ color: 'rgba(31, 95, 139, 0.08)' }),
      image: new CircleStyle({ radius: 10, stroke: new Stroke({ color: '#1f5f8b', width: 3 }), fill: new Fill({ color: 'rgba(255,255,255,0.6)' }) }),
    }),
  ],
}));

let results = [];
let active = -1;

const zoomFor = (r) => (r.inhabitants >= 25000 ? 12.5 : r.inhabitants >= 5000 ? 13.5 : 14.5);

export async function jumpTo(r) {
  highlight.clear();
  const view = map.getView();
  if (r.bbox) view.fit(transformExtent(r.bbox, 'EPSG:4326', 'EPSG:3857'), { padding: [50, 50, 50, 50], maxZoom: 15, duration: 300 });
  else view.animate({ center: fromLonLat([r.lon, r.lat]), zoom: zoomFor(r), duration: 300 });
  $('search').value = r.name;
  hideList();
  if (r.zone) {
    try {
      const outline = await getJson(`/api/zone/${encodeURIComponent(r.zone.layer)}/${encodeURIComponent(r.zone.code)}.geojson`);
      highlight.addFeatures(readFeatures(outline));
    } catch (e) {
      highlight.addFeature(new Feature(new Point(fromLonLat([r.lon, r.lat]))));
    }
  } else {
    highlight.addFeature(new Feature(new Point(fromLonLat([r.lon, r.lat]))));
  }
  document.body.dataset.searched = r.name;
}

function hideList() {
  $('search-results').hidden = true;
  active = -1;
}

function renderList() {
  const list = $('search-results');
  if (!results.length) {
    list.innerHTML = '<li class="muted">Niets gevonden. Zoek op een plaats, gemeente, kern of postcode (4 cijfers).</li>';
    list.hidden = false;
    return;
  }
  list.innerHTML = results
    .map((r, i) => `<li role="option" data-i="${i}" class="${i === active ? 'active' : ''}"><span class="type">${esc(r.type)}</span>
      <span class="name">${esc(r.name)}</span> <span class="muted small">${esc(r.detail || '')}</span></li>`)
    .join('');
  list.hidden = false;
}

async function pdok(q) {
  const url = `${PDOK_SUGGEST}?q=${encodeURIComponent(q)}&rows=5&fl=id,weergavenaam,type,centroide_ll`;
  const body = await fetch(url).then((r) => r.json());
  return (body.response?.docs || [])
    .map((d) => {
      const m = /POINT\(([-\d.]+) ([-\d.]+)\)/.exec(d.centroide_ll || '');
      return m ? { type: `${d.type} (PDOK)`, name: d.weergavenaam, detail: 'Locatieserver, online', lon: Number(m[1]), lat: Number(m[2]), inhabitants: 0 } : null;
    })
    .filter(Boolean);
}

let resultsFor = null;

async function fetchResults(q) {
  try {
    const own = await getJson(`/api/search?q=${encodeURIComponent(q)}&limit=8`);
    let found = own.results;
    if ($('search-online').checked) found = found.concat(await pdok(q).catch(() => []));
    if ($('search').value.trim() !== q) return; // typed on meanwhile
    results = found;
    resultsFor = q;
    active = results.length ? 0 : -1;
    renderList();
  } catch (e) {
    results = [];
    resultsFor = null;
    $('search-results').innerHTML = `<li class="error">${esc(e.message)}</li>`;
    $('search-results').hidden = false;
  }
}

const query = debounce(() => {
  const q = $('search').value.trim();
  if (q.length < 2) hideList();
  else fetchResults(q);
}, 120);

export function setupSearch() {
  const input = $('search');
  input.addEventListener('input', query);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!results.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      renderList();
      ev.preventDefault();
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      const q = input.value.trim();
      (async () => {
        if (q.length >= 2 && resultsFor !== q) await fetchResults(q);
        if (results[active >= 0 ? active : 0]) jumpTo(results[active >= 0 ? active : 0]);
      })();
    } else if (ev.key === 'Escape') hideList();
  });
  $('search-results').addEventListener('mousedown', (ev) => {
    const li = ev.target.closest('li[data-i]');
    if (li) jumpTo(results[Number(li.dataset.i)]);
  });
  input.addEventListener('blur', () => setTimeout(hideList, 150));
}
