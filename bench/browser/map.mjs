// The map in the app (dist/) in Debian's Chromium, where WebGL2 runs on SwiftShader (the
// CPU): a million H3 cells (a pre-aggregated table written here with h3-js) loaded, then
// frames while panning with the keyboard. The baseline is the same page with WebGL2
// hidden, drawing on its 2D-canvas fallback, on 188,251 cells (a 2D frame of a million
// takes minutes).
// Usage (from the repository root, after `make dist`): node bench/browser/map.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { gridDisk, latLngToCell } from 'h3-js';

import { ROOT, launchBrowser, serveStatic } from '../../tests/e2e/harness.mjs';

/** Discs of res-7 cells this many rings wide hold 3k(k+1)+1 cells: 1,000,519 and 188,251. */
const RINGS = { million: 577, baseline: 250 };
/** Frames timed while panning (SwiftShader takes seconds a frame at a million cells). */
const FRAMES = { million: 10, baseline: 5 };

function writeCells(rings) {
  const dir = join(ROOT, 'target', 'bench-map');
  mkdirSync(dir, { recursive: true });
  const cells = gridDisk(latLngToCell(39.4991, -119.7681, 7), rings);
  // Counts vary deterministically, so the quantile classes are all used.
  const rows = cells.map((cell) => `${cell},${(parseInt(cell.slice(-7, -3), 16) % 997) + 1}`);
  const path = join(dir, `cells-${cells.length}.csv`);
  writeFileSync(path, `h3_index,point_count\n${rows.join('\n')}\n`);
  return { path, cells: cells.length };
}

/** Milliseconds between animation frames while the map pans a step each frame. */
function panFrames(frames) {
  return new Promise((resolve) => {
    const canvas = document.querySelector('[data-testid=map]');
    const intervals = [];
    let last = performance.now();
    const step = () => {
      const now = performance.now();
      intervals.push(now - last);
      last = now;
      if (intervals.length > frames) {
        resolve(intervals.slice(1));
        return;
      }
      const key = intervals.length % 8 < 4 ? 'ArrowLeft' : 'ArrowRight';
      canvas.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function run(browser, server, path, { webgl, frames }) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  if (!webgl) {
    await page.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function withoutWebGl2(kind, ...rest) {
        return kind === 'webgl2' ? null : getContext.call(this, kind, ...rest);
      };
    });
  }
  await page.goto(`${server.url}?res=7`);
  await page.waitForSelector('[data-testid=status][data-state=ready]', { timeout: 120_000 });
  const start = performance.now();
  await page.getByTestId('file-input').setInputFiles([path]);
  await page.waitForSelector('[data-testid=status][data-state=loading]');
  await page.waitForSelector('[data-testid=status][data-state=ready]', { timeout: 600_000 });
  // The first frame with the new mesh (built and uploaded when the aggregate arrives).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const loadMs = performance.now() - start;
  const cells = Number(await page.getAttribute('[data-testid=stat-cells]', 'data-value'));
  const intervals = await page.evaluate(panFrames, frames);
  await page.close();
  return { cells, loadMs, median: percentile(intervals, 0.5), p95: percentile(intervals, 0.95) };
}

const million = writeCells(RINGS.million);
const baseline = writeCells(RINGS.baseline);
const server = await serveStatic();
const browser = await launchBrowser();
try {
  const big = await run(browser, server, million.path, { webgl: true, frames: FRAMES.million });
  const gl = await run(browser, server, baseline.path, { webgl: true, frames: FRAMES.baseline });
  const canvas = await run(browser, server, baseline.path, { webgl: false, frames: FRAMES.baseline });
  for (const [shown, expected] of [[big.cells, million.cells], [gl.cells, baseline.cells], [canvas.cells, baseline.cells]]) {
    if (shown !== expected) throw new Error(`expected ${expected} cells, the page shows ${shown}`);
  }
  const ms = (value) => `${Math.round(value).toLocaleString('en')} ms`;
  const count = (value) => value.toLocaleString('en');
  console.log(
    `chromium map, WebGL2 on SwiftShader: ${count(big.cells)} cells (H3 table, res 7) loaded and drawn in ${ms(big.loadMs)}; ` +
      `frame while panning: median ${ms(big.median)}, p95 ${ms(big.p95)}`,
  );
  console.log(
    `chromium map, ${count(gl.cells)} cells: loaded and drawn in ${ms(gl.loadMs)}, frame median ${ms(gl.median)} (p95 ${ms(gl.p95)}); ` +
      `2D canvas: ${ms(canvas.loadMs)}, frame median ${ms(canvas.median)} (p95 ${ms(canvas.p95)}); frames ${(canvas.median / gl.median).toFixed(1)}x faster`,
  );
} finally {
  await browser.close();
  await server.close();
}
