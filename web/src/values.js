// The values at a clicked point: where it is (gemeente, kern), then the layers on the map, then
// every other layer under its group (folded), as the server rounds them for people ("2,2 km",
// "haalt de norm"). Internal weights are left out.
import { $, esc, nl, getJson } from './util.js';
import { layerInfo, visibleLayers } from './layers.js';

function row(v) {
  return `<tr data-layer="${esc(v.id)}"><th>${esc(v.title)}</th><td>${esc(v.text ?? '—')}</td></tr>`;
}

export async function showValues(lonLat) {
  const box = $('values');
  box.innerHTML = '<p class="muted small">Laden…</p>';
  try {
    const v = await getJson(`/api/value?lon=${lonLat[0].toFixed(6)}&lat=${lonLat[1].toFixed(6)}`);
    if (!v.inside) {
      box.innerHTML = '<p class="muted small">Dit punt ligt buiten het modelgebied.</p>';
      return;
    }
    const values = v.values.filter((x) => x.role !== 'weight');
    const byId = new Map(values.map((x) => [x.id, x]));
    // Where: the zones at this point (gemeente, kern, postcode).
    const zones = values.filter((x) => x.zone && layerInfo.get(x.id));
    const where = zones.map((x) => `<span class="where-item">${esc(layerInfo.get(x.id).layer.title)}: <strong>${esc(x.text)}</strong></span>`).join('');
    const onMap = visibleLayers().map((l) => byId.get(l.id)).filter(Boolean);
    const place = (x) => layerInfo.get(x.id) ?? { group: '', order: Infinity };
    const groups = new Map();
    for (const x of [...values].sort((a, b) => place(a).order - place(b).order)) {
      if (x.zone) continue;
      const g = place(x).group || 'Overig';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(x);
    }
    box.innerHTML = `
      <p class="where">${where || ''}${v.in_study_area ? '' : '<span class="where-item muted">buiten het studiegebied</span>'}</p>
      ${onMap.length ? `<h3 class="values-head">Op de kaart</h3><table class="values">${onMap.map(row).join('')}</table>` : ''}
      ${[...groups.entries()].map(([g, rows]) => `<details class="values-group"><summary>${esc(g)} <span class="count">${rows.length}</span></summary>
        <table class="values">${rows.map(row).join('')}</table></details>`).join('')}
      <p class="muted small coords">${nl(v.lat, 5)}° N, ${nl(v.lon, 5)}° O</p>`;
  } catch (e) {
    box.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}
