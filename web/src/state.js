// The viewer's state in the URL (after #), so a link reproduces what is on screen: the view, the
// layers with their opacity, the background, the kind and the plans, the open panel, the scenario
// comparison and the travel-time point. Reloading the page restores it.
//
//   #kaart=12.5/52.99214/6.56305&lagen=natura2000:80,geschiktheid_woningbouw:60&soort=woningbouw
//    &plannen=<base64url JSON of the plans, rings as encoded polylines>&paneel=plan
import Polyline from 'ol/format/Polyline.js';
import LineString from 'ol/geom/LineString.js';

const polyline = new Polyline({ factor: 1e5 });
// Links longer than this lose their plans (browsers and chat programs cut long links).
export const MAX_PLAN_CHARS = 6000;

const encodeRing = (ring) => polyline.writeGeometry(new LineString(ring.map(([x, y]) => [y, x])));
const decodeRing = (text) => polyline.readGeometry(text).getCoordinates().map(([y, x]) => [x, y]);

function b64url(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const unb64url = (text) => new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

// Plans (GeoJSON features in WGS 84) as one short text; null when too long for a link.
export function encodePlans(features) {
  if (!features.length) return '';
  const compact = features.map((f) => {
    const g = f.geometry;
    const polygons = g.type === 'MultiPolygon' ? g.coordinates : [g.coordinates];
    const out = { n: f.properties?.naam || f.properties?.name || '', p: polygons.map((rings) => rings.map(encodeRing)) };
    const kind = f.properties?.kind || f.properties?.soort;
    if (kind) out.k = kind;
    return out;
  });
  const text = b64url(JSON.stringify(compact));
  return text.length > MAX_PLAN_CHARS ? null : text;
}

export function decodePlans(text) {
  try {
    return JSON.parse(unb64url(text)).map((p) => ({
      type: 'Feature',
      properties: { naam: p.n, ...(p.k ? { kind: p.k } : {}) },
      geometry: p.p.length === 1
        ? { type: 'Polygon', coordinates: p.p[0].map(decodeRing) }
        : { type: 'MultiPolygon', coordinates: p.p.map((rings) => rings.map(decodeRing)) },
    }));
  } catch (e) {
    return [];
  }
}

export function readState() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const s = {};
  const view = params.get('kaart');
  if (view) {
    const [z, lat, lon] = view.split('/').map(Number);
    if ([z, lat, lon].every(Number.isFinite)) s.view = { zoom: z, center: [lon, lat] };
  }
  s.layers = (params.get('lagen') || '')
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const [id, op] = item.split(':');
      const opacity = Number(op);
      return { id, opacity: Number.isFinite(opacity) ? Math.min(100, Math.max(0, opacity)) / 100 : 0.8 };
    });
  s.background = (params.get('achtergrond') || '').split(',').filter(Boolean);
  s.labels = params.get('namen') !== 'uit';
  s.kind = params.get('soort') || '';
  s.plans = params.get('plannen') ? decodePlans(params.get('plannen')) : [];
  s.panel = params.get('paneel') || '';
  const cmp = params.get('vergelijk');
  if (cmp) {
    const [a, b, mode] = cmp.split(',');
    s.compare = { a, b, mode: mode || 'schuif' };
  }
  const reach = params.get('reistijd');
  if (reach) {
    const [lon, lat, mode, minutes] = reach.split(',');
    if (Number.isFinite(Number(lon)) && Number.isFinite(Number(lat)))
      s.reach = { lon: Number(lon), lat: Number(lat), mode, minutes: Number(minutes) || 30 };
  }
  return s;
}

// Writes the state into the URL without adding a browser history step per map move.
export function writeState(s) {
  const params = new URLSearchParams();
  if (s.view) params.set('kaart', `${s.view.zoom.toFixed(2)}/${s.view.center[1].toFixed(5)}/${s.view.center[0].toFixed(5)}`);
  if (s.layers.length) params.set('lagen', s.layers.map((l) => `${l.id}:${Math.round(l.opacity * 100)}`).join(','));
  if (s.background.length) params.set('achtergrond', s.background.join(','));
  if (!s.labels) params.set('namen', 'uit');
  if (s.kind) params.set('soort', s.kind);
  if (s.plans) params.set('plannen', s.plans);
  if (s.panel) params.set('paneel', s.panel);
  if (s.compare) params.set('vergelijk', `${s.compare.a},${s.compare.b},${s.compare.mode}`);
  if (s.reach) params.set('reistijd', `${s.reach.lon.toFixed(5)},${s.reach.lat.toFixed(5)},${s.reach.mode},${s.reach.minutes}`);
  const hash = `#${params.toString()}`;
  if (hash !== location.hash) history.replaceState(null, '', hash);
}
