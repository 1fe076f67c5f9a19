// Benchmarks in the browser, skyhex-core in wasm against the JavaScript stack a web
// developer would reach for, on the same bytes, in the same page:
// - decode: DecompressionStream + JSON.parse for readsb traces, hyparquet for Parquet; both
//   keep each point's time, position and altitude in columns and count accepted points;
// - ingest to cells: the same plus each point's H3 cell (h3-js) counted in a Map;
// - ceiling of trace decoding: gzip alone and a JSON scan alone in wasm (any decoder does both);
// - engine: queries over ~10 M stored points (real traces replicated), as a user's clicks cause.
import init, { EngineBench, decodePoints, inflateGzip, ingestToCells, scanJson } from './pkg/skyhex_bench.js';
import { latLngToCell } from 'h3-js';
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

async function tracesInto(contents, columns) {
  for (const bytes of contents) {
    const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    const doc = JSON.parse(text);
    for (const point of doc.trace) {
      if (accepted(point[1], point[2])) {
        columns.push(doc.timestamp + point[0], point[1], point[2], typeof point[3] === 'number' ? point[3] : null);
      }
    }
  }
}

async function parquetInto(contents, columns) {
  for (const bytes of contents) {
    const rows = await parquetReadObjects({ file: bytes.buffer, compressors, columns: ['ts', 'lat', 'lon', 'alt_ft'] });
    for (const row of rows) {
      if (accepted(row.lat, row.lon)) columns.push(row.ts, row.lat, row.lon, row.alt_ft);
    }
  }
}

async function decodeInJs(contents, kind) {
  const columns = new Columns();
  await (kind === 'trace' ? tracesInto : parquetInto)(contents, columns);
  return columns.lat.length;
}

function inWasm(contents) {
  let points = 0;
  for (const bytes of contents) points += decodePoints(bytes);
  return points;
}

function ingestInWasm(contents, res) {
  let points = 0;
  for (const bytes of contents) points += ingestToCells(bytes, res);
  return points;
}

/** The JavaScript stack's ingest: decode as above, then one H3 cell per point into a Map. */
async function ingestInJs(contents, kind, res) {
  const columns = new Columns();
  const decode = kind === 'trace' ? tracesInto : parquetInto;
  await decode(contents, columns);
  const counts = new Map();
  for (let i = 0; i < columns.lat.length; i += 1) {
    const cell = latLngToCell(columns.lat[i], columns.lon[i], res);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return columns.lat.length;
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

/** Gzip alone and a JSON scan alone, in wasm, over the trace files `contents`. */
async function traceCeiling(contents) {
  const plain = await Promise.all(
    contents.map(async (bytes) => new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())),
  );
  const points = inWasm(contents);
  const inflate = await best(() => {
    contents.forEach((bytes) => inflateGzip(bytes));
    return points;
  });
  const scan = await best(() => {
    plain.forEach((json) => scanJson(json));
    return points;
  });
  return { inflate, scan };
}

window.runBench = async (cases) => {
  await init();
  const results = [];
  for (const { name, urls, kind } of cases) {
    const contents = await fetchAll(urls);
    const wasm = await best(() => inWasm(contents));
    const js = await best(() => decodeInJs(contents, kind));
    const ingestWasm = await best(() => ingestInWasm(contents, 5));
    const ingestJs = await best(() => ingestInJs(contents, kind, 5));
    const ceiling = kind === 'trace' ? await traceCeiling(contents) : null;
    results.push({ name, wasm, js, ingestWasm, ingestJs, ceiling });
  }
  return results;
};

function timedMs(work) {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

window.runEngineBench = async (urls, copies) => {
  await init();
  const contents = await fetchAll(urls);
  const joined = new Uint8Array(contents.reduce((sum, bytes) => sum + bytes.length, 0));
  let offset = 0;
  for (const bytes of contents) {
    joined.set(bytes, offset);
    offset += bytes.length;
  }
  const lengths = new Uint32Array(contents.map((bytes) => bytes.length));
  const build = timedMs(() => new EngineBench(joined, lengths, copies));
  const bench = build.result;
  const first = timedMs(() => bench.query(5, false));
  const bytesPerPoint = bench.bytesPerPoint();
  const resolution = timedMs(() => bench.query(6, false));
  const filter = timedMs(() => bench.query(6, true));
  const back = timedMs(() => bench.query(5, false));
  const baseline = timedMs(() => bench.queryFromBatches(6));
  const figures = {
    points: bench.points(),
    bytesPerPoint,
    buildMs: build.ms,
    first: { cells: first.result, ms: first.ms },
    resolution: { cells: resolution.result, ms: resolution.ms },
    filter: { cells: filter.result, ms: filter.ms },
    back: { cells: back.result, ms: back.ms },
    baseline: { cells: baseline.result, ms: baseline.ms },
  };
  bench.free();
  return figures;
};
window.benchReady = true;
