// End-to-end test of the web viewer: `casco serve` on a coarse Drenthe store, the page in headless
// Chromium (Debian's, through playwright-core: no browser download), a layer switched on, a plan
// inside Dwingelderveld uploaded and judged "verboden", and a screenshot for a human to look at.
//
//   node tests/viewer/e2e.mjs --casco build/apps/casco/casco --chromium /usr/bin/chromium \
//     --data data/drenthe --web web --out build/tests/viewer_e2e
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
  return path.resolve(process.argv[i + 1]);
};
const casco = arg('casco'), chromiumPath = arg('chromium'), data = arg('data'), web = arg('web');
const out = arg('out');
mkdirSync(out, { recursive: true });
// playwright-core lives in the viewer's node_modules, not beside this file.
const { chromium } = createRequire(path.join(web, 'package.json'))('playwright-core');

const started = Date.now();
const step = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
const watchdog = setTimeout(() => fail('took longer than 60 s'), 60_000);
let server = null, context = null;
const profile = mkdtempSync(path.join(tmpdir(), 'casco-e2e-chromium-'));

async function cleanup() {
  clearTimeout(watchdog);
  if (context) await context.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
}
async function fail(msg) {
  console.error(`viewer_e2e FAILED: ${msg}`);
  await cleanup();
  process.exit(1);
}

// A coarse store (250 m): a few seconds to build.
const store = path.join(out, 'e2e.gpkg');
step('building a 250 m store');
const build = spawnSync(casco, ['build', path.join(data, 'model.toml'), '-o', store, '--cell-size', '250', '-q'], {
  stdio: 'inherit',
});
if (build.status !== 0) await fail('casco build failed');

// The server picks a free port (--port 0) and prints its URL.
step('starting casco serve');
server = spawn(casco, ['serve', store, '--rules', path.join(data, 'rules.toml'), '--port', '0', '--web', path.join(web, 'dist'), '-q'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
server.on('exit', (code) => code && fail(`casco serve exited with ${code}`));
const url = await new Promise((resolve) => {
  let text = '';
  server.stdout.on('data', (chunk) => {
    text += chunk;
    const m = text.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) resolve(m[0]);
  });
});
step(`server at ${url}`);

step('launching chromium');
context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1500, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const foreign = [], pageErrors = [];
page.on('request', (r) => {
  if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreign.push(r.url());
});
page.on('pageerror', (e) => pageErrors.push(e.message));

await page.goto(url);
await page.waitForSelector('body[data-ready=true]', { timeout: 15_000 });
step('viewer loaded');

// Switch a layer on: its tiles must arrive as PNGs.
const tile = page.waitForResponse((r) => r.url().includes('/api/tiles/natura2000/') && r.status() === 200, { timeout: 15_000 });
await page.check('[data-layer=natura2000] input[type=checkbox]');
await tile;
step('natura2000 tiles load');

// Values at a point: click the middle of the map.
const box = await page.locator('#map').boundingBox();
await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
await page.waitForSelector('#values table.values', { timeout: 15_000 });
// Under the layer list's group headings, in its order: the first heading is its first group.
const firstGroup = await page.locator('#layers details.group summary').first().innerText();
const firstHeading = await page.locator('#values tr.values-group th').first().innerText();
if (!firstGroup.startsWith(firstHeading)) throw new Error(`values start under "${firstHeading}", the layer list with "${firstGroup}"`);
step('values at a point shown, grouped like the layer list');

// Upload a plan inside Dwingelderveld (Natura 2000) as housing.
const [lon, lat, d] = [6.403, 52.808, 0.002];
const plan = {
  type: 'Feature',
  properties: { naam: 'Woonwijk op de heide (e2e)' },
  geometry: { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] },
};
await page.selectOption('#kind', 'woningbouw');
await page.setInputFiles('#upload', { name: 'plan.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(plan)) });
await page.waitForSelector('#verdict table.verdicts', { timeout: 20_000 });
const overall = (await page.textContent('#verdict .overall .badge')).trim();
const table = await page.textContent('#verdict table.verdicts');
if (overall !== 'verboden' || !table.includes('verboden')) await fail(`expected "verboden", got "${overall}"`);
step('plan judged: verboden');

await page.waitForTimeout(500); // let the map finish fitting to the plan before the picture
const shot = path.join(out, 'viewer.png');
await page.screenshot({ path: shot });
step(`screenshot: ${shot}`);

if (foreign.length) await fail(`requests outside the server: ${foreign.join(', ')}`);
if (pageErrors.length) await fail(`errors in the page: ${pageErrors.join('; ')}`);
await cleanup();
step('viewer_e2e passed');
process.exit(0);
