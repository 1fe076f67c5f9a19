// The app in Debian's Chromium: what a user sees must equal what the skyhex CLI computes.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cellToBoundary } from 'h3-js';

import {
  DIST, REAL, ROOT, exportCsv, launchBrowser, newPage, openTab, screenshot, serveStatic, setResolution, skyhex, stat, waitReady,
} from './harness.mjs';

const TRACE_DIR = join(REAL, 'readsb_traces', 'adsb_actions_2023-08-30', '2023', '08', '20', 'traces');
const TRACES = readdirSync(TRACE_DIR, { recursive: true })
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(TRACE_DIR, name))
  .sort();
const PARQUET_SNAPPY = join(REAL, 'parquet', 'adsb_actions_points_7col.parquet');
const DEMO = join(DIST, 'demo', 'adsb_actions_points.parquet');

/** What the CLI says about `files`: inspect totals and the CSV at `res`. */
function expected(files, res) {
  const inspect = skyhex('inspect', '--json', ...files);
  assert.equal(inspect.status, 0, inspect.stderr);
  const aggregate = skyhex('aggregate', '--res', String(res), ...files);
  assert.equal(aggregate.status, 0, aggregate.stderr);
  const report = JSON.parse(inspect.stdout);
  return { report, csv: aggregate.stdout, cells: aggregate.stdout.trim().split('\n').length - 1 };
}

/** Counts canvas pixels of the map that are land and that are hexagon colours. */
async function mapPixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=map]');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let land = 0;
    let hexagon = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (r === 30 && g === 41 && b === 59) land += 1;
      if (r > 100 && r > b + 30 && r > g) hexagon += 1;
      hash = (hash * 31 + r * 7 + g * 3 + b) >>> 0;
    }
    return { land, hexagon, hash };
  });
}

describe('skyhex in the browser', () => {
  let server;
  let browser;
  let problems;

  before(async () => {
    server = await serveStatic();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(query = '') {
    problems = [];
    const page = await newPage(browser, problems);
    await page.goto(server.url + query);
    return page;
  }

  test('opens on the bundled demo dataset, drawn as hexagons over land', async () => {
    const page = await open();
    await waitReady(page);
    const { report, cells } = expected([DEMO], 5);
    assert.equal(await stat(page, 'points'), report.points);
    assert.equal(report.points, 105072);
    assert.equal(await stat(page, 'aircraft'), report.aircraft);
    assert.equal(await stat(page, 'cells'), cells);
    assert.equal(await stat(page, 'rejected'), 0);
    assert.equal(await page.getByTestId('resolution').inputValue(), '5');
    assert.match(await page.locator('.attribution').innerText(), /adsb\.lol contributors, ODbL/);
    assert.match(await page.locator('.legend').innerText(), /Points per cell/);
    await page.waitForFunction(() => document.querySelector('.attribution') !== null);
    // Wait for the basemap to arrive, then check the picture.
    await page.waitForFunction(
      () => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('basemap/countries')).length === 2,
    );
    await page.waitForTimeout(300);
    const pixels = await mapPixels(page);
    assert.ok(pixels.land > 10_000, `land drawn (${pixels.land} px)`);
    assert.ok(pixels.hexagon > 5_000, `hexagons drawn (${pixels.hexagon} px)`);
    await screenshot(page, 'demo');
    assert.deepEqual(problems, []);
  });

  test('files picked through file-input equal the CLI, at two resolutions, and export the same CSV', async () => {
    const files = [...TRACES, PARQUET_SNAPPY];
    const page = await open();
    await waitReady(page);
    await page.getByTestId('file-input').setInputFiles(files);
    await waitReady(page);
    const at5 = expected(files, 5);
    assert.equal(await stat(page, 'points'), at5.report.points);
    assert.equal(at5.report.points, 3930 + 105072);
    assert.equal(await stat(page, 'aircraft'), at5.report.aircraft);
    assert.equal(await stat(page, 'cells'), at5.cells);
    assert.equal(await stat(page, 'rejected'), at5.report.rejected);
    const csv5 = await exportCsv(page);
    assert.equal(csv5.text, at5.csv);
    assert.equal(csv5.name, 'skyhex-h3-res5.csv');

    await setResolution(page, 8);
    assert.equal(await page.getByTestId('resolution').inputValue(), '8');
    const at8 = expected(files, 8);
    await page.waitForFunction(
      (cells) => document.querySelector('[data-testid=stat-cells]').dataset.value === String(cells),
      at8.cells,
    );
    const csv8 = await exportCsv(page);
    assert.equal(csv8.text, at8.csv);
    await screenshot(page, 'traces-and-parquet-res8');
    assert.deepEqual(problems, []);
  });

  test('files dropped on the page load like picked ones', async () => {
    const page = await open();
    await waitReady(page);
    const file = TRACES[2];
    const transfer = await page.evaluateHandle(
      ({ name, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name));
        return transfer;
      },
      { name: 'dropped_trace.json', base64: readFileSync(file).toString('base64') },
    );
    await page.dispatchEvent('.app', 'dragover', { dataTransfer: transfer });
    await page.waitForSelector('.app.dragging', { timeout: 5_000 });
    assert.ok(await page.locator('.drop-hint').isVisible(), 'the drop hint shows while dragging');
    await page.dispatchEvent('.app', 'drop', { dataTransfer: transfer });
    await waitReady(page);
    assert.equal(await page.locator('.app.dragging').count(), 0);
    const { report, cells } = expected([file], 5);
    assert.equal(await stat(page, 'points'), report.points);
    assert.equal(await stat(page, 'cells'), cells);
    assert.match(await page.locator('.inputs').innerText(), /dropped_trace\.json/);
    assert.deepEqual(problems, []);
  });

  test('a broken file is named in errors while the good ones still show', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyhex-e2e-'));
    const good = TRACES[0];
    const whole = readFileSync(TRACES[1]);
    const truncated = join(dir, 'trace_full_truncated.json');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are not aircraft positions\n');

    const page = await open('?src=nothing-here.parquet');
    await waitReady(page, 'error');
    assert.match(await page.getByTestId('errors').innerText(), /nothing-here\.parquet.*HTTP 404/);

    await page.getByTestId('file-input').setInputFiles([truncated, good, text]);
    await waitReady(page);
    const errors = page.getByTestId('errors').locator(':scope > *');
    assert.equal(await errors.count(), 3, 'earlier failures stay until removed');
    await page.getByRole('button', { name: 'Remove nothing-here.parquet' }).click();
    assert.equal(await errors.count(), 2);
    assert.match(await errors.nth(0).innerText(), /trace_full_truncated\.json.*gzip data is corrupt or truncated/);
    assert.match(await errors.nth(1).innerText(), /notes\.txt.*not a supported format/);
    const { report, cells } = expected([good], 5);
    assert.equal(await stat(page, 'points'), report.points);
    assert.equal(await stat(page, 'cells'), cells);
    await screenshot(page, 'errors');
  });

  test('?src= and ?res= load a URL at a resolution', async () => {
    const page = await open('?src=demo/adsb_actions_points.parquet&res=8');
    await waitReady(page);
    assert.equal(await page.getByTestId('resolution').inputValue(), '8');
    const { cells } = expected([DEMO], 8);
    assert.equal(await stat(page, 'cells'), cells);
    assert.equal(await page.locator('.demo-note').count(), 0, 'a src= input is not the demo');
    assert.deepEqual(problems, []);
  });

  test('the cells export as Parquet, GeoJSON and a Kepler.gl map, each holding what the CSV holds', async () => {
    const page = await open('?metric=aircraft-minutes&palette=viridis');
    await waitReady(page);
    const csv = (await exportCsv(page)).text.trim().split('\n');
    const header = csv[0].split(',');
    const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((value, i) => [header[i], value])));
    assert.deepEqual(header, ['h3_index', 'point_count', 'aircraft_count', 'center_lat', 'center_lon', 'aircraft_minutes']);
    const download = async (testId) => {
      await page.getByTestId('more-exports').click();
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return { name: file.suggestedFilename(), path: await file.path() };
    };

    // Parquet, read back by skyhex itself as a pre-aggregated H3 table: the same cells and counts.
    const parquet = await download('export-parquet');
    assert.equal(parquet.name, 'skyhex-h3-res5.parquet');
    const reread = skyhex('aggregate', '--res', '5', parquet.path);
    assert.equal(reread.status, 0, reread.stderr);
    const rereadRows = reread.stdout.trim().split('\n').slice(1).map((line) => line.split(','));
    assert.deepEqual(rereadRows.map(([cell, points]) => `${cell}:${points}`), rows.map((row) => `${row.h3_index}:${row.point_count}`));

    // GeoJSON: one polygon per cell, its ring h3-js's boundary, its properties the CSV's row.
    const geojson = await download('export-geojson');
    assert.equal(geojson.name, 'skyhex-h3-res5.geojson');
    const collection = JSON.parse(readFileSync(geojson.path, 'utf8'));
    assert.equal(collection.type, 'FeatureCollection');
    assert.equal(collection.features.length, rows.length);
    collection.features.forEach((feature, i) => {
      const row = rows[i];
      assert.equal(feature.properties.h3_index, row.h3_index);
      assert.equal(feature.properties.point_count, Number(row.point_count));
      assert.equal(feature.properties.aircraft_count, Number(row.aircraft_count));
      assert.ok(Math.abs(feature.properties.aircraft_minutes - Number(row.aircraft_minutes)) < 1e-9);
      const ring = feature.geometry.coordinates[0];
      const expected = cellToBoundary(row.h3_index, true);
      assert.equal(ring.length, expected.length);
      ring.forEach(([lon, lat], v) => {
        assert.ok(Math.abs(lon - expected[v][0]) < 1e-9 && Math.abs(lat - expected[v][1]) < 1e-9, `${row.h3_index} vertex ${v}`);
      });
    });

    // Kepler.gl: a saved map (what Kepler's loader checks), the rows, an H3 layer on h3_index.
    const kepler = await download('export-kepler');
    assert.equal(kepler.name, 'skyhex-h3-res5.kepler.json');
    const map = JSON.parse(readFileSync(kepler.path, 'utf8'));
    assert.equal(map.info.app, 'kepler.gl');
    const { data } = map.datasets[0];
    assert.equal(map.datasets[0].version, 'v1');
    assert.deepEqual(data.fields.map((field) => `${field.name}:${field.type}`), [
      'h3_index:string', 'point_count:integer', 'aircraft_count:integer', 'aircraft_minutes:real', 'center_lat:real', 'center_lon:real',
    ]);
    assert.deepEqual(data.allData.map((row) => `${row[0]}:${row[1]}:${row[2]}`), rows.map((row) => `${row.h3_index}:${row.point_count}:${row.aircraft_count}`));
    const config = map.config.config;
    assert.equal(map.config.version, 'v1');
    const [layer] = config.visState.layers;
    assert.equal(layer.type, 'hexagonId');
    assert.equal(layer.config.dataId, data.id);
    assert.deepEqual(layer.config.columns, { hex_id: 'h3_index' });
    assert.deepEqual(layer.visualChannels.colorField, { name: 'aircraft_minutes', type: 'real' });
    assert.equal(layer.visualChannels.colorScale, 'quantile');
    assert.equal(layer.config.visConfig.colorRange.colors.length, 6);
    assert.ok(Math.abs(config.mapState.latitude - 38) < 3 && Math.abs(config.mapState.longitude + 121) < 3, 'the view of the demo');
    await screenshot(page, 'more-exports');
    assert.deepEqual(problems, []);
  });

  test('a Content-Security-Policy allows what the app needs and refuses injected script', async () => {
    const page = await open();
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.violations.push(event.violatedDirective));
    });
    await page.reload();
    await waitReady(page);
    const policy = await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');
    const scripts = policy.split(';').find((directive) => directive.trim().startsWith('script-src'));
    assert.match(scripts, /'wasm-unsafe-eval'/);
    assert.doesNotMatch(scripts, /'unsafe-inline'|'unsafe-eval'/);
    assert.deepEqual(await page.evaluate(() => window.violations), [], 'the app itself needs nothing the policy refuses');
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
    });
    assert.equal(await page.evaluate(() => window.injected), undefined, 'an injected inline script does not run');
    assert.deepEqual(await page.evaluate(() => window.violations), ['script-src-elem']);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /Content Security Policy/);
  });

  test('hostile strings in a file (name, registration, type, callsign) show as text, never as markup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyhex-hostile-'));
    const hostile = {
      name: '<img src=x onerror=window.pwned=1>.json',
      registration: '<img src=x onerror=window.pwned=2>',
      type: '<script>window.pwned=3</script>',
      callsign: '"><svg onload=window.pwned=4>',
    };
    const point = (offset, details) => [offset, 39.5, -119.8, 10000, 300, 90, 0, 0, details, 'adsb_icao', null, null, null, null];
    const trace = {
      icao: 'a1b2c3', r: hostile.registration, t: hostile.type, timestamp: 1693353600,
      trace: [point(0, { flight: hostile.callsign }), point(10, null), point(20, null)],
    };
    const file = join(dir, hostile.name);
    writeFileSync(file, JSON.stringify(trace));
    const page = await open();
    await waitReady(page);
    await page.getByTestId('file-input').setInputFiles([file]);
    await waitReady(page);
    assert.equal(await stat(page, 'points'), 3);
    await page.getByText(hostile.name, { exact: true }).waitFor();
    await page.getByTestId('map').focus();
    await page.keyboard.press('0');
    await page.keyboard.press('Enter');
    const row = page.getByTestId('passage');
    await row.waitFor();
    const text = await row.innerText();
    for (const value of [hostile.registration, hostile.type, hostile.callsign]) assert.ok(text.includes(value), `${value} in ${text}`);
    assert.equal(await page.locator('[onerror], [onload], img[src="x"]').count(), 0, 'no element came from the file');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    await screenshot(page, 'hostile-strings');
    assert.deepEqual(problems, []);
  });

  test('an accessibility audit (axe-core) finds no violation: on opening, in every tab and both themes, with a cell\'s aircraft, a track and the export menu open, and embedded', async () => {
    const axe = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    const audit = async (page) => {
      await page.evaluate(axe); // through the DevTools protocol: the page's policy refuses injected scripts
      return page.evaluate(async () =>
        (await window.axe.run(document)).violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((node) => node.target).join(' ')}`),
      );
    };
    const page = await open();
    await waitReady(page);
    assert.deepEqual(await audit(page), []);
    // Every tab of the side panel, in both themes (axe skips hidden panels); each one
    // photographed for people to look at.
    const light = await open('?theme=light');
    await waitReady(light);
    for (const [themed, theme] of [[page, 'dark'], [light, 'light']]) {
      for (const tab of ['data', 'layers', 'filters', 'inspect']) {
        await openTab(themed, tab);
        assert.deepEqual(await audit(themed), [], `${tab} tab, ${theme} theme`);
        await screenshot(themed, `panel-${tab}-${theme}`);
      }
    }
    await page.getByTestId('map').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('passage').first().click();
    await page.getByTestId('track-summary').waitFor();
    await page.getByTestId('more-exports').click();
    assert.deepEqual(await audit(page), []);
    const embedded = await open('?embed=1');
    await waitReady(embedded);
    assert.deepEqual(await audit(embedded), []);
    assert.deepEqual(problems, []);
  });

  test('on a phone-sized screen nothing is wider than the screen, the map keeps room, and the legend\'s controls unfold', async () => {
    const page = await open();
    await page.setViewportSize({ width: 390, height: 844 });
    await waitReady(page);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
    const map = await page.getByTestId('map').boundingBox();
    assert.ok(map.width === 390 && map.height >= 300, `the map takes the width and keeps room: ${JSON.stringify(map)}`);
    assert.ok(!(await page.getByTestId('palette').isVisible()), 'the colour controls fold away');
    await page.getByRole('button', { name: 'Colours and basemap…' }).click();
    assert.ok(await page.getByTestId('palette').isVisible());
    await screenshot(page, 'phone');
    assert.deepEqual(problems, []);
  });

  test('?embed=1 shows the map alone, with its legend and attribution, for a portal\'s iframe', async () => {
    const page = await open('?embed=1');
    await waitReady(page);
    for (const absent of ['file-input', 'stat-points', 'resolution', 'export-csv']) {
      assert.equal(await page.getByTestId(absent).count(), 0, `${absent} is not in the embedded page`);
    }
    assert.equal(await page.locator('.panel, .inspector').count(), 0, 'no side panel or inspector');
    assert.match(await page.locator('.legend').innerText(), /Points per cell/);
    assert.match(await page.locator('.attribution').innerText(), /adsb\.lol contributors, ODbL/);
    const viewport = page.viewportSize();
    const map = await page.getByTestId('map').boundingBox();
    assert.equal(Math.round(map.width), viewport.width, 'the map takes the whole width');
    assert.ok(map.height > viewport.height * 0.9, `the map takes the height (${map.height} px)`);
    assert.match(page.url(), /embed=1/, 'the link keeps the layout');
    await screenshot(page, 'embed');
    assert.deepEqual(problems, []);
  });

  test('the top cells table lists the busiest cells as the CLI counts them; a row flies the map there and opens the cell', async () => {
    const page = await open();
    await waitReady(page);
    await openTab(page, 'inspect');
    const rows = expected([DEMO], 5).csv.trim().split('\n').slice(1).map((line) => line.split(','));
    rows.sort((a, b) => Number(b[1]) - Number(a[1]) || (a[0] < b[0] ? -1 : 1));
    const listed = await page.getByTestId('top-cell').evaluateAll((buttons) => buttons.map((button) => button.dataset.cell));
    assert.deepEqual(listed, rows.slice(0, 10).map((row) => row[0]));
    const [cell, , , lat, lon] = rows[2];
    await page.getByTestId('top-cell').nth(2).click();
    await page.getByTestId('passages').waitFor();
    assert.match(await page.locator('.inspector').innerText(), new RegExp(cell));
    const [viewLat, viewLon] = (await page.locator('section.map').getAttribute('data-view')).split(',').map(Number);
    assert.ok(Math.abs(viewLat - Number(lat)) < 1e-4 && Math.abs(viewLon - Number(lon)) < 1e-4, 'the map is centred on the cell');
    const current = page.locator('.top-cells tr[aria-current=true] [data-testid=top-cell]');
    assert.equal(await current.getAttribute('data-cell'), cell);
    // The cell at the map's centre, opened from the map, is the same row.
    await page.getByTestId('map').focus();
    await page.keyboard.press('Escape');
    assert.equal(await current.count(), 0, 'closing the cell unmarks its row');
    await page.keyboard.press('Enter');
    await page.getByTestId('passages').waitFor();
    assert.equal(await current.getAttribute('data-cell'), cell);
    await screenshot(page, 'top-cells');
    assert.deepEqual(problems, []);
  });

  test('view= opens the map where a link says, and the link follows the camera', async () => {
    const page = await open('?view=36.6,-121.9,9');
    await waitReady(page);
    const map = page.locator('section.map');
    assert.equal(await map.getAttribute('data-view'), '36.60000,-121.90000,9.00', 'the data does not refit a linked view');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === '36.60000,-121.90000,9.00');
    await page.getByTestId('map').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowLeft');
    const moved = await map.getAttribute('data-view');
    assert.notEqual(moved, '36.60000,-121.90000,9.00');
    await page.waitForFunction((view) => new URL(location.href).searchParams.get('view') === view, moved);
    const copy = await open(new URL(page.url()).search);
    await waitReady(copy);
    assert.equal(await copy.locator('section.map').getAttribute('data-view'), moved, 'the copied link opens the same view');
    const unlinked = await open();
    await waitReady(unlinked);
    assert.notEqual(await unlinked.locator('section.map').getAttribute('data-view'), moved, 'without view= the map fits the data');
    assert.deepEqual(problems, []);
  });

  test('the map pans and zooms with the keyboard and the mouse', async () => {
    const page = await open();
    await waitReady(page);
    const map = page.getByTestId('map');
    await map.focus();
    const start = await mapPixels(page);
    await map.press('+');
    const zoomed = await mapPixels(page);
    assert.notEqual(zoomed.hash, start.hash, '+ zooms in');
    await map.press('ArrowLeft');
    const panned = await mapPixels(page);
    assert.notEqual(panned.hash, zoomed.hash, 'arrow keys pan');
    await map.press('0');
    const fitted = await mapPixels(page);
    assert.equal(fitted.hash, start.hash, '0 fits the data again');
    const box = await map.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(100);
    assert.notEqual((await mapPixels(page)).hash, fitted.hash, 'the wheel zooms');
  });
});
