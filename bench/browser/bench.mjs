// Decode throughput in the browser: skyhex-core in wasm against the JavaScript stack a web
// developer would reach for (DecompressionStream + JSON.parse for readsb traces, hyparquet
// for Parquet), on the same bytes, in the same page. Both keep each point's time, position
// and altitude in columns, and count the accepted points.
import init, { decodePoints } from './pkg/skyhex_bench.js';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const PASSES = 5;

async function fetchAll(urls) {
  return Promise.all(urls.map(async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer())));
}

function accepted(lat, lon) {
  return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Columns a JavaScript pipeline would fill; grown like a plain array. */
class Columns {
  constructor() {
    this.time = [];
    this.lat = [];
    this.lon = [];
    this.alt = [];
  }

  push(time, lat, lon, alt) {
    this.time.push(time);
    this.lat.push(lat);
    this.lon.push(lon);
    this.alt.push(alt);
  }
}

async function tracesInJs(contents) {
  const columns = new Columns();
  for (const bytes of contents) {
    const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    const doc = JSON.parse(text);
    for (const point of doc.trace) {
      if (accepted(point[1], point[2])) {
        columns.push(doc.timestamp + point[0], point[1], point[2], typeof point[3] === 'number' ? point[3] : null);
      }
    }
  }
  return columns.lat.length;
}

async function parquetInJs(contents) {
  const columns = new Columns();
  for (const bytes of contents) {
    const rows = await parquetReadObjects({ file: bytes.buffer, compressors, columns: ['ts', 'lat', 'lon', 'alt_ft'] });
    for (const row of rows) {
      if (accepted(row.lat, row.lon)) columns.push(row.ts, row.lat, row.lon, row.alt_ft);
    }
  }
  return columns.lat.length;
}

function inWasm(contents) {
  let points = 0;
  for (const bytes of contents) points += decodePoints(bytes);
  return points;
}

async function best(work) {
  let seconds = Infinity;
  let points = 0;
  for (let pass = 0; pass < PASSES; pass += 1) {
    const start = performance.now();
    points = await work();
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
  }
  return { points, seconds };
}

window.runBench = async (cases) => {
  await init();
  const results = [];
  for (const { name, urls, kind } of cases) {
    const contents = await fetchAll(urls);
    const wasm = await best(() => inWasm(contents));
    const js = await best(() => (kind === 'trace' ? tracesInJs(contents) : parquetInJs(contents)));
    results.push({ name, wasm, js });
  }
  return results;
};
window.benchReady = true;
