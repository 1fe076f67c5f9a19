// Runs the browser benchmarks in Debian's Chromium and prints their figures.
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

/** Copies of the real trace points in the engine benchmark: about 10 M points. */
const ENGINE_COPIES = 118;

const server = await serveStatic(ROOT);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}bench/browser/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const results = await page.evaluate((benchCases) => window.runBench(benchCases), cases);
  const rate = ({ points, seconds }) => Math.round(points / seconds);
  const line = (what, name, wasm, js) =>
    console.log(
      `chromium ${what.padEnd(15)} ${name.padEnd(26)} ${String(wasm.points).padStart(9)} points  skyhex wasm ${rate(wasm).toLocaleString('en').padStart(11)} points/s` +
        `  JavaScript ${rate(js).toLocaleString('en').padStart(11)} points/s (${js.points} points)  ratio ${(rate(wasm) / rate(js)).toFixed(1)}x`,
    );
  for (const { name, wasm, js, ingestWasm, ingestJs, ceiling } of results) {
    line('decode', name, wasm, js);
    line('ingest to cells', name, ingestWasm, ingestJs);
    if (ceiling) {
      const [inflate, scan] = [rate(ceiling.inflate), rate(ceiling.scan)];
      const bound = Math.round(1 / (1 / inflate + 1 / scan));
      const perSecond = (value) => `${value.toLocaleString('en')} points/s`;
      console.log(
        `chromium ceiling        ${name.padEnd(26)} gzip alone ${perSecond(inflate)}, JSON scan alone ${perSecond(scan)}: ` +
          `any decoder doing both stays under ${perSecond(bound)}`,
      );
    }
  }
  const engine = await page.evaluate(
    ({ urls, copies }) => window.runEngineBench(urls, copies),
    { urls: cases[0].urls, copies: ENGINE_COPIES },
  );
  const ms = (value) => `${Math.round(value).toLocaleString('en')} ms`;
  console.log(
    `chromium engine: ${engine.points.toLocaleString('en')} points stored in ${ms(engine.buildMs)}, ` +
      `${engine.bytesPerPoint.toFixed(1)} bytes/point retained with the cells of res 5`,
  );
  console.log(
    `chromium engine: first aggregate (res 5, ${engine.first.cells} cells) ${ms(engine.first.ms)}; ` +
      `resolution change to 6 (${engine.resolution.cells} cells) ${ms(engine.resolution.ms)}; ` +
      `filter change (altitude band, ${engine.filter.cells} cells) ${ms(engine.filter.ms)}; ` +
      `back to res 5 (its cells kept) ${ms(engine.back.ms)}; ` +
      `baseline (H3 from coordinates every query) ${ms(engine.baseline.ms)}; ` +
      `filter change ${(engine.baseline.ms / engine.filter.ms).toFixed(1)}x faster than the baseline`,
  );
} finally {
  await browser.close();
  await server.close();
}
