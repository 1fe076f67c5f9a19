// The density engine in the page: every metric equals the CLI's, and H3 cells in wasm
// (h3o with plain multiply-add) equal h3-py's on stress points at every resolution checked.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  REAL, ROOT, exportCsv, launchBrowser, newPage, openTab, screenshot, serveStatic, setResolution, skyhex, stat, waitReady,
} from './harness.mjs';

const TRACE_DIR = join(REAL, 'readsb_traces', 'adsb_actions_2023-08-30');
const TRACES = readdirSync(TRACE_DIR, { recursive: true })
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(TRACE_DIR, name))
  .sort();
const STRESS_RESOLUTIONS = [0, 5, 10, 15];

async function waitForCells(page, cells) {
  await page.waitForFunction(
    (count) => document.querySelector('[data-testid=stat-cells]')?.dataset.value === String(count),
    cells,
    { timeout: 60_000 },
  );
}

/** Presses on bar `first` of histogram `id`, drags to bar `last` and releases. */
async function brush(page, id, first, last) {
  await page.getByTestId(id).scrollIntoViewIfNeeded();
  const bars = page.locator(`[data-testid=${id}] g`);
  const centre = async (index) => {
    const box = await bars.nth(index).boundingBox();
    return [box.x + box.width / 2, box.y + box.height / 2];
  };
  await page.mouse.move(...(await centre(first)));
  await page.mouse.down();
  await page.mouse.move(...(await centre(last)), { steps: 4 });
  await page.mouse.up();
  await waitReady(page);
}

/** Selects bars `first` to `last` of a histogram by keyboard, as a user without a mouse. */
async function keyboardBrush(page, id, first, last) {
  await page.getByTestId(id).focus();
  await page.keyboard.press('Home');
  for (let bar = 0; bar < first; bar += 1) await page.keyboard.press('ArrowRight');
  for (let bar = first; bar < last; bar += 1) await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Enter');
  await waitReady(page);
}

describe('the density engine in the browser', () => {
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
    await waitReady(page);
    return page;
  }

  test('each metric colours the map and exports the same column as skyhex aggregate --metric', async () => {
    const page = await open('?res=7');
    await page.getByTestId('file-input').setInputFiles(TRACES);
    await waitReady(page);
    for (const metric of ['aircraft-minutes', 'flights', 'mean-altitude', 'max-altitude', 'aircraft']) {
      await page.getByTestId('metric').selectOption(metric);
      const cli = skyhex('aggregate', '--res', '7', '--metric', metric, ...TRACES);
      assert.equal(cli.status, 0, cli.stderr);
      const csv = await exportCsv(page);
      assert.equal(csv.text, cli.stdout, `${metric}: the page's export equals the CLI's`);
      const label = await page.locator('.legend figcaption').innerText();
      assert.match(label.toLowerCase(), new RegExp(metric.replace('-', '.')));
    }
    await screenshot(page, 'metric-aircraft');
    assert.deepEqual(problems, []);
  });

  test('one worker or four: the same cells as the CLI, for an archive and loose files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyhex-workers-'));
    const tar = join(dir, 'traces.tar');
    execFileSync('tar', ['-cf', tar, '-C', join(REAL, 'readsb_traces'), '.']);
    const parquet = join(REAL, 'parquet', 'adsb_actions_points.parquet');
    const inputs = [tar, parquet, ...TRACES.slice(0, 5)];
    const metrics = ['points', 'aircraft', 'flights', 'aircraft-minutes'];
    const exports = {};
    for (const workers of [1, 4]) {
      const page = await open(`?workers=${workers}&res=6`);
      await page.getByTestId('file-input').setInputFiles(inputs);
      await waitReady(page);
      assert.match(await page.getByTestId('status').innerText(), new RegExp(`on ${workers} workers?$`));
      exports[workers] = [];
      for (const metric of metrics) {
        await page.getByTestId('metric').selectOption(metric);
        exports[workers].push((await exportCsv(page)).text);
      }
      assert.deepEqual(problems, []);
    }
    for (const [index, metric] of metrics.entries()) {
      const cli = skyhex('aggregate', '--res', '6', '--metric', metric, ...inputs);
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal(exports[1][index], cli.stdout, `${metric}: one worker equals the CLI`);
      assert.equal(exports[4][index], exports[1][index], `${metric}: four workers equal one`);
    }
  });

  test('filters in the page equal skyhex aggregate with the same options', async () => {
    const page = await open('?res=6');
    await page.getByTestId('file-input').setInputFiles(TRACES);
    await waitReady(page);
    await openTab(page, 'filters');
    const all = await stat(page, 'points');
    const combos = [
      {
        fields: { 'filter-min-alt': '2000', 'filter-max-alt': '30000' },
        ground: 'exclude',
        uncheck: ['filter-source-mlat'],
        cli: ['--min-alt-ft', '2000', '--max-alt-ft', '30000', '--exclude-ground', '--source', 'adsb,tisb,adsc,other'],
      },
      {
        fields: { 'filter-from': '2023-08-30T02:00:00Z', 'filter-to': '2023-08-30T20:00:00Z', 'filter-type': 'b7*' },
        cli: ['--from', '2023-08-30T02:00:00Z', '--to', '2023-08-30T20:00:00Z', '--type', 'B7*'],
      },
      { fields: { 'filter-squawk': '1' }, ground: 'only', cli: ['--only-ground', '--squawk', '1'] },
    ];
    for (const combo of combos) {
      for (const [id, value] of Object.entries(combo.fields)) {
        await page.getByTestId(id).fill(value);
        await page.getByTestId(id).press('Enter');
      }
      if (combo.ground) await page.getByTestId('filter-ground').selectOption(combo.ground);
      for (const id of combo.uncheck ?? []) await page.getByTestId(id).uncheck();
      await waitReady(page);
      const cli = skyhex('aggregate', '--res', '6', ...combo.cli, ...TRACES);
      assert.equal(cli.status, 0, cli.stderr);
      assert.ok(cli.stdout.split('\n').length > 3, 'the filter keeps some cells');
      assert.equal((await exportCsv(page)).text, cli.stdout, combo.cli.join(' '));
      if (combo === combos[0]) {
        // The filters set, summarised in one place; one of them cleared there.
        assert.deepEqual(await page.locator('[data-testid=set-filter] span').allInnerTexts(), [
          'Min altitude (ft) 2000',
          'Max altitude (ft) 30000',
          'On the ground: left out',
          'Source: ADS-B, TIS-B, ADS-C, other',
        ]);
        await page.getByRole('button', { name: 'Clear Source: ADS-B, TIS-B, ADS-C, other' }).click();
        await waitReady(page);
        assert.ok(await page.getByTestId('filter-source-mlat').isChecked());
        const withMlat = skyhex('aggregate', '--res', '6', ...combo.cli.slice(0, -2), ...TRACES);
        assert.equal((await exportCsv(page)).text, withMlat.stdout, 'the source filter is cleared alone');
      }
      await page.getByTestId('filter-clear').click();
      await waitReady(page);
      assert.equal(await stat(page, 'points'), all, 'clearing the filters brings every point back');
      assert.match(await page.getByTestId('set-filters').innerText(), /No filter: every point counts/);
    }
    await page.getByTestId('filter-min-alt').fill('high');
    await page.getByTestId('filter-min-alt').press('Enter');
    await waitReady(page);
    assert.match(await page.getByTestId('filter-problems').innerText(), /Min altitude \(ft\): "high" is not a number of feet/);
    assert.equal(await stat(page, 'points'), all, 'a value that cannot be read is left out');
    assert.match(await page.getByTestId('set-filters').innerText(), /No filter/, 'and sets no filter');
    await screenshot(page, 'filters');
    assert.deepEqual(problems, []);
  });

  test('past its memory budget the page samples every track alike, says so, and equals skyhex aggregate --keep-every', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyhex-sampling-'));
    const tar = join(dir, 'traces.tar');
    execFileSync('tar', ['-cf', tar, '-C', join(REAL, 'readsb_traces'), '.']);
    const inputs = [tar, join(REAL, 'parquet', 'adsb_actions_points.parquet')];
    const page = await open('?workers=2&res=6&memory_mb=1');
    await page.getByTestId('file-input').setInputFiles(inputs);
    await waitReady(page);
    const keepEvery = Number(await page.getAttribute('[data-testid=sampling]', 'data-value'));
    assert.ok([4, 8, 16, 32].includes(keepEvery), `two stores of ~100,000 points within 512 KB each: ${keepEvery}`);
    assert.match(await page.getByTestId('sampling').innerText(), new RegExp(`1 point in ${keepEvery} of each track`));
    for (const metric of ['points', 'flights']) {
      await page.getByTestId('metric').selectOption(metric);
      const cli = skyhex('aggregate', '--res', '6', '--metric', metric, '--keep-every', String(keepEvery), ...inputs);
      assert.equal(cli.status, 0, cli.stderr);
      assert.equal((await exportCsv(page)).text, cli.stdout, `${metric} at 1 point in ${keepEvery}`);
    }
    const whole = Number(JSON.parse(skyhex('inspect', '--json', ...inputs).stdout).points);
    const sampled = await stat(page, 'points');
    assert.ok(sampled < whole && sampled * keepEvery >= whole, `${sampled} points kept of ${whole}: a leg of n keeps ceil(n / ${keepEvery})`);
    await screenshot(page, 'sampled');
    assert.deepEqual(problems, []);
  });

  test('the histograms count the points under the other filters, and a range brushed on them (mouse or keyboard) filters like the CLI', async () => {
    const page = await open('?res=6');
    await page.getByTestId('file-input').setInputFiles(TRACES);
    await waitReady(page);
    await openTab(page, 'filters');
    const all = await stat(page, 'points');
    const total = async (id) => Number(await page.getAttribute(`[data-testid=${id}]`, 'data-total'));
    const counts = (id) => page.locator(`[data-testid=${id}] rect[data-count]`).evaluateAll(
      (bars) => bars.map((bar) => Number(bar.dataset.count)),
    );
    const unknownAlt = async () => Number(await page.getAttribute('[data-testid=histogram-alt-unknown]', 'data-value'));
    assert.equal(await total('histogram-time'), all, 'every point has a time within the bins');
    assert.equal(await total('histogram-alt') + (await unknownAlt()), all);
    const timeCounts = await counts('histogram-time');
    assert.equal(timeCounts.length, 48, 'the day of the points (00:04 to 23:50) in half hours');
    const altCounts = await counts('histogram-alt');
    await setResolution(page, 7);
    await waitReady(page);
    assert.deepEqual([await counts('histogram-time'), await counts('histogram-alt')], [timeCounts, altCounts],
      'a resolution change keeps the histograms (they do not depend on it)');
    await setResolution(page, 6);
    await waitReady(page);

    await brush(page, 'histogram-time', 10, 30);
    const from = await page.getByTestId('filter-from').inputValue();
    const to = await page.getByTestId('filter-to').inputValue();
    assert.deepEqual([from, to], ['2023-08-30T05:00:00Z', '2023-08-30T15:30:00Z'], 'bars 10 to 30 of half hours from 00:00');
    const inWindow = skyhex('aggregate', '--res', '6', '--from', from, '--to', to, ...TRACES);
    assert.equal((await exportCsv(page)).text, inWindow.stdout);
    const brushed = timeCounts.slice(10, 31).reduce((sum, count) => sum + count, 0);
    assert.equal(await stat(page, 'points'), brushed, 'the brushed bars hold the points the window keeps');
    assert.equal(await total('histogram-time'), all, 'the time histogram ignores the time window');
    assert.equal(await total('histogram-alt') + (await unknownAlt()), brushed, 'the altitude histogram applies it');
    await page.getByTestId('filter-clear').click();
    await waitReady(page);

    await keyboardBrush(page, 'histogram-alt', 10, 19);
    assert.equal(await page.getByTestId('filter-min-alt').inputValue(), '10000');
    assert.equal(await page.getByTestId('filter-max-alt').inputValue(), '20000');
    const inBand = skyhex('aggregate', '--res', '6', '--min-alt-ft', '10000', '--max-alt-ft', '20000', ...TRACES);
    assert.equal((await exportCsv(page)).text, inBand.stdout);
    assert.equal(await total('histogram-time'), await stat(page, 'points'), 'the time histogram applies the band');
    assert.equal(await total('histogram-alt') + (await unknownAlt()), all, 'the altitude histogram ignores it');
    await screenshot(page, 'histograms-brushed');
    assert.deepEqual(problems, []);
  });

  test('playback moves the time window over the day, the colour classes kept, and a paused window filters like the CLI', async () => {
    const page = await open('?res=5');
    await page.getByTestId('file-input').setInputFiles(TRACES);
    await waitReady(page);
    await openTab(page, 'filters');
    assert.equal(await page.getByTestId('fix-classes').isChecked(), false);
    // Half-hour bars for this day: two bars make a one-hour window.
    assert.deepEqual(await page.getByTestId('play-window').locator('option').allInnerTexts(), ['30 min', '1 h', '2 h', '4 h']);
    await page.getByTestId('play-window').selectOption('2');
    await page.getByTestId('play-speed').selectOption('4');
    await page.getByTestId('play').click();
    assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true');
    // From the start of the span (the histogram's first half hour), a quarter window a step.
    await page.waitForFunction(() => document.querySelector('[data-testid=filter-from]').value >= '2023-08-30T00:45:00Z');
    await page.getByTestId('play').click();
    await waitReady(page);
    assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
    const from = await page.getByTestId('filter-from').inputValue();
    const to = await page.getByTestId('filter-to').inputValue();
    const minutes = (text) => (Date.parse(text) - Date.parse('2023-08-30T00:00:00Z')) / 60_000;
    assert.ok(minutes(from) >= 45 && minutes(from) % 15 === 0, from);
    assert.equal(minutes(to) - minutes(from), 60, 'one-hour window');
    assert.ok(await page.getByTestId('fix-classes').isChecked(), 'the classes are kept while it plays');
    const cli = skyhex('aggregate', '--res', '5', '--from', from, '--to', to, ...TRACES);
    assert.equal((await exportCsv(page)).text, cli.stdout);
    assert.deepEqual(problems, []);

    // A user who asked for less motion gets slow steps (the speed is not theirs to raise).
    const calm = await newPage(browser, []);
    await calm.emulateMedia({ reducedMotion: 'reduce' });
    await calm.goto(server.url);
    await waitReady(calm);
    await openTab(calm, 'filters');
    assert.ok(await calm.getByTestId('play-speed').isDisabled());
  });

  test('a link restores the filters, resolution and metric; changing them updates the link', async () => {
    const page = await open('?res=6&min_alt=2000&max_alt=30000&ground=exclude&source=adsb,tisb,adsc,other');
    await openTab(page, 'filters');
    assert.equal(await page.getByTestId('filter-min-alt').inputValue(), '2000');
    assert.equal(await page.getByTestId('filter-ground').inputValue(), 'exclude');
    assert.equal(await page.getByTestId('filter-source-mlat').isChecked(), false);
    await page.getByTestId('file-input').setInputFiles(TRACES);
    await waitReady(page);
    const cli = skyhex(
      'aggregate', '--res', '6', '--min-alt-ft', '2000', '--max-alt-ft', '30000', '--exclude-ground',
      '--source', 'adsb,tisb,adsc,other', ...TRACES,
    );
    assert.equal((await exportCsv(page)).text, cli.stdout);
    await page.getByTestId('filter-callsign').fill('UAL');
    await page.getByTestId('filter-callsign').press('Enter');
    await page.getByTestId('metric').selectOption('flights');
    await setResolution(page, 7);
    await waitReady(page);
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('callsign'), 'UAL');
    assert.equal(params.get('res'), '7');
    assert.equal(params.get('metric'), 'flights');
    assert.equal(params.get('min_alt'), '2000');
    await page.getByTestId('filter-clear').click();
    await waitReady(page);
    assert.equal(new URL(page.url()).searchParams.get('min_alt'), null, 'cleared filters leave the link');
    assert.deepEqual(problems, []);
  });

  test('?metric= picks the metric at start', async () => {
    const page = await open('?metric=flights');
    assert.equal(await page.getByTestId('metric').inputValue(), 'flights');
    assert.match(await page.locator('.legend figcaption').innerText(), /Flights per cell/);
  });

  test('cells in wasm equal h3-py on stress points (pentagons, vertices, antimeridian)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyhex-h3-stress-'));
    const python = spawnSync(
      join(ROOT, '.venv', 'bin', 'python'),
      [join(ROOT, 'tests', 'oracle', 'h3_stress.py'), dir, '10000', ...STRESS_RESOLUTIONS.map(String)],
      { encoding: 'utf8' },
    );
    assert.equal(python.status, 0, python.stderr);
    const expected = readFileSync(join(dir, 'h3_stress_cells.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);
    const page = await open('?res=0');
    await page.getByTestId('file-input').setInputFiles(join(dir, 'h3_stress.csv'));
    await waitReady(page);
    for (const { res, cells } of expected) {
      // One change straight to the resolution (stepping would aggregate every one between).
      await page.getByTestId('resolution').evaluate((slider, value) => {
        slider.value = value;
        slider.dispatchEvent(new Event('change', { bubbles: true }));
      }, String(res));
      await waitForCells(page, Object.keys(cells).length);
      const rows = (await exportCsv(page)).text.trim().split('\n').slice(1);
      const ours = Object.fromEntries(rows.map((row) => row.split(',')).map(([cell, points]) => [cell, Number(points)]));
      const differing = Object.keys({ ...ours, ...cells }).filter((cell) => ours[cell] !== cells[cell]);
      assert.equal(differing.length, 0, `res ${res}: ${differing.length} cells differ, first ${differing.slice(0, 3)}`);
    }
    assert.deepEqual(problems, []);
  });
});
