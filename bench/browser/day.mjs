// The baseline of a day's load: the pipeline a web developer would write with the
// browser's own tools and h3-js, on the main thread. It reads the tar parts the user
// picked as one Blob (parts in name order), walks the tar headers, and for each trace
// member inflates it (DecompressionStream), parses it (JSON.parse) and counts each
// point's H3 cell at res 5 in a Map. Heatmap and other members are skipped, as skyhex
// leaves heatmaps out once the traces are in.
import { latLngToCell } from 'h3-js';

const BLOCK = 512;
const decoder = new TextDecoder();

function text(bytes, start, length) {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** The tar's members as { name, start, size }: ustar, GNU long names and pax paths. */
async function members(blob) {
  const found = [];
  let offset = 0;
  let longName = null;
  while (offset + BLOCK <= blob.size) {
    const header = new Uint8Array(await blob.slice(offset, offset + BLOCK).arrayBuffer());
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const start = offset + BLOCK;
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(new Uint8Array(await blob.slice(start, start + size).arrayBuffer()), 0, size);
      continue;
    }
    if (type === 'x') {
      const records = decoder.decode(await blob.slice(start, start + size).arrayBuffer());
      longName = /\d+ path=([^\n]*)\n/.exec(records)?.[1] ?? longName;
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = null;
    if (type === '0' || type === '\0') found.push({ name, start, size });
  }
  return found;
}

function accepted(lat, lon) {
  return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

window.runJsDay = async () => {
  const files = [...document.querySelector('#parts').files].sort((a, b) => (a.name < b.name ? -1 : 1));
  const started = performance.now();
  const archive = new Blob(files);
  const counts = new Map();
  let points = 0;
  let traces = 0;
  for (const member of await members(archive)) {
    if (!/trace_full_[^/]*\.json$/.test(member.name)) continue;
    const stream = archive.slice(member.start, member.start + member.size).stream();
    const doc = JSON.parse(await new Response(stream.pipeThrough(new DecompressionStream('gzip'))).text());
    traces += 1;
    for (const point of doc.trace) {
      if (!accepted(point[1], point[2])) continue;
      const cell = latLngToCell(point[1], point[2], 5);
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
      points += 1;
    }
  }
  return { ms: performance.now() - started, points, traces, cells: counts.size };
};
window.dayReady = true;
