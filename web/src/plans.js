// Plan assessment: draw or upload plans, choose the kind of development, read the verdict per plan
// — the strictest rule, the score explained, each rule's reason, conditions and policy citation,
// the rules that wait for data — with list and map linked by each plan's number; print or save it.
import Feature from 'ol/Feature.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import Draw from 'ol/interaction/Draw.js';
import { Fill, Stroke, Style, Text, Circle as CircleStyle } from 'ol/style.js';
import { map, Z, geojson, readFeatures, mapImage, PLACE_FROM_ZOOM } from './map.js';
import { $, esc, ha, pct, signed, getJson, emit } from './util.js';

export const planSource = new VectorSource();
let selected = -1; // the plan highlighted in list and map
let plans = []; // what was judged: GeoJSON features in WGS 84 {properties: {naam, kind?}, geometry}
let lastResult = null;
let kinds = [];

function planStyle(feature) {
  const i = feature.get('index');
  const on = i === selected;
  const point = feature.getGeometry().getType() === 'MultiPolygon'
    ? feature.getGeometry().getPolygons().sort((a, b) => b.getArea() - a.getArea())[0]?.getInteriorPoint()
    : feature.getGeometry().getInteriorPoint?.();
  return [
    new Style({ stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: on ? 8 : 6 }) }),
    new Style({
      fill: new Fill({ color: on ? 'rgba(255, 193, 7, 0.30)' : 'rgba(233,30,140,0.18)' }),
      stroke: new Stroke({ color: on ? '#b26a00' : '#c2185b', width: on ? 3.5 : 2.5 }),
    }),
    ...(point && i !== undefined
      ? [new Style({
          geometry: point,
          image: new CircleStyle({ radius: 11, fill: new Fill({ color: on ? '#b26a00' : '#c2185b' }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
          text: new Text({ text: String(i + 1), font: '700 12px system-ui, sans-serif', fill: new Fill({ color: '#fff' }) }),
        })]
      : []),
  ];
}

const planLayer = new VectorLayer({ source: planSource, zIndex: Z.plans, style: planStyle });
map.addLayer(planLayer);

export const currentPlans = () => plans;
export const currentKind = () => $('kind').value;

// ------------------------------------------------------------------ verdict text

const VERDICT_LABEL = { vrij: 'vrij', voorwaarde: 'toegestaan onder voorwaarden', afstemming: 'afstemming vereist', nee_tenzij: 'nee, tenzij', verboden: 'verboden' };
const SEVERITY = { verboden: 4, nee_tenzij: 3, afstemming: 2, voorwaarde: 1, vrij: 0 };
const OVERALL = {
  vrij: 'Geen regel houdt dit plan tegen.',
  voorwaarde: 'Het plan mag, als het voldoet aan de voorwaarden hieronder.',
  afstemming: 'Het plan kan pas verder na afstemming met de partij die hieronder staat.',
  nee_tenzij: 'Nee, tenzij het plan aantoont dat het aan de voorwaarden hieronder voldoet.',
  verboden: 'Het plan mag hier niet: een regel verbiedt het op (een deel van) deze plek.',
};

function policyHtml(policy) {
  if (!policy || !(policy.document || policy.quote)) return '';
  return `<figure class="policy"><blockquote>${esc(policy.quote)}</blockquote>
    <figcaption>${esc(policy.document)}${policy.page ? `, ${esc(policy.page)}` : ''}</figcaption></figure>`;
}

function scoreSentence(p) {
  const hits = p.rules.filter((r) => r.hit && r.verdict === 'score');
  const base = 'De score telt de plus- en minpunten van de regels die een plek aantrekkelijker of minder aantrekkelijk maken, naar het deel van het plan dat ze raken';
  if (!hits.length)
    return `Score 0. ${base}; geen van die regels raakt dit plan. Boven 0 is gunstig, onder 0 ongunstig; het oordeel hierboven gaat altijd voor.`;
  const parts = hits.map((r) => `${signed(r.score)} × ${pct(r.share)} voor ‘${esc(r.title)}’`);
  return `Score ${signed(p.score)}. ${base}: ${parts.join(', ')}. Boven 0 is gunstig, onder 0 ongunstig; het oordeel hierboven gaat altijd voor.`;
}

// The verdict's colour as the server gives it (the colours of the verdict maps and the report).
function colourStyle(colour, property) {
  return /^#[0-9a-fA-F]{6}$/.test(colour || '') ? ` style="${property}:${colour}"` : '';
}

function ruleHtml(r) {
  const label = r.verdict_label || VERDICT_LABEL[r.verdict] || r.verdict;
  const conditions = (r.conditions || []).length
    ? `<div class="conditions"><strong>Voorwaarden:</strong><ul>${r.conditions.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></div>`
    : '';
  return `<li class="rule v-${esc(r.verdict)}"${colourStyle(r.verdict_colour, 'border-left-color')}>
    <div class="rule-head"><span class="badge v-${esc(r.verdict)}"${colourStyle(r.verdict_colour, 'background')}>${esc(label)}</span> <strong>${esc(r.title)}</strong></div>
    <div class="rule-where">Geldt voor ${pct(r.share)} van het plan (${ha(r.area_ha)}).</div>
    <p class="reason">${esc(r.reason)}</p>
    ${r.party ? `<p class="party">Afstemmen met: <strong>${esc(r.party)}</strong></p>` : ''}
    ${conditions}
    ${policyHtml(r.policy)}
  </li>`;
}

// A rule that waits for data: what it needs, in words, and how it gets into the model.
function waitingHtml(w) {
  const needs = w.needs_described || (w.needs || []).map((id) => ({ id, title: '', in_catalogue: false }));
  const said = needs.map((n) => (n.title ? `${esc(n.title)} (op te halen met casco data)` : `een kaart ‘${esc(n.id)}’ die nog in het model moet komen`));
  return `<li>${esc(w.title)} <span class="muted">— nodig: ${said.join('; ') || 'gegevens'}</span></li>`;
}

export function planHtml(p, i) {
  const hit = p.rules.filter((r) => r.hit && r.verdict !== 'score').sort((a, b) => (SEVERITY[b.verdict] ?? -1) - (SEVERITY[a.verdict] ?? -1));
  const scores = p.rules.filter((r) => r.hit && r.verdict === 'score');
  const missed = p.rules.filter((r) => !r.hit);
  const waiting = p.not_checked || [];
  const notes = (p.notes || []).map((n) => `<li>${esc(n)}</li>`).join('');
  return `<article class="plan-result" data-plan="${i}">
    <header class="plan-head"><span class="plan-no">${i + 1}</span>
      <div><strong>${esc(p.plan)}</strong><br><span class="muted small">${esc(p.kind_title || p.kind)} · ${ha(p.area_ha)}</span></div>
      <button type="button" class="secondary small-button" data-zoom="${i}">Toon op kaart</button></header>
    <div class="overall"><span class="badge big v-${esc(p.verdict)}"${colourStyle(p.verdict_colour, 'background')}>${esc(p.verdict_label)}</span><p>${OVERALL[p.verdict] || ''}</p></div>
    <p class="score-line">${scoreSentence(p)}</p>
    ${hit.length ? `<h4>Regels die dit plan raken</h4><ul class="rules">${hit.map(ruleHtml).join('')}</ul>` : '<p class="muted small">Geen enkele regel met een oordeel raakt dit plan.</p>'}
    ${scores.length ? `<h4>Plus- en minpunten</h4><ul class="rules">${scores.map((r) => `<li class="rule v-score"><div class="rule-head"><span class="badge v-score">${signed(r.score)}</span> <strong>${esc(r.title)}</strong></div><div class="rule-where">Geldt voor ${pct(r.share)} van het plan (${ha(r.area_ha)}).</div><p class="reason">${esc(r.reason)}</p>${policyHtml(r.policy)}</li>`).join('')}</ul>` : ''}
    ${missed.length ? `<details class="fold"><summary>Regels die dit plan niet raken (${missed.length})</summary><ul class="plain">${missed.map((r) => `<li>${esc(r.title)}</li>`).join('')}</ul></details>` : ''}
    ${waiting.length ? `<details class="fold waiting" open><summary>${waiting.length === 1 ? '1 regel wacht' : `${waiting.length} regels wachten`} op gegevens die het model nog niet heeft</summary>
      <ul class="plain">${waiting.map(waitingHtml).join('')}</ul></details>` : ''}
    ${notes ? `<ul class="notes small">${notes}</ul>` : ''}
  </article>`;
}

function verdictHtml(result) {
  const rs = result.ruleset ? `<p class="muted small">Getoetst aan ${esc(result.ruleset.name)}${result.ruleset.version ? ` (versie ${esc(result.ruleset.version)})` : ''}.</p>` : '';
  const list = result.plans.length > 1
    ? `<ol class="plan-list">${result.plans.map((p, i) => `<li data-select="${i}"><span class="badge v-${esc(p.verdict)}"${colourStyle(p.verdict_colour, 'background')}>${esc(p.verdict_label)}</span> ${esc(p.plan)}</li>`).join('')}</ol>`
    : '';
  return `${list}${result.plans.map(planHtml).join('')}${rs}
    <div class="buttons"><button type="button" id="print-verdict">Afdrukken of PDF</button>
    <button type="button" id="save-verdict" class="secondary">Opslaan als HTML</button></div>`;
}

// ------------------------------------------------------------------ selection, zoom

// The extent of one plan (index) or all, in map units; null without plans.
function plansExtent(index = -1) {
  const features = planSource.getFeatures().filter((f) => index < 0 || f.get('index') === index);
  if (!features.length) return null;
  return features.reduce((e, f) => {
    const x = f.getGeometry().getExtent();
    return [Math.min(e[0], x[0]), Math.min(e[1], x[1]), Math.max(e[2], x[2]), Math.max(e[3], x[3])];
  }, [Infinity, Infinity, -Infinity, -Infinity]);
}

export function zoomToPlans(index = -1) {
  const extent = plansExtent(index);
  // The plan fills the map with room around it: a 12 ha plan is a plan, not a dot.
  if (extent) map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 17, duration: 250 });
}

export function selectPlan(i, scroll = true) {
  selected = i;
  planSource.changed();
  for (const el of document.querySelectorAll('.plan-result')) el.classList.toggle('selected', Number(el.dataset.plan) === i);
  if (scroll) document.querySelector(`.plan-result[data-plan="${i}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

export function planAt(pixel) {
  let found = -1;
  map.forEachFeatureAtPixel(pixel, (f) => {
    if (f.get('index') !== undefined) found = f.get('index');
    return found >= 0;
  }, { layerFilter: (l) => l === planLayer });
  return found;
}

// ------------------------------------------------------------------ judging

function showError(message) {
  // A failed plan leaves nothing behind that could be mistaken for its verdict.
  const had = plans.length > 0 || planSource.getFeatures().length > 0;
  planSource.clear();
  plans = [];
  lastResult = null;
  $('verdict').innerHTML = `<p class="error">${esc(message)}</p>${had ? '<p class="muted small">De vorige plannen zijn van de kaart gehaald.</p>' : ''}`;
  emit('plans-changed');
}

export async function assess(features, { zoom = true } = {}) {
  const kind = currentKind();
  if (!kind && features.some((f) => !(f.properties && (f.properties.kind || f.properties.soort)))) {
    showError('Kies eerst de soort ontwikkeling; daarna kunt u tekenen of een bestand uploaden.');
    return;
  }
  const box = $('verdict');
  box.innerHTML = '<p class="muted small">Toetsen…</p>';
  try {
    const body = { type: 'FeatureCollection', features };
    const result = await getJson(`/api/assess?kind=${encodeURIComponent(kind)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/geo+json' },
      body: JSON.stringify(body),
    });
    plans = features;
    lastResult = result;
    planSource.clear();
    planSource.addFeatures(readFeatures(result.geojson));
    selected = result.plans.length === 1 ? 0 : -1;
    box.innerHTML = verdictHtml(result);
    if (zoom) zoomToPlans();
    emit('plans-changed');
  } catch (e) {
    showError(e.message);
  }
}

// An uploaded file: GeoJSON only; every failure in Dutch, and the old plans go.
async function upload(file) {
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch (e) {
    showError(`‘${file.name}’ is geen GeoJSON-bestand. Upload een .geojson met het plangebied als vlak.`);
    return;
  }
  const features = data?.type === 'FeatureCollection' ? data.features : data?.type === 'Feature' ? [data] : null;
  if (!Array.isArray(features) || !features.length) {
    showError(`‘${file.name}’ bevat geen plannen: verwacht een Feature of FeatureCollection met vlakken.`);
    return;
  }
  if (data.crs) {
    // Other coordinate systems go to the server as they are; it knows how to read them.
    assessRaw(JSON.stringify(data));
    return;
  }
  assess(features.map((f, i) => ({ type: 'Feature', properties: { ...(f.properties || {}), naam: f.properties?.naam || f.properties?.name || `Plan ${i + 1}` }, geometry: f.geometry })));
}

async function assessRaw(text) {
  const kind = currentKind();
  $('verdict').innerHTML = '<p class="muted small">Toetsen…</p>';
  try {
    const result = await getJson(`/api/assess?kind=${encodeURIComponent(kind)}`, { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: text });
    plans = geojson.writeFeaturesObject(readFeatures(result.geojson)).features.map((f) => ({ type: 'Feature', properties: { naam: f.properties.name, kind: f.properties.kind }, geometry: f.geometry }));
    lastResult = result;
    planSource.clear();
    planSource.addFeatures(readFeatures(result.geojson));
    $('verdict').innerHTML = verdictHtml(result);
    zoomToPlans();
    emit('plans-changed');
  } catch (e) {
    showError(e.message);
  }
}

let draw = null;
export const drawing = () => draw !== null;
function stopDrawing() {
  if (draw) map.removeInteraction(draw);
  draw = null;
  $('draw').classList.remove('active');
  $('draw').textContent = 'Plan tekenen';
}

function startDrawing() {
  if (!currentKind()) {
    showError('Kies eerst de soort ontwikkeling; daarna kunt u tekenen.');
    return;
  }
  stopDrawing();
  draw = new Draw({ source: new VectorSource(), type: 'Polygon' });
  draw.on('drawend', (ev) => {
    const f = geojson.writeFeatureObject(ev.feature, { decimals: 6 });
    f.properties = { naam: `Getekend plan ${plans.length + 1}` };
    setTimeout(stopDrawing, 0); // after OpenLayers finishes this click
    assess([...plans, f]);
  });
  map.addInteraction(draw);
  $('draw').classList.add('active');
  $('draw').textContent = 'Tekenen stoppen';
}

export function clearPlans() {
  stopDrawing();
  planSource.clear();
  plans = [];
  lastResult = null;
  $('verdict').innerHTML = '';
  emit('plans-changed');
}

// ------------------------------------------------------------------ print and save

function verdictDocument(pictures) {
  const when = new Date().toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
  const names = lastResult.plans.map((p) => p.plan).join(', ');
  const css = `body{font:13px/1.45 system-ui,"DejaVu Sans",sans-serif;color:#222;max-width:52em;margin:1.5em auto;padding:0 1em}
    h1{font-size:20px;margin:0 0 4px}h4{margin:12px 0 4px}.muted{color:#666}.small{font-size:12px}
    figure{margin:8px 0;page-break-inside:avoid}img.map{width:100%;max-height:120mm;object-fit:contain;border:1px solid #ccc}
    .badge{display:inline-block;padding:1px 7px;border-radius:10px;background:#eee;font-size:12px}
    .badge.big{font-size:15px;font-weight:700;padding:3px 10px}
    .badge.v-vrij{background:#1a9641;color:#fff}.badge.v-voorwaarde{background:#a6d96a}.badge.v-afstemming{background:#fdae61}
    .badge.v-nee_tenzij{background:#f46d43}.badge.v-verboden{background:#d7191c;color:#fff}.badge.v-score{background:#c9d3ea}
    li.rule.v-vrij{border-left-color:#1a9641}li.rule.v-voorwaarde{border-left-color:#a6d96a}li.rule.v-afstemming{border-left-color:#fdae61}
    li.rule.v-nee_tenzij{border-left-color:#f46d43}li.rule.v-verboden{border-left-color:#d7191c}li.rule.v-score{border-left-color:#c9d3ea}
    .plan-result{border-top:2px solid #ccc;padding-top:8px;margin-top:14px;page-break-inside:auto}
    .plan-head{display:flex;gap:10px;align-items:center}.plan-head button{display:none}
    .plan-no{display:inline-flex;width:24px;height:24px;border-radius:12px;background:#c2185b;color:#fff;align-items:center;justify-content:center;font-weight:700}
    .overall{display:flex;gap:10px;align-items:center}ul.rules{list-style:none;padding:0}
    li.rule{border-left:4px solid #ddd;padding:4px 0 4px 10px;margin:8px 0;page-break-inside:avoid}
    .policy{margin:6px 0 0;padding:6px 10px;background:#f5f5f0;border-radius:4px}.policy blockquote{margin:0;font-style:italic}
    .policy figcaption{color:#555;font-size:12px;margin-top:3px}.plan-list{padding-left:1.2em}
    details>summary{font-weight:600}.buttons{display:none}footer{margin-top:20px;color:#666;font-size:11px}`;
  const what = lastResult.plans.length === 1 ? 'het plan' : 'de plannen';
  const figure = (src, caption) => `<figure><img class="map" src="${src}" alt="${esc(caption)}"><figcaption class="muted small">${esc(caption[0].toUpperCase() + caption.slice(1))}</figcaption></figure>`;
  const body = $('verdict').cloneNode(true);
  body.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''));
  body.querySelectorAll('.buttons').forEach((b) => b.remove());
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Toets: ${esc(names)}</title><style>${css}</style></head>
    <body><h1>Toets van ${lastResult.plans.length === 1 ? 'het plan' : 'de plannen'}: ${esc(names)}</h1>
    <p class="muted">${esc(when)} · casco</p>
    ${pictures.plan ? figure(pictures.plan, what) : '<p class="muted">(De kaart kon niet worden meegenomen: een online achtergrondkaart staat dat niet toe.)</p>'}
    ${pictures.surroundings ? figure(pictures.surroundings, `De omgeving van ${what}, met plaatsnamen`) : ''}
    ${body.innerHTML}
    <footer>${esc(document.getElementById('credits')?.textContent || '')}</footer></body></html>`;
}

async function renderedImage() {
  await new Promise((resolve) => {
    map.once('rendercomplete', resolve);
    map.render();
  });
  return mapImage();
}

// The surroundings are drawn where the names of villages show, or wider.
const SURROUNDINGS_ZOOM = PLACE_FROM_ZOOM[4];
const SURROUNDINGS_SPAN = 12000; // at least this many map units across (about 7 km in Drenthe)

// The map as on screen, and — when that shows no more than the plan — its surroundings, with the
// place names a reader knows, drawn for a moment and the view put back.
async function mapPictures() {
  const view = map.getView();
  const plan = await renderedImage();
  const extent = plansExtent();
  if (!plan || !extent || view.getZoom() <= SURROUNDINGS_ZOOM) return { plan };
  const before = { center: view.getCenter(), resolution: view.getResolution() };
  const [cx, cy] = [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2];
  const half = Math.max(SURROUNDINGS_SPAN, 3 * (extent[2] - extent[0]), 3 * (extent[3] - extent[1])) / 2;
  view.fit([cx - half, cy - half, cx + half, cy + half], { maxZoom: SURROUNDINGS_ZOOM });
  const surroundings = await renderedImage();
  view.setCenter(before.center);
  view.setResolution(before.resolution);
  return { plan, surroundings };
}

export async function saveVerdict() {
  if (!lastResult) return;
  const html = verdictDocument(await mapPictures());
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  const slug = lastResult.plans.map((p) => p.plan).join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'plan';
  a.download = `toets-${slug}.html`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export async function printVerdict() {
  if (!lastResult) return;
  const html = verdictDocument(await mapPictures());
  const frame = document.createElement('iframe');
  frame.className = 'print-frame';
  frame.srcdoc = html;
  frame.onload = () => {
    frame.contentWindow.focus();
    frame.contentWindow.print();
    setTimeout(() => frame.remove(), 60000);
  };
  document.body.appendChild(frame);
}

// ------------------------------------------------------------------ setup

export async function setupPlans() {
  const select = $('kind');
  try {
    const k = await getJson('/api/kinds');
    if (!k.available) {
      $('assess-hint').textContent = 'Deze server toetst geen plannen (hij is gestart zonder regelbestand).';
      for (const b of ['draw', 'clear']) $(b).disabled = true;
      $('upload').disabled = true;
      return;
    }
    kinds = k.kinds;
    select.innerHTML = `<option value="">— kies de soort ontwikkeling —</option>${kinds.map((x) => `<option value="${esc(x.id)}">${esc(x.title || x.id)}</option>`).join('')}`;
  } catch (e) {
    $('assess-hint').textContent = e.message;
  }
  select.addEventListener('change', () => {
    emit('plans-changed');
    if (plans.length) assess(plans, { zoom: false });
  });
  $('draw').addEventListener('click', () => (draw ? stopDrawing() : startDrawing()));
  $('clear').addEventListener('click', clearPlans);
  $('upload').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    stopDrawing();
    upload(file);
  });
  $('verdict').addEventListener('click', (ev) => {
    const t = ev.target.closest('[data-zoom], [data-select], #print-verdict, #save-verdict, .plan-result');
    if (!t) return;
    if (t.id === 'print-verdict') printVerdict();
    else if (t.id === 'save-verdict') saveVerdict();
    else if (t.dataset.zoom !== undefined) {
      selectPlan(Number(t.dataset.zoom), false);
      zoomToPlans(Number(t.dataset.zoom));
    } else if (t.dataset.select !== undefined) {
      selectPlan(Number(t.dataset.select));
      zoomToPlans(Number(t.dataset.select));
    } else if (t.classList.contains('plan-result')) selectPlan(Number(t.dataset.plan), false);
  });
}

export function setKind(id) {
  const select = $('kind');
  if ([...select.options].some((o) => o.value === id)) select.value = id;
}
