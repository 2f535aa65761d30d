// Browser benchmark (not a test: it asserts nothing and CI does not run it). Builds the
// workshop-sized scenario (5 brokers, 6 partitions RF 3, 2 producers × 10 000 records, 10 faults), opens it
// in headless Chromium on the release build, and reports: the time to run and draw it, the
// time from a fault dropped (keyboard path) at 3/4, 1/2 and the start of the run to the next
// animation frame after the updated drawing, timed inside the page (the engine re-runs from its last snapshot before the fault up to the play position at once), and to the
// frame the whole re-run is in (the verdict; the rest runs over the following frames), and frames per second
// while it plays. `trunk build --release && node tests/bench/browser.mjs`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, root } from '../e2e/harness.mjs';

const base = JSON.parse(await readFile(join(root, 'scenarios', 'workshop-cluster.json'), 'utf8'));
const workshop = {
  ...base,
  name: 'Workshop-sized benchmark run',
  duration_ms: 21000,
  producer: { ...base.producer, count: 2, records: 10000, interval_ms: 2 },
  faults: [0, 1, 2, 3, 4].flatMap((b) => [
    { at_ms: 1000 + b * 3500, type: 'crash_broker', broker: b },
    { at_ms: 2500 + b * 3500, type: 'restart_broker', broker: b },
  ]),
};
delete workshop.expect;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serveDist();
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.locator('svg.topology').waitFor();
  const buffer = Buffer.from(JSON.stringify(workshop));
  const loads = [];
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await page.getByTestId('open-scenario').setInputFiles({ name: `w${i}.json`, mimeType: 'application/json', buffer });
    await page.locator('.fault-marker').nth(9).waitFor();
    await page.locator('.scenario-description strong', { hasText: 'Workshop-sized' }).waitFor();
    loads.push(Date.now() - t0);
    await page.getByLabel('Scenario', { exact: true }).selectOption('0');
    await page.locator('.scenario-description strong', { hasText: 'Replication' }).waitFor();
  }
  await page.getByTestId('open-scenario').setInputFiles({ name: 'w.json', mimeType: 'application/json', buffer });
  await page.locator('.fault-marker').nth(9).waitFor();
  // Drops a fault on B1 at play position `fraction` of the run (keyboard path), `times` times.
  const dropAt = async (fraction, times) => {
    const scrubber = page.getByLabel('Play position');
    const max = Number(await scrubber.getAttribute('max'));
    await scrubber.fill(String(Math.round((max * fraction) / 100) * 100));
    const drops = [];
    for (let i = 0; i < times; i++) {
      const markers = await page.locator('.fault-marker').count();
      await page.locator('[data-node="B1"]').focus();
      await page.keyboard.press('Enter');
      const chip = page.locator('.fault-chip[data-fault="isolate"]');
      await chip.focus();
      // Timed inside the page: from the key press to the frame after the new marker is in
      // the DOM (so the redraw is included, and no round trip to the test runner is).
      await page.evaluate((count) => {
        window.dropMs = undefined;
        window.doneMs = undefined;
        let t0 = 0;
        document.addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
        // The re-run is complete (verdict, lanes, trace list) once the page is no longer
        // marked as re-running.
        const whenDone = () => {
          if (document.querySelector('.app.rerunning')) requestAnimationFrame(whenDone);
          else window.doneMs = performance.now() - t0;
        };
        const seen = new MutationObserver(() => {
          if (document.querySelectorAll('.fault-marker').length > count) {
            seen.disconnect();
            // The page's own work: re-run up to the play position, fold and redraw (the DOM
            // is updated); the frame that shows it starts at the next animation frame.
            window.workMs = performance.now() - t0;
            requestAnimationFrame(() => {
              window.dropMs = performance.now() - t0;
              whenDone();
            });
          }
        });
        seen.observe(document.body, { childList: true, subtree: true });
      }, markers);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => window.doneMs !== undefined, null, { timeout: 30000 });
      drops.push(await page.evaluate(() => [window.dropMs, window.doneMs, window.workMs]));
      await page.locator('.fault-marker').nth(markers).waitFor();
      await page.locator('[data-node="B1"]').focus();
      await page.keyboard.press('Enter'); // deselect
    }
    return drops;
  };
  const atThreeQuarters = await dropAt(0.75, 5);
  const atHalf = await dropAt(0.5, 5);
  const drops = await dropAt(0, 5);
  await page.locator('body').focus();
  await page.keyboard.press('Home');
  const fps = await page.evaluate(async () => {
    document.querySelector('button[title^="Play"]').click();
    let frames = 0;
    const start = performance.now();
    await new Promise((done) => {
      const tick = () => {
        frames += 1;
        if (performance.now() - start < 3000) requestAnimationFrame(tick); else done();
      };
      requestAnimationFrame(tick);
    });
    return (frames * 1000) / (performance.now() - start);
  });
  const events = await page.locator('.trace h2').textContent().catch(() => '');
  console.log(JSON.stringify({
    scenario: 'workshop: 5 brokers, 6 partitions RF 3, 2 producers × 10 000 records, 10 faults',
    open_run_and_draw_ms_median: median(loads),
    fault_drop_at_three_quarters_work_ms_median: Math.round(median(atThreeQuarters.map((d) => d[2]))),
    fault_drop_at_half_work_ms_median: Math.round(median(atHalf.map((d) => d[2]))),
    fault_drop_at_start_work_ms_median: Math.round(median(drops.map((d) => d[2]))),
    fault_drop_at_three_quarters_to_redraw_ms_median: Math.round(median(atThreeQuarters.map((d) => d[0]))),
    fault_drop_at_half_to_redraw_ms_median: Math.round(median(atHalf.map((d) => d[0]))),
    fault_drop_at_start_to_redraw_ms_median: Math.round(median(drops.map((d) => d[0]))),
    // The rest of the re-run, over the next frames: the verdict, lanes and trace list.
    fault_drop_at_three_quarters_to_complete_ms_median: Math.round(median(atThreeQuarters.map((d) => d[1]))),
    fault_drop_at_half_to_complete_ms_median: Math.round(median(atHalf.map((d) => d[1]))),
    fault_drop_at_start_to_complete_ms_median: Math.round(median(drops.map((d) => d[1]))),
    fault_drop_ms_all: [atThreeQuarters, atHalf, drops].map((d) => d.map(([a, b, w]) => `${Math.round(w)}/${Math.round(a)}/${Math.round(b)}`)),
    playing_fps: Math.round(fps),
    trace: events.trim(),
  }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
