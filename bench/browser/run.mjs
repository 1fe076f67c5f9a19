// Runs the browser decode benchmark in Debian's Chromium and prints its figures.
// Usage (from the repository root, after the bench wasm is built): node bench/browser/run.mjs
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { REAL, ROOT, launchBrowser, serveStatic } from '../../tests/e2e/harness.mjs';

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const url = (path) => `/${relative(ROOT, path).split('/').map(encodeURIComponent).join('/')}`;
const cases = [
  { name: 'readsb traces (gzip JSON)', kind: 'trace', urls: filesUnder(join(REAL, 'readsb_traces')).map(url) },
  { name: 'Parquet (zstd)', kind: 'parquet', urls: [url(join(REAL, 'parquet', 'adsb_actions_points.parquet'))] },
];

const server = await serveStatic(ROOT);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}bench/browser/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const results = await page.evaluate((benchCases) => window.runBench(benchCases), cases);
  for (const { name, wasm, js } of results) {
    const rate = ({ points, seconds }) => Math.round(points / seconds);
    console.log(
      `chromium ${name.padEnd(28)} ${String(wasm.points).padStart(9)} points  skyhex wasm ${rate(wasm).toLocaleString('en').padStart(11)} points/s` +
        `  JavaScript ${rate(js).toLocaleString('en').padStart(11)} points/s (${js.points} points)  ratio ${(rate(wasm) / rate(js)).toFixed(1)}x`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
