// Every input format through the page, against the CLI on the same files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { DIST, REAL, ROOT, launchBrowser, newPage, serveStatic, skyhex, stat, waitReady } from './harness.mjs';

/** The CLI's totals and cell count at resolution 5 for `files`. */
function cli(files) {
  const inspect = skyhex('inspect', '--json', ...files);
  const aggregate = skyhex('aggregate', '--res', '5', ...files);
  return { report: JSON.parse(inspect.stdout), cells: aggregate.stdout.trim().split('\n').length - 1, status: inspect.status };
}

async function expectStats(page, files) {
  const { report, cells } = cli(files);
  assert.equal(await stat(page, 'points'), report.points);
  assert.equal(await stat(page, 'rejected'), report.rejected);
  assert.equal(await stat(page, 'aircraft'), report.aircraft);
  assert.equal(await stat(page, 'cells'), cells);
  return report;
}

describe('input formats in the browser', () => {
  let server;
  let browser;
  let dir;

  before(async () => {
    server = await serveStatic();
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'skyhex-formats-'));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(query = '', state = 'ready') {
    const problems = [];
    const page = await newPage(browser, problems);
    await page.goto(server.url + query);
    await waitReady(page, state);
    return { page, problems };
  }

  test('an adsb.lol-style tar split in two parts, picked in reverse order', async () => {
    writeFileSync(join(dir, 'README.txt'), 'not aircraft data\n');
    const tar = join(dir, 'day.tar');
    execFileSync('tar', ['-cf', tar, '-C', join(REAL, 'readsb_traces'), '.', '-C', dir, 'README.txt']);
    const whole = readFileSync(tar);
    const cut = Math.floor(whole.length / 2) + 77;
    const parts = [join(dir, 'day.tar.aa'), join(dir, 'day.tar.ab')];
    writeFileSync(parts[0], whole.subarray(0, cut));
    writeFileSync(parts[1], whole.subarray(cut));
    const { page, problems } = await open();
    await page.getByTestId('file-input').setInputFiles([parts[1], parts[0]]);
    await waitReady(page);
    const report = await expectStats(page, parts);
    assert.equal(report.points, 84692);
    assert.match(await page.locator('.inputs').innerText(), /day\.tar\.aa \+ day\.tar\.ab[\s\S]*tar archive \(1,055 members, 1 not data\)/);
    assert.equal(await page.getByTestId('errors').locator(':scope > *').count(), 0);
    assert.deepEqual(problems, []);

    // The same archive with its last part cut short: what came before is kept, the cut is named.
    writeFileSync(parts[1], whole.subarray(cut, cut + Math.floor((whole.length - cut) / 2)));
    const cutPage = (await open()).page;
    await cutPage.getByTestId('file-input').setInputFiles(parts);
    await waitReady(cutPage);
    const partial = cli(parts);
    assert.equal(partial.status, 1);
    assert.equal(await stat(cutPage, 'points'), partial.report.points);
    assert.ok(partial.report.points > 0 && partial.report.points < 84692);
    assert.match(await cutPage.getByTestId('errors').innerText(), /day\.tar\.aa \+ day\.tar\.ab.*(is cut short|cut short at byte)/);
  });

  test('aircraft.json snapshots, JSON lines, CSV and Arrow IPC', async () => {
    const snapshots = readdirSync(join(REAL, 'aircraft_json')).map((name) => join(REAL, 'aircraft_json', name));
    const logs = readdirSync(join(REAL, 'jsonl')).map((name) => join(REAL, 'jsonl', name));
    const csv = join(dir, 'opensky_states.csv');
    writeFileSync(
      csv,
      'time,icao24,lat,lon,velocity,heading,onground,callsign,baroaltitude\n' +
        '1654000000,4ca7b5,53.42,-6.27,100,270,false,RYR1AB,3048\n' +
        '1654000010,4ca7b5,,,,,true,,\n' +
        '1654000020,3c6444,50.03,8.56,0,90,true,DLH4X,\n',
    );
    const files = [...snapshots, ...logs, csv];
    const { page, problems } = await open();
    await page.getByTestId('file-input').setInputFiles(files);
    await waitReady(page);
    const report = await expectStats(page, files);
    assert.equal(report.points, 376 + 143 + 101142 + 2);
    assert.deepEqual(problems, []);
  });

  test('Parquet at a URL is read by ranges: the footer and the needed column chunks only', async () => {
    // Many row groups and a wide column skyhex does not need.
    const name = 'wide.parquet';
    const python = join(ROOT, '.venv', 'bin', 'python');
    execFileSync(python, [
      '-c',
      `import os, pyarrow as pa, pyarrow.parquet as pq
n = 20000
table = pa.table({
  "icao": [f"{i % 97:06x}" for i in range(n)],
  "ts": [1700000000.0 + i for i in range(n)],
  "lat": [36.0 + (i % 1000) / 1000 for i in range(n)],
  "lon": [-122.0 + (i % 777) / 777 for i in range(n)],
  "payload": [os.urandom(64).hex() for i in range(n)],
})
pq.write_table(table, "${join(dir, name)}", row_group_size=2500, compression="snappy")`,
    ]);
    const wide = join(dir, name);
    const served = await serveStatic(dir, { cors: true });
    try {
      const { page, problems } = await open(`?src=${encodeURIComponent(served.url + name)}`);
      await expectStats(page, [wide]);
      const size = readFileSync(wide).length;
      const fetched = served.servedBytes.get(`/${name}`);
      assert.ok(fetched < size / 4, `fetched ${fetched} of ${size} bytes`);
      assert.match(await page.locator('.inputs').innerText(), /read by ranges/);
      assert.deepEqual(problems, []);
    } finally {
      await served.close();
    }
  });

  test('the URL field loads a URL, refuses other schemes, and names a CORS failure', async () => {
    const { page } = await open('?src=nothing.parquet', 'error');
    await page.getByTestId('url-input').fill(`${server.url}demo/adsb_actions_points.parquet`);
    await page.getByRole('button', { name: 'Load URL' }).click();
    await waitReady(page);
    assert.equal(await stat(page, 'points'), 105072);

    await page.getByTestId('url-input').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Load URL' }).click();
    await waitReady(page);
    assert.match(await page.getByTestId('errors').innerText(), /only http and https URLs can be loaded/);

    // Another origin that sends no CORS header.
    const foreign = createServer((request, response) => response.end('lat,lon\n1,2\n'));
    await new Promise((ready) => foreign.listen(0, '127.0.0.1', ready));
    const url = `http://127.0.0.1:${foreign.address().port}/points.csv`;
    await page.getByTestId('url-input').fill(url);
    await page.getByRole('button', { name: 'Load URL' }).click();
    await waitReady(page);
    foreign.close();
    assert.match(await page.getByTestId('errors').innerText(), /no CORS header/);
    assert.equal(await stat(page, 'points'), 105072, 'failures leave loaded data alone');
  });

  test('workers that cannot start are named, and nothing waits for them', async () => {
    const site = join(dir, 'site-without-worker');
    cpSync(DIST, site, { recursive: true });
    rmSync(join(site, 'skyhex-worker_loader.js'));
    const broken = await serveStatic(site);
    try {
      const problems = [];
      const page = await newPage(browser, problems);
      await page.goto(broken.url);
      await waitReady(page, 'error');
      const errors = await page.getByTestId('errors').innerText();
      assert.match(errors, /adsb_actions_points\.parquet: a worker failed: its script could not be loaded/);
      assert.match(errors, /Points missing: a worker failed/);
      assert.equal(await stat(page, 'points'), 0);
    } finally {
      await broken.close();
    }
  });

  test('Cancel stops a load that hangs; what was read stays and the page keeps working', async () => {
    const { page } = await open();
    const parquet = join(REAL, 'parquet', 'adsb_actions_points_7col.parquet');
    await page.getByTestId('file-input').setInputFiles(parquet);
    await waitReady(page);
    // A server that answers HEAD (with CORS) and never answers GET.
    const stalled = createServer((request, response) => {
      if (request.method === 'HEAD') response.writeHead(200, { 'access-control-allow-origin': '*' }).end();
    });
    await new Promise((ready) => stalled.listen(0, '127.0.0.1', ready));
    try {
      await page.getByTestId('url-input').fill(`http://127.0.0.1:${stalled.address().port}/hangs.json`);
      await page.getByRole('button', { name: 'Load URL' }).click();
      await waitReady(page, 'loading');
      await page.getByTestId('cancel').click();
      await waitReady(page);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
    assert.match(await page.getByTestId('errors').innerText(), /hangs\.json: not read: loading was cancelled/);
    assert.equal(await stat(page, 'points'), 105072, 'the file read before stays');
    assert.equal(await page.locator('[data-testid=cancel]').count(), 0, 'no Cancel once nothing loads');
    await page.getByTestId('file-input').setInputFiles(parquet);
    await waitReady(page);
    assert.equal(await stat(page, 'points'), 2 * 105072, 'loading works again');
  });
});
