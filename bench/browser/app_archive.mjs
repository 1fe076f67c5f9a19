// The app itself (dist/) in Debian's Chromium on a split tar archive (the parts in DIR,
// `*.tar.aa`, `*.tar.ab`, …): time to load it on 1 worker (the baseline) and on 2 — and,
// for a day with heatmaps, to the map from its heatmaps first —, the resolution and filter
// changes through the workers, memory the points take, and the browser's peak memory.
// With JS_BASELINE=1 (a small day: it holds every trace in one tab's JavaScript), first the
// baseline: the JavaScript pipeline of day.mjs on the same parts, and skyhex's load as a ratio to it.
// Usage: [WORKERS=1,2] [JS_BASELINE=1] node bench/browser/app_archive.mjs DIR
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, launchBrowser, openTab, serveStatic, setResolution } from '../../tests/e2e/harness.mjs';

const dir = process.argv[2];
const parts = readdirSync(dir).filter((name) => /\.tar\.[a-z]{2}$/.test(name)).sort().map((name) => join(dir, name));
// WORKERS=2 runs one worker count only (the first is the baseline of the ratios).
const WORKER_COUNTS = (process.env.WORKERS ?? '1,2').split(',').map(Number);
/** The pause before each click, as a user's. */
const PAUSE_MS = 3_000;

/** Resident memory of Chromium's renderer processes (the page and its workers), in bytes. */
function rendererBytes() {
  const ps = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('chromium') && line.includes('--type=renderer'))
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0]) * 1024, 0);
}

async function waitReady(page) {
  await page.waitForSelector('[data-testid=status][data-state=ready]', { timeout: 600_000 });
}

/**
 * Milliseconds from `click` until the page is ready again, after a pause: a user looks at
 * the map between clicks, and the workers prepare neighbouring resolutions meanwhile.
 */
async function clickAfterPause(page, click) {
  await page.waitForTimeout(PAUSE_MS);
  const start = performance.now();
  await click();
  await waitReady(page);
  return performance.now() - start;
}

async function run(browser, server, workers) {
  const page = await browser.newPage();
  // A day's clicks can keep the page busy for long: the bench waits (and reports) rather than fails.
  page.setDefaultTimeout(600_000);
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}?workers=${workers}`);
  await waitReady(page);
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, rendererBytes()); }, 200);
  const demoPoints = Number(await page.getAttribute('[data-testid=stat-points]', 'data-value'));
  const start = performance.now();
  await page.getByTestId('file-input').setInputFiles(parts);
  await page.waitForSelector('[data-testid=status][data-state=loading]');
  // The first map drawn while the traces still load (from the heatmaps, if the day has them).
  const preview = page
    .waitForFunction((demo) => {
      const previewing = document.querySelector('[data-testid=status]')?.dataset.previewing === 'true';
      const points = Number(document.querySelector('[data-testid=stat-points]')?.dataset.value);
      return previewing && points > 0 && points !== demo && points;
    }, demoPoints, { timeout: 600_000, polling: 100 })
    .then(async (points) => ({ ms: performance.now() - start, points: await points.jsonValue() }))
    .catch(() => null);
  await waitReady(page);
  const loadMs = performance.now() - start;
  const previewed = await Promise.race([preview, new Promise((done) => setTimeout(() => done(null), 10))]);
  console.error(`loaded on ${workers} worker(s) in ${Math.round(loadMs)} ms (map from heatmaps: ${JSON.stringify(previewed)}); renderer peak so far ${Math.round(peak / 1e6)} MB`);
  const points = Number(await page.getAttribute('[data-testid=stat-points]', 'data-value'));
  const status = await page.getByTestId('status').innerText();
  const wasmLoaded = Number(await page.getAttribute('[data-testid=status]', 'data-memory-bytes'));
  const resMs = await clickAfterPause(page, () => setResolution(page, 6));
  const resStatus = await page.getByTestId('status').innerText();
  await openTab(page, 'filters');
  const filterMs = await clickAfterPause(page, async () => {
    await page.getByTestId('filter-min-alt').fill('10000');
    await page.getByTestId('filter-min-alt').press('Enter');
  });
  const filterStatus = await page.getByTestId('status').innerText();
  const backMs = await clickAfterPause(page, () => setResolution(page, 5));
  const wasmEnd = Number(await page.getAttribute('[data-testid=status]', 'data-memory-bytes'));
  clearInterval(sampler);
  peak = Math.max(peak, rendererBytes());
  await page.close();
  return { workers, loadMs, previewed, points, status, resStatus, resMs, filterMs, filterStatus, backMs, peak, wasmLoaded, wasmEnd };
}

/** The JavaScript pipeline (day.mjs) on the parts, in a page of its own. */
async function runJs(browser) {
  const root = await serveStatic(ROOT);
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(`${root.url}bench/browser/day.html`);
    await page.waitForFunction(() => window.dayReady === true);
    await page.locator('#parts').setInputFiles(parts);
    const result = await page.evaluate(() => window.runJsDay());
    await page.close();
    return result;
  } finally {
    await root.close();
  }
}

const server = await serveStatic();
const browser = await launchBrowser();
try {
  const js = process.env.JS_BASELINE === '1' ? await runJs(browser) : null;
  if (js) {
    console.log(
      `chromium JavaScript pipeline (tar headers through Blob.slice, DecompressionStream, JSON.parse, h3-js res 5 into a Map; main thread), split tar (${parts.length} parts): ` +
        `${js.traces.toLocaleString('en')} traces, ${js.points.toLocaleString('en')} points in ${js.cells.toLocaleString('en')} cells in ${Math.round(js.ms).toLocaleString('en')} ms ` +
        `(${Math.round(js.points / (js.ms / 1000)).toLocaleString('en')} points/s)`,
    );
  }
  const results = [];
  for (const workers of WORKER_COUNTS) results.push(await run(browser, server, workers));
  const mb = (bytes) => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;
  for (const r of results) {
    const rate = Math.round(r.points / (r.loadMs / 1000)).toLocaleString('en');
    const previewed = r.previewed
      ? `map from the heatmaps (${r.previewed.points.toLocaleString('en')} positions) after ${Math.round(r.previewed.ms).toLocaleString('en')} ms, `
      : 'no map from heatmaps, ';
    console.log(
      `chromium app, split tar (${parts.length} parts): ${r.workers} worker(s): ${previewed}${r.points.toLocaleString('en')} points loaded in ${Math.round(r.loadMs).toLocaleString('en')} ms ` +
        `(${rate} points/s; ${(results[0].loadMs / r.loadMs).toFixed(2)}x the 1-worker baseline); each after a ${PAUSE_MS / 1000} s pause: resolution 5→6 ${Math.round(r.resMs).toLocaleString('en')} ms; ` +
        `filter change (altitude ≥ 10,000 ft) ${Math.round(r.filterMs).toLocaleString('en')} ms; ` +
        `back to resolution 5 (its cells kept) ${Math.round(r.backMs).toLocaleString('en')} ms; ` +
        `renderer peak ${mb(r.peak)}; wasm memory (workers and page) ${mb(r.wasmLoaded)} when loaded, ${mb(r.wasmEnd)} at the end; status: ${r.status}; after the resolution change: ${r.resStatus}; ` +
        `after the filter change: ${r.filterStatus}` +
        (js ? `; the JavaScript pipeline took ${(js.ms / r.loadMs).toFixed(2)}x this load's time` : ''),
    );
  }
} finally {
  await browser.close();
  await server.close();
}
