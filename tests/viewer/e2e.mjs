// End-to-end test of the web viewer: `casco serve` on a coarse Drenthe store with the woningbouw
// suitability maps, the page in headless Chromium (Debian's, through playwright-core: no browser
// download). It searches a place, switches on a suitability layer, reloads the link and gets the
// same view, uploads a plan inside Dwingelderveld and reads its verdict with the policy citation,
// saves the verdict, sees a failed upload clear the plans, asks travel time from a point and looks
// at the phone layout. A plan is also drawn by clicking its corners on the map. Screenshots and the saved verdict stay in --out for a human to look at.
// It prints two figures: the first screen after `casco serve` starts (warm legend cache) and the
// search latency as the page sees it.
//
//   node tests/viewer/e2e.mjs --casco build/apps/casco/casco --chromium /usr/bin/chromium \
//     --data data/drenthe --web web --out build/tests/viewer_e2e
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const watchdog = setTimeout(() => fail('took longer than 100 s'), 100_000);
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
const expect = (ok, msg) => ok || fail(msg);
// A step that throws (a selector that never appears …) fails the test and still stops the server.
process.on('unhandledRejection', (e) => fail(e && e.message ? e.message : String(e)));
process.on('uncaughtException', (e) => fail(e && e.message ? e.message : String(e)));

// A coarse store (250 m) with the suitability maps for housing: a few seconds to build.
const store = path.join(out, 'e2e.gpkg');
rmSync(`${store}.legends.json`, { force: true });
step('building a 250 m store with the suitability for woningbouw');
const run = (args) => spawnSync(casco, args, { stdio: 'inherit' }).status === 0;
if (!run(['build', path.join(data, 'model.toml'), '-o', store, '--cell-size', '250', '-q'])) await fail('casco build failed');
if (!run(['suitability', store, path.join(data, 'rules.toml'), '--kind', 'woningbouw', '-o', path.join(out, 'geschiktheid'), '-q']))
  await fail('casco suitability failed');

// The server picks a free port (--port 0) and prints its URL. The viewer file (base map, search,
// travel time) is the one beside the rule file.
function serve() {
  const t0 = Date.now();
  server = spawn(casco, ['serve', store, '--rules', path.join(data, 'rules.toml'), '--port', '0', '--web', path.join(web, 'dist'), '-q'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const s = server;
  s.on('exit', (code) => code && s === server && fail(`casco serve exited with ${code}`));
  return new Promise((resolve) => {
    let text = '';
    s.stdout.on('data', (chunk) => {
      text += chunk;
      const m = text.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], t0, listening: Date.now() - t0 });
    });
  });
}
async function stop() {
  const s = server;
  server = null;
  s.kill('SIGTERM');
  await new Promise((r) => s.once('exit', r));
}

step('launching chromium');
context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1500, height: 900 },
  acceptDownloads: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const foreign = [], pageErrors = [];
let url = '';
page.on('request', (r) => {
  if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:') && r.url() !== 'about:blank') foreign.push(r.url());
});
page.on('pageerror', (e) => pageErrors.push(e.message));
const ready = () => page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
const hashParam = (name) => new URLSearchParams(new URL(page.url()).hash.slice(1)).get(name);
// The map's zoom once an animated jump has brought it to at least `min` (or after 10 s, however
// far it got): on a busy machine an animation takes longer than it does on an idle one.
const zoomReaching = async (min) => {
  const zoom = () => Number((hashParam('kaart') || '').split('/')[0]);
  for (let waited = 0; zoom() < min && waited < 10_000; waited += 200) await page.waitForTimeout(200);
  return zoom();
};

// First run: the server writes its legend cache beside the store. Second run: the first screen
// as a user gets it, timed from the moment `casco serve` is started.
({ url } = await serve());
await page.goto(url);
await ready();
await stop();
let t0, listening;
({ url, t0, listening } = await serve());
await page.goto(url);
await ready();
const firstScreen = Date.now() - t0;
step(`first screen ${firstScreen} ms after casco serve started (warm legend cache; listening after ${listening} ms)`);
await page.screenshot({ path: path.join(out, '1-start.png') });

// Nothing is chosen for the user: no kind of development preselected.
expect((await page.inputValue('#kind')) === '', 'a kind of development is preselected');

// Search: typing a place lists it; Enter jumps there and highlights it.
await page.fill('#search', 'Dwingeloo');
await page.waitForSelector('#search-results li[data-i]', { timeout: 10_000 });
const first = await page.locator('#search-results li[data-i]').first().innerText();
expect(first.includes('Dwingeloo'), `first search result is "${first}"`);
await page.press('#search', 'Enter');
await page.waitForSelector('body[data-searched="Dwingeloo"]', { timeout: 10_000 });
const zoomAfterSearch = await zoomReaching(12); // the jump animates
expect(zoomAfterSearch >= 12, `the map did not zoom in on Dwingeloo (zoom ${zoomAfterSearch})`);
// Search latency as the page sees it: the median of 20 requests.
const latency = await page.evaluate(async () => {
  const times = [];
  for (let i = 0; i < 20; ++i) {
    const t = performance.now();
    await (await fetch(`/api/search?q=${['assen', 'emmen', '9401', 'dwingel', 'coevorden'][i % 5]}&limit=8`)).json();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[10];
});
step(`search answers in ${latency.toFixed(1)} ms (median of 20, in the page)`);
await page.screenshot({ path: path.join(out, '2-search.png') });

// A suitability layer: its group opens, its tiles arrive as PNGs, its legend names the classes.
const tile = page.waitForResponse((r) => r.url().includes('/api/tiles/geschiktheid_woningbouw/') && r.status() === 200, { timeout: 15_000 });
await page.click('#layers details.group:has([data-layer=geschiktheid_woningbouw]) > summary');
await page.check('[data-layer=geschiktheid_woningbouw] input[type=checkbox]');
await tile;
const legend = await page.innerText('[data-layer=geschiktheid_woningbouw] .legend-classes');
for (const word of ['verboden', 'nee, tenzij', 'toegestaan onder voorwaarden'])
  expect(legend.includes(word), `suitability legend lacks "${word}": ${legend}`);
step('suitability layer on, classes named in the legend');
await page.waitForTimeout(800);
await page.screenshot({ path: path.join(out, '3-suitability.png') });

// The link keeps the view and the layer: reload and get the same.
await page.waitForFunction(() => location.hash.includes('geschiktheid_woningbouw'), null, { timeout: 5000 });
const before = { kaart: hashParam('kaart'), lagen: hashParam('lagen') };
const reloadTile = page.waitForResponse((r) => r.url().includes('/api/tiles/geschiktheid_woningbouw/') && r.status() === 200, { timeout: 15_000 });
await page.reload();
await ready();
await reloadTile;
expect(await page.isChecked('[data-layer=geschiktheid_woningbouw] input[type=checkbox]'), 'the layer is off after reloading the link');
const after = { kaart: hashParam('kaart'), lagen: hashParam('lagen') };
expect(JSON.stringify(after) === JSON.stringify(before), `after reloading ${JSON.stringify(after)}, before ${JSON.stringify(before)}`);
step(`reloaded the link: same view (${after.kaart}) and layers (${after.lagen})`);
await page.waitForTimeout(800);
await page.screenshot({ path: path.join(out, '4-reloaded.png') });

// A plan inside Dwingelderveld (Natura 2000) as housing: verboden, with the policy it rests on.
const square = (lon, lat, d, naam) => ({
  type: 'Feature',
  properties: { naam },
  geometry: { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] },
});
const upload = (name, json) => page.setInputFiles('#upload', { name, mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(json)) });
await page.selectOption('#kind', 'woningbouw');
await upload('plan.geojson', square(6.403, 52.808, 0.002, 'Woonwijk op de heide (e2e)'));
await page.waitForSelector('#verdict .plan-result', { timeout: 20_000 });
const overall = (await page.textContent('#verdict .overall .badge')).trim();
expect(overall === 'verboden', `expected "verboden", got "${overall}"`);
const badgeColour = await page.$eval('#verdict .overall .badge', (e) => getComputedStyle(e).backgroundColor);
expect(badgeColour === 'rgb(215, 25, 28)', `the verdict badge is ${badgeColour}, not the verdict maps' #d7191c`);
const kindShown = await page.textContent('#verdict .plan-head .muted');
expect(kindShown.includes('Woningbouw'), `the kind is shown as "${kindShown}"`);
const citation = await page.locator('#verdict li.rule.v-verboden .policy figcaption').first().innerText();
expect(/\(\d{4}\)/.test(citation), `no policy citation under the forbidding rule: "${citation}"`);
const score = await page.textContent('#verdict .score-line');
expect(/^Score .+ De score telt/.test(score), `the score is not explained: "${score}"`);
const waiting = await page.innerText('#verdict details.waiting');
expect(waiting.includes('Natuurnetwerk Nederland'), 'the waiting rules do not say what data they need');
const verdictText = await page.innerText('#verdict');
expect(!/EPSG|WGS|omgerekend/.test(verdictText), 'coordinate-system jargon in the verdict');
const planZoom = await zoomReaching(14); // the map fits the plan
expect(planZoom >= 14, `the map did not zoom to the 12 ha plan (zoom ${planZoom})`);
expect(hashParam('soort') === 'woningbouw' && !!hashParam('plannen'), 'the link lacks the kind or the plan');
step(`plan judged: verboden, citing "${citation}"`);
await page.screenshot({ path: path.join(out, '5-verdict.png') });

// The verdict saved as one HTML file with its map.
const download = page.waitForEvent('download', { timeout: 15_000 });
await page.click('#save-verdict');
const saved = path.join(out, 'toets.html');
await (await download).saveAs(saved);
const html = readFileSync(saved, 'utf8');
const pictures = [...html.matchAll(/<img class="map" src="data:image\/png;base64,([^"]+)"/g)];
expect(pictures.length === 2, `the saved verdict has ${pictures.length} maps, not the plan and its surroundings`);
pictures.forEach((p, i) => writeFileSync(path.join(out, `toets-kaart-${i + 1}.png`), Buffer.from(p[1], 'base64')));
expect(html.includes('De omgeving van het plan'), 'the surroundings map has no caption');
expect(html.includes(citation.split(',')[0]), 'the saved verdict lacks the policy citation');
step(`verdict saved: ${saved}`);

// The link brings the plan and its verdict back.
await page.reload();
await ready();
await page.waitForSelector('#verdict .plan-result', { timeout: 20_000 });
expect((await page.inputValue('#kind')) === 'woningbouw', 'the kind is lost after reloading');
expect((await page.textContent('#verdict .overall .badge')).trim() === 'verboden', 'the verdict is lost after reloading');
step('reloaded the link: the plan and its verdict are back');

// A plan outside the study area: a Dutch error, and the old plan is gone from list, map and link.
await upload('amsterdam.geojson', square(4.9, 52.37, 0.003, 'Amsterdam'));
await page.waitForSelector('#verdict .error', { timeout: 10_000 });
const error = await page.innerText('#verdict .error');
expect(error.includes('buiten het studiegebied'), `error not in plain Dutch: "${error}"`);
expect((await page.locator('#verdict .plan-result').count()) === 0, 'the previous verdict stayed');
await page.waitForFunction(() => !location.hash.includes('plannen='), null, { timeout: 5000 });
step(`failed upload: "${error}"; previous plan cleared`);

// A plan drawn on the map: click the corners, double-click the last one.
await page.click('#draw');
const m = await page.locator('#map').boundingBox();
const cx = m.x + m.width / 2, cy = m.y + m.height / 2;
await page.mouse.click(cx - 120, cy - 80);
await page.waitForTimeout(250);
await page.mouse.click(cx + 120, cy - 80);
await page.waitForTimeout(250);
await page.mouse.click(cx + 60, cy + 100);
await page.waitForTimeout(250);
await page.mouse.dblclick(cx - 100, cy + 90);
await page.waitForSelector('#verdict .plan-result', { timeout: 20_000 });
const drawn = await page.textContent('#verdict .plan-head strong');
expect(drawn.startsWith('Getekend plan'), `the drawn plan is called "${drawn}"`);
step(`plan drawn and judged: ${drawn}, ${(await page.textContent('#verdict .overall .badge')).trim()}`);

// Travel time from a clicked point.
await page.click('.tabs [data-tab=reistijd]');
const box = await page.locator('#map').boundingBox();
await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
await page.waitForSelector('#reach-result .legend-classes li', { timeout: 15_000 });
const method = await page.innerText('#reach-result .method');
step(`travel time from a point: ${method}`);
await page.screenshot({ path: path.join(out, '6-reach.png') });

// A phone: the map fills the screen, the panels open on request.
await page.setViewportSize({ width: 390, height: 800 });
await page.waitForTimeout(500);
const mapBox = await page.locator('#map').boundingBox();
expect(mapBox.width >= 380, `on a phone the map is ${mapBox.width} px wide`);
await page.screenshot({ path: path.join(out, '7-phone.png') });
await page.click('#toggle-left');
await page.waitForTimeout(400);
expect(await page.isVisible('#layers'), 'the layer panel does not open on a phone');
await page.screenshot({ path: path.join(out, '8-phone-layers.png') });
step('phone layout: map full width, panels open on request');

if (foreign.length) await fail(`requests outside the server: ${foreign.join(', ')}`);
if (pageErrors.length) await fail(`errors in the page: ${pageErrors.join('; ')}`);
console.log(`viewer_e2e figures: first screen ${firstScreen} ms; search ${latency.toFixed(1)} ms`);
await cleanup();
step(`viewer_e2e passed; screenshots in ${out}`);
process.exit(0);
