// The map in Chromium (WebGL2 through SwiftShader here): what is drawn where, the tooltip,
// the PNG export and the 2D-canvas fallback. Expected cells come from the skyhex CLI, cell centres from h3-js.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cellToLatLng, latLngToCell } from 'h3-js';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

import { DIST, OUTPUT, launchBrowser, newPage, openTab, screenshot, serveStatic, skyhex, waitReady } from './harness.mjs';

const DEMO = join(DIST, 'demo', 'adsb_actions_points.parquet');
const OCEAN = [0x0b, 0x12, 0x20];
const LAND = [0x1e, 0x29, 0x3b];
const LIGHT_OCEAN = [0xd6, 0xe4, 0xf0];
const LIGHT_LAND = [0xf4, 0xf1, 0xea];
const HEX_OPACITY = 0.85;

/** The demo's cells at `res` by the CLI (`filters`: its options), as [h3_index, point_count]. */
function cliCells(res, ...filters) {
  const run = skyhex('aggregate', '--res', String(res), ...filters, DEMO);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n').slice(1).map((line) => line.split(',')).map(([cell, points]) => [cell, Number(points)]);
}

/** The densest cell of the demo at `res`, by the CLI: { cell, points }. */
function densestCell(res) {
  const [cell, points] = cliCells(res).reduce((best, row) => (row[1] > best[1] ? row : best));
  return { cell, points };
}

/** The legend's rows as the page shows them, top class first: "range|cells". */
async function legendText(page) {
  return page.locator('.legend li').evaluateAll((rows) =>
    rows.map((row) => `${row.querySelector('.legend-range').textContent}|${row.querySelector('.legend-cells').textContent}`),
  );
}

/** Rows the legend should show for classes between `bounds` over `values` (class i holds
 * values above bounds[i] up to bounds[i + 1]; the end classes take what lies beyond). */
function expectedRows(bounds, values) {
  const counts = bounds.slice(1).map(() => 0);
  for (const value of values) {
    const index = bounds.slice(1).findIndex((top) => value <= top);
    counts[index === -1 ? counts.length - 1 : index] += 1;
  }
  const number = (value) => (Math.round(value * 10) / 10).toLocaleString('en');
  const rows = counts.map((count, i) => `${number(bounds[i])} – ${number(bounds[i + 1])}|${count.toLocaleString('en')} ${count === 1 ? 'cell' : 'cells'}`);
  return rows.reverse();
}

/** Six classes even in the logarithm from the smallest to the largest value, inner bounds
 * at two significant digits (what the legend promises to read at a glance). */
function logBounds(values) {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return [0, 1, 2, 3, 4, 5, 6].map((step) => {
    if (step === 0) return low;
    if (step === 6) return high;
    return Number(Math.exp(Math.log(low) + ((Math.log(high) - Math.log(low)) * step) / 6).toPrecision(2));
  });
}

/** The demo's points read by hyparquet (not skyhex): { icao, timeMs, lat, lon, altFt }. */
async function demoPoints() {
  const file = await asyncBufferFromFile(DEMO);
  const rows = await parquetReadObjects({ file, compressors, columns: ['icao', 'ts', 'lat', 'lon', 'alt_ft'] });
  return rows.map((row) => ({ icao: row.icao, timeMs: Math.round(row.ts * 1000), lat: row.lat, lon: row.lon, altFt: row.alt_ft }));
}

/** A track's colour band, as the page's altitude key states it. */
const ALTITUDE_BANDS_FT = [2000, 5000, 10000, 20000, 30000, 40000];
const bandOf = (altFt) => (altFt === null || altFt === undefined ? 0 : 1 + ALTITUDE_BANDS_FT.filter((top) => top <= altFt).length);

/** A tile server answering every /tiles/z/x/y.png with `png` (CORS allowed when `cors`);
 * resolves to { url, requested (paths), close }. */
function serveTiles(png, { cors }) {
  const requested = [];
  const server = createServer((request, response) => {
    requested.push(request.url);
    response.writeHead(200, { 'content-type': 'image/png', ...(cors ? { 'access-control-allow-origin': '*' } : {}) });
    response.end(png);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, requested, close: () => server.close() }),
    );
  });
}

async function setOpacity(page, value) {
  await page.getByTestId('opacity').evaluate((input, to) => {
    input.value = String(to);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Where (lat, lon) is on the page's map, in CSS pixels of the canvas, from its camera. */
async function screenOf(page, lat, lon) {
  const [centerX, centerY, zoom] = (await page.getAttribute('[data-testid=map]', 'data-camera')).split(' ').map(Number);
  const box = await page.getByTestId('map').boundingBox();
  const x = (lon + 180) / 360;
  const latRad = (lat * Math.PI) / 180;
  const y = 0.5 - Math.log(Math.tan(Math.PI / 4 + latRad / 2)) / (2 * Math.PI);
  const scale = 256 * 2 ** zoom;
  return { x: (x - centerX) * scale + box.width / 2, y: (y - centerY) * scale + box.height / 2, box };
}

/** The colour of the map's pixel at CSS position (x, y) (of the labels laid over it with `layer`). */
async function pixelAt(page, x, y, layer = 'map') {
  return page.evaluate(
    ([px, py, id]) => {
      const canvas = document.querySelector(`[data-testid=${id}]`);
      const ratio = canvas.width / canvas.clientWidth;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d');
      context.drawImage(canvas, 0, 0);
      // The pixel that holds the point.
      return [...context.getImageData(Math.floor(px * ratio), Math.floor(py * ratio), 1, 1).data.slice(0, 3)];
    },
    [x, y, layer],
  );
}

/** The legend's colours, top class first, as [r, g, b]. */
async function legendColours(page) {
  const styles = await page.locator('.legend .swatch').evaluateAll((swatches) =>
    swatches.map((swatch) => getComputedStyle(swatch).backgroundColor),
  );
  return styles.map((style) => style.match(/\d+/g).slice(0, 3).map(Number));
}

const blended = (top, under, opacity = HEX_OPACITY) =>
  top.map((channel, i) => Math.round(opacity * channel + (1 - opacity) * under[i]));
const near = (a, b) => a.every((channel, i) => Math.abs(channel - b[i]) <= 3);

/** Waits until the map's pixel at `at` passes `test` (the map redraws on the next frame). */
async function waitForPixel(page, at, test, what) {
  let drawn;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    drawn = await pixelAt(page, at.x, at.y);
    if (test(drawn)) return drawn;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: pixel ${drawn} at (${at.x}, ${at.y})`);
}

async function waitForBasemap(page) {
  await page.waitForFunction(
    () => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('basemap/countries')).length === 2,
  );
  await page.waitForTimeout(300);
}

describe('the map', () => {
  let server;
  let browser;
  let problems;

  before(async () => {
    server = await serveStatic(DIST);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A new page on the demo, ready with its basemap; `init` runs before the page's scripts. */
  async function openDemo(init) {
    problems = [];
    const page = await newPage(browser, problems);
    if (init) await page.addInitScript(init);
    await page.goto(server.url);
    await waitReady(page);
    await waitForBasemap(page);
    return page;
  }

  test('the densest cell is drawn in the top colour where it projects, and its tooltip gives its figures', async () => {
    const page = await openDemo();
    assert.equal(await page.locator('.map-notice').count(), 0, 'drawn with WebGL2, no fallback notice');
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    assert.ok(at.x > 0 && at.x < at.box.width && at.y > 0 && at.y < at.box.height, 'the fitted map shows the cell');
    const [top] = await legendColours(page);
    const pixel = await pixelAt(page, at.x, at.y);
    assert.ok(
      near(pixel, blended(top, LAND)) || near(pixel, blended(top, OCEAN)),
      `pixel ${pixel} at the densest cell is the top colour ${top} over land or ocean`,
    );
    await page.mouse.move(at.box.x + at.x, at.box.y + at.y);
    const tooltip = page.getByTestId('cell-tooltip');
    await tooltip.waitFor();
    const text = await tooltip.innerText();
    assert.match(text, new RegExp(`Cell ${densest.cell} · res 5 · \\d+ km²`));
    assert.match(text, new RegExp(`${densest.points.toLocaleString('en')} points`));
    await screenshot(page, 'map-tooltip');
    // Ocean far from the data: no cell, no tooltip.
    await page.mouse.move(at.box.x + 10, at.box.y + at.box.height / 2);
    await tooltip.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });

  test('the Layers tab (keyboard-operable tabs) hides the hexagons and airport labels, the light theme recolours page and map, and a link keeps both', async () => {
    const page = await openDemo();
    const [lat, lon] = cellToLatLng(densestCell(5).cell);
    const at = await screenOf(page, lat, lon);
    const [top] = await legendColours(page);
    const over = (colour, land, ocean) => (drawn) => near(drawn, blended(colour, land)) || near(drawn, blended(colour, ocean));
    const bare = (land, ocean) => (drawn) => near(drawn, land) || near(drawn, ocean);
    await waitForPixel(page, at, over(top, LAND, OCEAN), 'the densest cell drawn');
    await page.waitForFunction(() => document.querySelector('[data-testid=map-labels]').dataset.labels.split('|').includes('RNO'));

    // The tabs follow the arrow keys, as WAI-ARIA tabs do; one panel shows at a time.
    await page.getByTestId('tab-data').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tab-layers');
    assert.equal(await page.getByTestId('tab-layers').getAttribute('aria-selected'), 'true');
    assert.ok(await page.getByTestId('tab-panel-layers').isVisible());
    assert.ok(!(await page.getByTestId('tab-panel-data').isVisible()));
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tab-inspect');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tab-data', 'the arrows wrap around');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'tab-layers');

    await page.getByTestId('layer-hexagons').uncheck();
    await waitForPixel(page, at, bare(LAND, OCEAN), 'the basemap where the cell was');
    await page.getByTestId('layer-airports').uncheck();
    await page.waitForFunction(() => document.querySelector('[data-testid=map-labels]').dataset.labels === '');
    assert.doesNotMatch(await page.locator('.attribution').innerText(), /airportsdata/, 'no credit for labels not shown');
    await page.getByTestId('theme').selectOption('light');
    await waitForPixel(page, at, bare(LIGHT_LAND, LIGHT_OCEAN), 'the light basemap');
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(241, 245, 249)');
    await page.waitForFunction(() => /[?&]hide=hexagons%2Cairports/.test(location.search) && /[?&]theme=light/.test(location.search));
    await screenshot(page, 'panel-layers-light');

    // The link opens the same: hexagons hidden, light; showing them draws them on the light map.
    const again = await newPage(browser, problems);
    await again.goto(page.url());
    await waitReady(again);
    await waitForBasemap(again);
    const seen = await screenOf(again, lat, lon);
    await waitForPixel(again, seen, bare(LIGHT_LAND, LIGHT_OCEAN), 'hidden again, light');
    await openTab(again, 'layers');
    assert.equal(await again.getByTestId('theme').inputValue(), 'light');
    await again.getByTestId('layer-hexagons').check();
    await waitForPixel(again, seen, over(top, LIGHT_LAND, LIGHT_OCEAN), 'the cell over the light basemap');
    await screenshot(again, 'map-light');
    assert.deepEqual(problems, []);
  });

  test('panning moves the picture by the drag, without new cells', async () => {
    const page = await openDemo();
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const before = await screenOf(page, lat, lon);
    const start = { x: before.box.x + before.box.width / 2, y: before.box.y + before.box.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x - 120, start.y + 60, { steps: 6 });
    await page.mouse.up();
    const moved = await screenOf(page, lat, lon);
    assert.ok(Math.abs(moved.x - (before.x - 120)) < 0.5 && Math.abs(moved.y - (before.y + 60)) < 0.5, 'the camera followed');
    const [top] = await legendColours(page);
    const pixel = await pixelAt(page, moved.x, moved.y);
    assert.ok(near(pixel, blended(top, LAND)) || near(pixel, blended(top, OCEAN)), `pixel ${pixel} moved with the map`);
    assert.deepEqual(problems, []);
  });

  test('two pointers pinch: the map scales with their distance around their midpoint', async () => {
    const page = await openDemo();
    const camera = async () => (await page.getAttribute('[data-testid=map]', 'data-camera')).split(' ').map(Number);
    const box = await page.getByTestId('map').boundingBox();
    const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const before = await camera();
    const worldAtMid = await screenOf(page, 0, 0); // any point: its screen position before
    // Fingers 100 px apart move to 200 px apart, their midpoint 30 px to the right.
    await page.evaluate(({ mid }) => {
      const canvas = document.querySelector('[data-testid=map]');
      const fire = (type, pointerId, dx) =>
        canvas.dispatchEvent(new PointerEvent(type, { pointerId, pointerType: 'touch', isPrimary: pointerId === 1, bubbles: true, clientX: mid.x + dx, clientY: mid.y, button: 0 }));
      fire('pointerdown', 1, -50);
      fire('pointerdown', 2, 50);
      fire('pointermove', 1, -100 + 30);
      fire('pointermove', 2, 100 + 30);
      fire('pointerup', 1, -70);
      fire('pointerup', 2, 130);
    }, { mid });
    const after = await camera();
    // Two moves: the first finger alone (midpoint 10 px... ) then the second; together one
    // doubling of the distance, so one zoom level, the midpoint's map point under it.
    assert.ok(Math.abs(after[2] - before[2] - 1) < 1e-9, `zoom ${before[2]} → ${after[2]}`);
    const moved = await screenOf(page, 0, 0);
    const expectedX = mid.x - box.x + 30 + (worldAtMid.x - (mid.x - box.x)) * 2;
    assert.ok(Math.abs(moved.x - expectedX) < 1e-6, `${moved.x} against ${expectedX}`);
    assert.equal(await page.getByTestId('passages').count(), 0, 'a pinch is no click');
    assert.deepEqual(problems, []);
  });

  test('log scale, palette, opacity and fixed classes: the legend counts the CLI\'s cells, the map follows, a link keeps them', async () => {
    const page = await openDemo();
    const values = cliCells(5).map(([, points]) => points);
    await page.getByTestId('colour-scale').selectOption('log');
    const bounds = logBounds(values);
    assert.deepEqual(await legendText(page), expectedRows(bounds, values));
    assert.match(await page.locator('.legend figcaption').innerText(), /Points per cell · H3 res 5 · log scale/);

    await page.getByTestId('palette').selectOption('viridis');
    await setOpacity(page, 0.5);
    const viridisTop = [0xfd, 0xe7, 0x25];
    assert.deepEqual((await legendColours(page))[0], viridisTop);
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    const pixel = await pixelAt(page, at.x, at.y);
    assert.ok(
      near(pixel, blended(viridisTop, LAND, 0.5)) || near(pixel, blended(viridisTop, OCEAN, 0.5)),
      `pixel ${pixel}: viridis' top colour at half opacity`,
    );

    // Fixed classes stay when a filter changes what is counted; the counts follow the CLI.
    await page.getByTestId('fix-classes').check();
    assert.match(await page.locator('.legend figcaption').innerText(), /fixed classes/);
    await openTab(page, 'filters');
    await page.getByTestId('filter-min-alt').fill('5000');
    await page.getByTestId('filter-min-alt').press('Enter');
    await waitReady(page);
    const filtered = cliCells(5, '--min-alt-ft', '5000').map(([, points]) => points);
    assert.ok(filtered.length < values.length, 'the filter leaves cells out');
    assert.deepEqual(await legendText(page), expectedRows(bounds, filtered));
    await screenshot(page, 'map-colours');

    // The link restores scale, palette, opacity and the fixed classes (and the filter).
    const link = page.url();
    assert.match(link, /scale=log/);
    assert.match(link, /palette=viridis/);
    assert.match(link, /opacity=0.5/);
    const again = await newPage(browser, problems);
    await again.goto(link);
    await waitReady(again);
    assert.match(await again.locator('.legend figcaption').innerText(), /fixed classes/);
    assert.deepEqual(await legendText(again), expectedRows(bounds, filtered));
    assert.equal(await again.getByTestId('palette').inputValue(), 'viridis');
    assert.equal(await again.getByTestId('opacity').inputValue(), '0.5');
    assert.equal(await again.getByTestId('fix-classes').isChecked(), true);
    assert.deepEqual(problems, []);
  });

  test('a click lists the cell\'s aircraft as the Parquet holds them; one opens its whole track, drawn by altitude', async () => {
    const page = await openDemo();
    const points = await demoPoints();
    const densest = densestCell(5);
    const inCell = points.filter((point) => latLngToCell(point.lat, point.lon, 5) === densest.cell);
    const byAircraft = new Map();
    for (const point of inCell) byAircraft.set(point.icao, [...(byAircraft.get(point.icao) ?? []), point]);
    const expected = [...byAircraft].map(([icao, its]) => `${icao}|${its.length.toLocaleString('en')} points`);
    expected.sort((a, b) => Number(b.split('|')[1].replace(/\D/g, '')) - Number(a.split('|')[1].replace(/\D/g, '')) || (a < b ? -1 : 1));

    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    await page.mouse.click(at.box.x + at.x, at.box.y + at.y);
    const list = page.getByTestId('passages');
    await list.waitFor();
    const rows = await page.getByTestId('passage').evaluateAll((buttons) =>
      buttons.map((button) => `${button.dataset.address}|${button.querySelector('.passage-points').textContent}`),
    );
    assert.deepEqual(rows, expected.slice(0, 200));
    assert.match(await page.getByTestId('passages-summary').innerText(), new RegExp(`^${byAircraft.size} aircraft · ${densest.points.toLocaleString('en')} points`));
    const busiest = expected[0].split('|')[0];
    const its = byAircraft.get(busiest).map((point) => point.timeMs);
    const [first, last] = [Math.min(...its), Math.max(...its)].map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString());
    const span = first.slice(0, 10) === last.slice(0, 10)
      ? `${first.slice(0, 10)} ${first.slice(11, 19)} – ${last.slice(11, 19)} UTC`
      : `${first.slice(0, 10)} ${first.slice(11, 19)} – ${last.slice(0, 10)} ${last.slice(11, 19)} UTC`;
    assert.match(await page.getByTestId('passage').first().innerText(), new RegExp(span));

    // Its whole track: every point of the aircraft, split where the points are over 2 minutes apart.
    await page.getByTestId('passage').first().click();
    const track = points.filter((point) => point.icao === busiest).sort((a, b) => a.timeMs - b.timeMs);
    const pieces = 1 + track.slice(1).filter((point, i) => point.timeMs - track[i].timeMs > 120000).length;
    const summary = page.getByTestId('track-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), new RegExp(`^${track.length.toLocaleString('en')} points in ${pieces} piece`));
    await page.getByRole('button', { name: 'Fit the map to the track' }).click();
    await page.waitForTimeout(300);
    // A point in the middle of the track, whose segments on both sides share its colour, is drawn in it.
    const key = await page.locator('.altitude-key .swatch').evaluateAll((swatches) =>
      swatches.map((swatch) => getComputedStyle(swatch).backgroundColor.match(/\d+/g).slice(0, 3).map(Number)),
    );
    const middle = track.findIndex(
      (point, i) => i > track.length / 3 && i + 1 < track.length && point.timeMs - track[i - 1].timeMs <= 120000 &&
        track[i + 1].timeMs - point.timeMs <= 120000 && bandOf(track[i - 1].altFt) === bandOf(point.altFt) && bandOf(track[i + 1].altFt) === bandOf(point.altFt),
    );
    assert.ok(middle > 0, 'the track has a point inside one colour');
    const where = await screenOf(page, track[middle].lat, track[middle].lon);
    assert.ok(where.x > 0 && where.x < where.box.width && where.y > 0 && where.y < where.box.height, 'the fitted map shows it');
    await screenshot(page, 'map-track');
    const pixel = await pixelAt(page, where.x, where.y);
    assert.ok(near(pixel, key[bandOf(track[middle].altFt)]), `pixel ${pixel} at (${where.x}, ${where.y}) is the colour of ${track[middle].altFt} ft`);
    // The Layers tab hides the track and shows it again; the panel keeps it open.
    await openTab(page, 'layers');
    await page.getByTestId('layer-track').uncheck();
    await waitForPixel(page, where, (drawn) => !near(drawn, key[bandOf(track[middle].altFt)]), 'the track hidden');
    await page.getByTestId('layer-track').check();
    await waitForPixel(page, where, (drawn) => near(drawn, key[bandOf(track[middle].altFt)]), 'the track back');

    // Saved as GeoJSON: one line per piece of two points or more, in [lon, lat], with its times.
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-track').click()]);
    assert.equal(saved.suggestedFilename(), `skyhex-track-${busiest}.geojson`);
    const feature = JSON.parse(await readFile(await saved.path(), 'utf8'));
    const lines = [[]];
    track.forEach((point, i) => {
      if (i > 0 && point.timeMs - track[i - 1].timeMs > 120000) lines.push([]);
      lines.at(-1).push([point.lon, point.lat]);
    });
    assert.equal(feature.geometry.type, 'MultiLineString');
    assert.deepEqual(feature.geometry.coordinates, lines.filter((line) => line.length >= 2));
    assert.equal(feature.properties.points, track.length);
    assert.equal(feature.properties.first_time, new Date(track[0].timeMs).toISOString().replace('.000Z', 'Z'));

    // Found by address too; Escape on the map closes both panels.
    await openTab(page, 'inspect');
    await page.getByTestId('track-address').fill('  ' + busiest.toUpperCase());
    await page.getByTestId('track-address').press('Enter');
    await summary.waitFor();
    await page.getByTestId('map').focus();
    await page.keyboard.press('Escape');
    await summary.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('passages').count(), 0);
    await page.getByTestId('track-address').fill('000000');
    await page.getByTestId('track-address').press('Enter');
    assert.match(await page.getByTestId('track-error').innerText(), /no loaded points have the address 000000/);
    assert.deepEqual(problems, []);
  });

  test('the traffic layer draws every aircraft as a line thinned the same way for all, as the Parquet says', async () => {
    const page = await openDemo();
    await page.getByTestId('traffic-toggle').click();
    const summary = page.getByTestId('traffic-summary');
    await summary.waitFor();
    assert.equal(await page.getByTestId('traffic-toggle').getAttribute('aria-pressed'), 'true');
    // Thinned to 100,000 points shared by 2 workers: the one holding the demo's 105,072
    // keeps 1 point in ceil(105,072 / 50,000) = 3 of each line, and each line's last.
    const points = await demoPoints();
    const k = Math.ceil(points.length / 50000);
    assert.equal(Number(await summary.getAttribute('data-keep-one-in')), k);
    const byAircraft = new Map();
    for (const point of points) byAircraft.set(point.icao, [...(byAircraft.get(point.icao) ?? []), point]);
    let [kept, lines] = [0, 0];
    for (const its of byAircraft.values()) {
      its.sort((a, b) => a.timeMs - b.timeMs);
      // Lines break where the aircraft's points are over 2 minutes apart.
      let n = 0;
      const end = () => {
        if (n > 0) [kept, lines] = [kept + Math.ceil(n / k) + ((n - 1) % k !== 0 ? 1 : 0), lines + 1];
        n = 0;
      };
      its.forEach((point, i) => {
        if (i > 0 && point.timeMs - its[i - 1].timeMs > 120000) end();
        n += 1;
      });
      end();
    }
    assert.equal(Number(await summary.getAttribute('data-points')), kept);
    assert.match(await summary.innerText(), new RegExp(`^${kept.toLocaleString('en')} points in ${lines.toLocaleString('en')} lines \\(1 point in ${k}`));
    await screenshot(page, 'map-traffic');
    await page.getByTestId('traffic-toggle').click();
    await summary.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });

  test('a raster basemap from a tile server the user names: drawn under the data, credited, kept in the link', async () => {
    const page = await openDemo();
    const magenta = [200, 30, 160];
    const png = Buffer.from(
      await page.evaluate(async (rgb) => {
        const canvas = new OffscreenCanvas(256, 256);
        const context = canvas.getContext('2d');
        context.fillStyle = `rgb(${rgb.join(',')})`;
        context.fillRect(0, 0, 256, 256);
        return [...new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer())];
      }, magenta),
    );
    const tiles = await serveTiles(png, { cors: true });
    const refusing = await serveTiles(png, { cors: false });
    try {
      await page.locator('.tile-controls summary').click();
      await page.getByTestId('tile-template').fill('javascript:alert(1)/{z}/{x}/{y}');
      await page.getByRole('button', { name: 'Use these tiles' }).click();
      assert.match(await page.locator('.tile-controls [role=alert]').innerText(), /http or https/);

      await page.getByTestId('tile-template').fill(`${tiles.url}/tiles/{z}/{x}/{y}.png`);
      await page.getByTestId('tile-credit').fill('Test tiles');
      await page.getByRole('button', { name: 'Use these tiles' }).click();
      await page.waitForFunction(() => /^[1-9][\d,]* tiles loaded$/.test(document.querySelector('[data-testid=tile-status]')?.textContent ?? ''));
      await page.waitForTimeout(300);
      const [, , zoom] = (await page.getAttribute('[data-testid=map]', 'data-camera')).split(' ').map(Number);
      const levels = new Set(tiles.requested.map((path) => Number(path.split('/')[2])));
      assert.deepEqual([...levels], [Math.round(zoom)], `tiles of the view's level: ${tiles.requested}`);
      assert.ok(tiles.requested.every((path) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(path)));
      // Open sea far from the data shows the tiles; the densest cell still shows over them.
      const box = await page.getByTestId('map').boundingBox();
      assert.ok(near(await pixelAt(page, box.width * 0.3, box.height * 0.5), magenta), 'the tile under the sea');
      const densest = densestCell(5);
      const [lat, lon] = cellToLatLng(densest.cell);
      const at = await screenOf(page, lat, lon);
      const [top] = await legendColours(page);
      assert.ok(near(await pixelAt(page, at.x, at.y), blended(top, magenta)), 'the densest cell over the tiles');
      assert.match(await page.locator('.attribution').innerText(), /Tiles: Test tiles/);
      assert.ok(page.url().includes(`tiles=${encodeURIComponent(`${tiles.url}/tiles/{z}/{x}/{y}.png`)}`), page.url());
      await screenshot(page, 'map-tiles');
      // CORS-enabled tiles leave the canvas readable: the PNG export still works.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
      assert.equal(download.suggestedFilename(), 'skyhex-map-res5.png');

      // A server that sends no CORS header: its tiles fail and the page says why.
      await page.getByTestId('tile-template').fill(`${refusing.url}/tiles/{z}/{x}/{y}.png`);
      await page.getByRole('button', { name: 'Use these tiles' }).click();
      await page.waitForFunction(() => /failed \(the server must exist and send Access-Control-Allow-Origin\)/.test(document.querySelector('[data-testid=tile-status]').textContent));
      await page.getByRole('button', { name: 'No tiles' }).click();
      await page.waitForTimeout(300);
      assert.ok(!near(await pixelAt(page, box.width * 0.3, box.height * 0.5), magenta), 'no tiles: the sea again');
      assert.ok(!page.url().includes('tiles='));
    } finally {
      tiles.close();
      refusing.close();
    }
    // Failed tile loads are console errors the browser logs itself; nothing else is.
    assert.deepEqual(problems.filter((problem) => !/Failed to load resource|CORS|Access-Control/.test(problem)), []);
  });

  test('the basemap draws country borders: the 49th parallel between the United States and Canada', async () => {
    const page = await openDemo();
    await page.getByTestId('map').focus();
    for (let step = 0; step < 6; step += 1) await page.keyboard.press('-');
    await page.waitForTimeout(300);
    const BORDER = [0x3b, 0x4a, 0x60];
    const distance = (a, b) => Math.hypot(...a.map((channel, i) => channel - b[i]));
    const border = await screenOf(page, 49.0, -110.0);
    const rows = [];
    for (const dy of [-1, 0, 1]) rows.push(await pixelAt(page, border.x, border.y + dy));
    assert.ok(rows.some((pixel) => distance(pixel, BORDER) < distance(pixel, LAND)), `a border pixel near 49°N: ${rows.join(' ')}`);
    const south = await screenOf(page, 47.0, -110.0);
    assert.ok(near(await pixelAt(page, south.x, south.y), LAND), 'plain land in Montana');
    await screenshot(page, 'map-borders');
    assert.deepEqual(problems, []);
  });

  test('airports are labelled at regional zooms, with names closer in, and credited', async () => {
    const page = await openDemo();
    const labels = page.getByTestId('map-labels');
    await page.waitForFunction(() => document.querySelector('[data-testid=map-labels]').dataset.labels.split('|').includes('RNO'));
    const codes = (await labels.getAttribute('data-labels')).split('|');
    assert.ok(codes.includes('SFO'), `San Francisco International takes its room too: ${codes}`);
    assert.ok(codes.every((code) => /^[A-Z0-9]{3,4}$/.test(code)), 'codes only at this zoom');
    assert.match(await page.locator('.attribution').innerText(), /Airports: airportsdata \(MIT\)/);
    // Reno/Tahoe International (KRNO) at 39.499111, -119.768111: its dot is drawn there.
    const reno = await screenOf(page, 39.499111, -119.768111);
    assert.ok(near(await pixelAt(page, reno.x, reno.y, 'map-labels'), [0xe2, 0xe8, 0xf0]), 'the dot at Reno');
    // Three zoom levels in, around Reno: its name joins its code.
    await page.mouse.move(reno.box.x + reno.x, reno.box.y + reno.y);
    for (let step = 0; step < 3; step += 1) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(100);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid=map-labels]').dataset.labels.includes('RNO Reno/Tahoe International Airport'));
    await screenshot(page, 'map-airports');
    assert.deepEqual(problems, []);
  });

  test('the PNG export is the map as drawn, with its legend and attribution', async () => {
    const page = await openDemo();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    assert.equal(download.suggestedFilename(), 'skyhex-map-res5.png');
    const bytes = await readFile(await download.path());
    await download.saveAs(join(OUTPUT, 'map-export.png'));
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    const [top] = await legendColours(page);
    const picture = await page.evaluate(
      async ([base64, x, y, topColour]) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const copy = document.createElement('canvas');
        [copy.width, copy.height] = [image.width, image.height];
        const context = copy.getContext('2d');
        context.drawImage(image, 0, 0);
        const { data } = context.getImageData(0, 0, copy.width, copy.height);
        let topExact = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] === topColour[0] && data[i + 1] === topColour[1] && data[i + 2] === topColour[2]) topExact += 1;
        }
        const map = document.querySelector('[data-testid=map]');
        const ratio = map.width / map.clientWidth;
        const pixel = [...context.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data.slice(0, 3)];
        return { size: [image.width, image.height], mapSize: [map.width, map.height], pixel, topExact };
      },
      [bytes.toString('base64'), at.x, at.y, top],
    );
    assert.deepEqual(picture.size, picture.mapSize, 'the picture is the canvas, pixel for pixel');
    assert.ok(
      near(picture.pixel, blended(top, LAND)) || near(picture.pixel, blended(top, OCEAN)),
      `pixel ${picture.pixel} at the densest cell keeps the top colour`,
    );
    // The map blends hexagons at 0.85: only the legend's swatch has the top colour itself.
    // (16 x 11 px, its edges antialiased where they fall between pixels)
    assert.ok(picture.topExact >= 16 * 9, `the legend's top swatch is painted (${picture.topExact} px)`);
    assert.deepEqual(problems, []);
  });

  test('cells narrower than two pixels are painted as pixels where they are, the densest class on top', async () => {
    // Res 8 cells are about a kilometre wide: at zoom 6 near Reno, half a pixel, so several
    // fall in one pixel, which shows the highest class among them. Opaque, to read it.
    const densest = densestCell(8);
    const [lat, lon] = cellToLatLng(densest.cell);
    problems = [];
    const page = await newPage(browser, problems);
    await page.goto(`${server.url}?res=8&opacity=1&view=${lat.toFixed(5)},${lon.toFixed(5)},6`);
    await waitReady(page);
    await waitForBasemap(page);
    const at = await screenOf(page, lat, lon);
    const [top] = await legendColours(page);
    await waitForPixel(page, at, (pixel) => near(pixel, top), 'the densest cell in the top class colour');
    // Far from every cell (the demo's traffic is near Reno), only the basemap.
    const empty = await pixelAt(page, at.x, at.y - 200);
    assert.ok(near(empty, LAND) || near(empty, OCEAN), `pixel ${empty} far from the data is the basemap`);
    assert.deepEqual(problems, []);
  });

  test('a lost WebGL context is said, and the map comes back drawn when it is restored', async () => {
    const page = await openDemo();
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    const [top] = await legendColours(page);
    const drawn = async () => {
      const pixel = await pixelAt(page, at.x, at.y);
      return near(pixel, blended(top, LAND)) || near(pixel, blended(top, OCEAN));
    };
    assert.ok(await drawn());
    await page.evaluate(() => {
      const gl = document.querySelector('[data-testid=map]').getContext('webgl2');
      window.loseContext = gl.getExtension('WEBGL_lose_context');
      window.loseContext.loseContext();
    });
    await page.getByTestId('context-lost').waitFor();
    await page.evaluate(() => window.loseContext.restoreContext());
    await page.getByTestId('context-lost').waitFor({ state: 'detached' });
    // The page kept no geometry once it was on the GPU: the workers build it again.
    for (let tries = 0; tries < 20 && !(await drawn()); tries += 1) await page.waitForTimeout(100);
    assert.ok(await drawn(), 'the densest cell is drawn again');
    assert.deepEqual(problems, []);
  });

  test('without WebGL2 the map says so and draws on a 2D canvas', async () => {
    const page = await openDemo(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function withoutWebGl2(kind, ...rest) {
        return kind === 'webgl2' ? null : getContext.call(this, kind, ...rest);
      };
    });
    assert.match(await page.locator('.map-notice').innerText(), /WebGL2 is unavailable \(this browser has no WebGL2\)/);
    const densest = densestCell(5);
    const [lat, lon] = cellToLatLng(densest.cell);
    const at = await screenOf(page, lat, lon);
    const [top] = await legendColours(page);
    const pixel = await pixelAt(page, at.x, at.y);
    assert.ok(near(pixel, blended(top, LAND)) || near(pixel, blended(top, OCEAN)), `pixel ${pixel} on the 2D canvas`);
    await screenshot(page, 'map-fallback-2d');
    assert.deepEqual(problems, []);
  });
});
