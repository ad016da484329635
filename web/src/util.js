// Small helpers shared by the viewer's modules: DOM lookup, escaping, Dutch numbers, JSON fetches.

export const $ = (id) => document.getElementById(id);

export const esc = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// A number the Dutch way ("1.234,5"); '—' for nothing.
export const nl = (v, digits = 1) =>
  v === null || v === undefined || Number.isNaN(Number(v))
    ? '—'
    : Number(v).toLocaleString('nl-NL', { maximumFractionDigits: digits });

// Hectares for people: whole hectares from 10 up, one decimal below.
export const ha = (v) => `${nl(v, Math.abs(v) >= 10 ? 0 : 1)} ha`;

// A share 0-1 as a percentage people read: "37 %", "0,4 %", "< 0,1 %".
export const pct = (share) => {
  const p = share * 100;
  if (p > 0 && p < 0.1) return '< 0,1 %';
  return `${nl(p, p < 10 ? 1 : 0)} %`;
};

// A signed score: "+1,2", "−0,7", "0".
export const signed = (v) => {
  const r = Math.round(v * 100) / 100;
  if (r === 0) return '0';
  return `${r > 0 ? '+' : '−'}${nl(Math.abs(r), 2)}`;
};

export async function getJson(url, options) {
  let res;
  try {
    res = await fetch(url, options);
  } catch (e) {
    throw new Error('De server is niet bereikbaar. Draait casco serve nog?');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.fout || `De server gaf een fout (${res.status}).`);
  return body;
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

// A tiny event hub so modules can react to each other without importing each other.
const listeners = new Map();
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, []);
  listeners.get(name).push(fn);
}
export function emit(name, ...args) {
  for (const fn of listeners.get(name) || []) fn(...args);
}
