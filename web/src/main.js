// casco viewer: the model store's layers over an offline base map, search, a link that keeps the
// view, the values at a point, plan assessment, two scenarios compared and travel time from a
// point. Each part lives in its own module; this one starts them and keeps the URL up to date.
import 'ol/ol.css';
import './style.css';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj.js';
import { map, online, loadBaseMap, setLabelsVisible, geojson } from './map.js';
import { renderLayers, setLayer, visibleLayers, showCredits } from './layers.js';
import { showValues } from './values.js';
import { setupPlans, setKind, assess, currentPlans, currentKind, drawing, planAt, selectPlan } from './plans.js';
import { setupSearch } from './search.js';
import { setupCompare, setCompareActive, compareState } from './compare.js';
import { setupReach, reachFrom, reachState, setReachVisible } from './reach.js';
import { readState, writeState, encodePlans } from './state.js';
import { $, esc, nl, getJson, debounce, on } from './util.js';

const HINTS = {
  plan: 'Klik op een plan om het te kiezen, of ergens anders voor de waarden op dat punt.',
  waarden: 'Klik op de kaart voor de waarden op dat punt.',
  vergelijk: 'Schuif de lijn om scenario A (links) en B (rechts) te vergelijken.',
  reistijd: 'Klik op de kaart: hoe ver komt u vanaf dat punt?',
};
let tab = 'plan';
let ready = false;

function showTab(name) {
  tab = HINTS[name] ? name : 'plan';
  for (const b of document.querySelectorAll('.tabs [data-tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const s of document.querySelectorAll('section.tab')) s.hidden = s.dataset.tab !== tab;
  $('map-hint').textContent = HINTS[tab];
  setCompareActive(tab === 'vergelijk');
  setReachVisible(tab === 'reistijd');
  saveState();
}

// Plans too large for a link are simplified (to a few metres) until they fit, or left out.
function plansForLink() {
  const plans = currentPlans();
  let text = encodePlans(plans);
  for (const tolerance of [2, 5, 10, 25, 50]) {
    if (text !== null) break;
    const simpler = plans.map((f) => {
      const feature = geojson.readFeature(f);
      feature.setGeometry(feature.getGeometry().simplify(tolerance));
      const out = geojson.writeFeatureObject(feature, { decimals: 6 });
      out.properties = f.properties;
      return out;
    });
    text = encodePlans(simpler);
  }
  $('link-note').hidden = text !== null;
  $('link-note').textContent = text === null ? 'Deze plannen zijn te groot voor een link: de link bewaart de kaart, maar niet de plannen.' : '';
  return text || '';
}

const saveState = debounce(() => {
  if (!ready) return;
  const view = map.getView();
  const center = view.getCenter();
  if (!center) return;
  writeState({
    view: { zoom: view.getZoom(), center: toLonLat(center) },
    layers: visibleLayers(),
    background: Object.entries(online).filter(([, o]) => o.layer.getVisible()).map(([k]) => k),
    labels: $('bg-labels').checked,
    kind: currentKind(),
    plans: plansForLink(),
    panel: tab === 'plan' ? '' : tab,
    compare: tab === 'vergelijk' ? compareState() : null,
    reach: reachState(),
  });
}, 150);

function setupPanels() {
  for (const [button, panel] of [['toggle-left', 'panel-left'], ['toggle-right', 'panel-right']]) {
    $(button).addEventListener('click', () => {
      const open = !document.body.classList.contains(`${panel}-open`);
      document.body.classList.remove('panel-left-open', 'panel-right-open');
      document.body.classList.toggle(`${panel}-open`, open);
      for (const b of ['toggle-left', 'toggle-right']) $(b).setAttribute('aria-expanded', String(b === button && open));
      setTimeout(() => map.updateSize(), 0);
    });
  }
  for (const b of document.querySelectorAll('.tabs [data-tab]')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('share').addEventListener('click', async () => {
    saveState();
    await new Promise((r) => setTimeout(r, 200));
    try {
      await navigator.clipboard.writeText(location.href);
      $('share').textContent = 'Link gekopieerd';
    } catch (e) {
      window.prompt('Kopieer deze link:', location.href);
    }
    setTimeout(() => ($('share').textContent = 'Link kopiëren'), 2000);
  });
  const background = () => {
    online.brt.layer.setVisible($('bg-brt').checked);
    online.luchtfoto.layer.setVisible($('bg-luchtfoto').checked);
    setLabelsVisible($('bg-labels').checked);
    showCredits();
    saveState();
  };
  for (const id of ['bg-brt', 'bg-luchtfoto', 'bg-labels']) $(id).addEventListener('change', background);
}

function onMapClick(ev) {
  if (drawing()) return;
  const lonLat = toLonLat(ev.coordinate);
  // Under "Reistijd" every click asks travel time, also on a plan.
  if (tab === 'reistijd') {
    reachFrom(lonLat);
    return;
  }
  const plan = planAt(ev.pixel);
  if (plan >= 0) {
    showTab('plan');
    selectPlan(plan);
    return;
  }
  if (tab !== 'waarden') showTab('waarden');
  document.body.classList.remove('panel-left-open');
  showValues(lonLat);
}

async function start() {
  const model = await getJson('/api/model');
  $('model-name').textContent = model.name;
  document.title = `casco — ${model.name}`;
  const state = readState();
  renderLayers(model);
  setupPanels();
  setupSearch();
  const base = loadBaseMap(model);
  if (state.view) map.getView().setCenter(fromLonLat(state.view.center)), map.getView().setZoom(state.view.zoom);
  else map.getView().fit(transformExtent(model.study_bounds_wgs84 || model.bounds_wgs84, 'EPSG:4326', 'EPSG:3857'), { padding: [20, 20, 20, 20] });
  for (const l of state.layers) setLayer(l.id, true, l.opacity);
  $('bg-labels').checked = state.labels;
  $('bg-brt').checked = state.background.includes('brt');
  $('bg-luchtfoto').checked = state.background.includes('luchtfoto');
  online.brt.layer.setVisible($('bg-brt').checked);
  online.luchtfoto.layer.setVisible($('bg-luchtfoto').checked);
  setLabelsVisible(state.labels);
  showCredits();
  await setupPlans();
  setKind(state.kind);
  setupCompare(model, state.compare);
  setupReach(model, state.reach);
  showTab(state.panel || 'plan');
  map.on('singleclick', onMapClick);
  map.on('moveend', saveState);
  on('layers-changed', saveState);
  on('plans-changed', saveState);
  on('state-changed', saveState);
  await base;
  ready = true;
  if (state.plans.length) await assess(state.plans, { zoom: !state.view });
  saveState();
  document.body.dataset.ready = 'true';
}

start().catch((e) => {
  $('layers').innerHTML = `<p class="error">${esc(e.message)}</p>`;
});
