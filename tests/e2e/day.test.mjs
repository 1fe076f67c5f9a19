// A generated adsb.lol-shaped day (bench/daygen: trace members and the 48 heatmaps, split
// into parts) through the page: the map from the heatmaps first, then from all the traces,
// each against the CLI on the same bytes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, exportCsv, launchBrowser, newPage, screenshot, serveStatic, skyhex, stat, waitReady } from './harness.mjs';

const DAYGEN = join(ROOT, 'target', 'release', 'daygen');
/** About 340 aircraft and 0.4 M points: a load long enough on two workers to see its heatmaps. */
const SCALE = '0.005';
const PART_BYTES = 9_000_000;

/** The CLI's totals and cell count at resolution 5 for `inputs`. */
function cli(...inputs) {
  const inspect = skyhex('inspect', '--json', ...inputs);
  const aggregate = skyhex('aggregate', '--res', '5', ...inputs);
  return { report: JSON.parse(inspect.stdout), cells: aggregate.stdout.trim().split('\n').length - 1, status: inspect.status };
}

describe('an adsb.lol day in the browser', () => {
  let server;
  let browser;
  let dir;
  let parts;
  let heatmaps;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skyhex-day-'));
    execFileSync(DAYGEN, [join(dir, 'day'), '--scale', SCALE, '--seed', '7', '--part-bytes', String(PART_BYTES)]);
    parts = readdirSync(join(dir, 'day')).sort().map((name) => join(dir, 'day', name));
    heatmaps = join(dir, 'heatmaps');
    mkdirSync(heatmaps);
    execFileSync('sh', ['-c', 'cat "$@" | tar -x -C "$0" --wildcards "*.bin.ttf"', heatmaps, ...parts]);
    server = await serveStatic();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('its heatmaps are mapped first, then its traces replace them', async () => {
    assert.ok(parts.length >= 2, `the day is split (${parts.length} parts)`);
    const problems = [];
    const page = await newPage(browser, problems);
    // Two workers: each reads every heatmap and keeps its share of the aircraft.
    await page.goto(`${server.url}?workers=2`);
    await waitReady(page);
    // Every (previewing, points, aircraft) the page shows on the way.
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid=status]');
      const points = document.querySelector('[data-testid=stat-points]');
      const aircraft = document.querySelector('[data-testid=stat-aircraft]');
      window.shown = [];
      window.inputProgress = [];
      new MutationObserver(() => {
        window.shown.push([status.dataset.previewing, Number(points.dataset.value), Number(aircraft.dataset.value)]);
        const bar = document.querySelector('.input-progress');
        if (bar) window.inputProgress.push([bar.value, bar.max, document.querySelector('[data-testid=input-progress-text]')?.innerText]);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-previewing', 'data-value', 'value'] });
    });
    await page.getByTestId('file-input').setInputFiles([...parts].reverse());
    await waitReady(page);

    const day = cli(...parts);
    const heatmapOnly = cli(heatmaps);
    assert.equal(day.status, 0);
    assert.equal(day.report.files[0].heatmap_members_left_out, 48);
    assert.ok(heatmapOnly.report.points > 0 && heatmapOnly.report.points < day.report.points);
    const shown = await page.evaluate(() => window.shown);
    // All the heatmaps' positions, and their aircraft counted right.
    assert.ok(
      shown.some(
        ([previewing, points, aircraft]) =>
          previewing === 'true' && points === heatmapOnly.report.points && aircraft === heatmapOnly.report.aircraft,
      ),
      `the heatmaps' ${heatmapOnly.report.points} positions of ${heatmapOnly.report.aircraft} aircraft were shown while the traces loaded: ${JSON.stringify(shown.slice(-12))}`,
    );
    assert.equal(await stat(page, 'points'), day.report.points);
    assert.equal(await stat(page, 'aircraft'), day.report.aircraft);
    assert.equal(await stat(page, 'cells'), day.cells);
    const inputText = await page.locator('.inputs').innerText();
    assert.match(inputText, /tar archive \([\d,]+ members, 2 not data, 48 heatmaps shown first\)/);
    assert.match(inputText, /2025-05-28 \d\d:\d\d:\d\d – \d\d:\d\d:\d\d UTC/, 'the day\'s time span');
    // While it was read, the input had a progress bar of its own, with points and their rate.
    const progress = await page.evaluate(() => window.inputProgress);
    assert.ok(
      progress.some(([value, max, text]) => value > 0 && value < max && /reading… [\d,]+ points \([\d,]+\/s\) · /.test(text)),
      JSON.stringify(progress.slice(-5)),
    );
    assert.equal(await page.getByTestId('errors').locator(':scope > *').count(), 0);
    // Named as adsb.lol names its releases: the map credits adsb.lol (ODbL).
    assert.match(await page.locator('.attribution').innerText(), /© adsb\.lol contributors, ODbL/);
    assert.deepEqual(problems, []);
    await screenshot(page, 'day-loaded');
  });

  test('a day of heatmaps only is mapped from them', async () => {
    const page = await newPage(browser, []);
    await page.goto(server.url);
    await waitReady(page);
    const files = readdirSync(heatmaps, { recursive: true }).filter((name) => name.endsWith('.bin.ttf')).map((name) => join(heatmaps, name));
    assert.equal(files.length, 48);
    await page.getByTestId('file-input').setInputFiles(files);
    await waitReady(page);
    const expected = cli(heatmaps);
    assert.equal(await stat(page, 'points'), expected.report.points);
    assert.equal(await stat(page, 'cells'), expected.cells);
    assert.doesNotMatch(await page.locator('.attribution').innerText(), /adsb\.lol/, 'files of unknown origin credit no one');
  });

  test('an archive of heatmaps alone, shared out by aircraft among three workers, equals the CLI', async () => {
    const tar = join(dir, 'heatmaps.tar');
    execFileSync('tar', ['-cf', tar, '-C', heatmaps, '.']);
    const page = await newPage(browser, []);
    await page.goto(`${server.url}?workers=3`);
    await waitReady(page);
    await page.getByTestId('file-input').setInputFiles(tar);
    await waitReady(page);
    assert.match(await page.locator('.inputs').innerText(), /tar archive \(48 members, 0 not data\)/);
    for (const metric of ['points', 'aircraft', 'flights', 'aircraft-minutes']) {
      await page.getByTestId('metric').selectOption(metric);
      const cli = skyhex('aggregate', '--res', '5', '--metric', metric, tar);
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal((await exportCsv(page)).text, cli.stdout, `${metric}: the page's export equals the CLI's`);
    }
  });

  test('a day whose last part is cut keeps what came before the cut and names it', async () => {
    const last = parts.at(-1);
    const cutDir = join(dir, 'cut');
    mkdirSync(cutDir);
    const cutParts = parts.map((part) => join(cutDir, part.split('/').at(-1)));
    parts.forEach((part, index) => {
      const bytes = readFileSync(part);
      writeFileSync(cutParts[index], part === last ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes);
    });
    const page = await newPage(browser, []);
    await page.goto(server.url);
    await waitReady(page);
    await page.getByTestId('file-input').setInputFiles(cutParts);
    await waitReady(page);
    const partial = cli(...cutParts);
    assert.equal(partial.status, 1);
    assert.ok(partial.report.points > 0);
    assert.equal(await stat(page, 'points'), partial.report.points);
    assert.equal(await stat(page, 'cells'), partial.cells);
    assert.match(await page.getByTestId('errors').innerText(), /is cut short|cut short at byte/);
  });
});
