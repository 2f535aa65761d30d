// Transactions in the browser: markers in the log, the last stable offset, a fenced zombie,
// and read_committed vs read_uncommitted chosen in Settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, seekTo, settled } from './harness.mjs';

const app = useApp();


test('a zombie producer is fenced: the new instance commits, each record once', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Zombie producer fenced by its transactional.id');
  // Just after P1's initTransactions(): P0's open transaction is aborted by a marker.
  await seekTo(page, 1100);
  assert.ok((await page.locator('.log-cell.marker-abort').count()) > 0, 'an ABORT marker');
  assert.match(await page.locator('svg.topology').textContent(), /P0 paused/);
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  const drawing = await page.locator('svg.topology').textContent();
  assert.match(drawing, /P0 fenced/);
  assert.match(drawing, /P1 running/);
  assert.match(drawing, /txn ✓\d+ ✗[1-9]/);
  // COMMIT and ABORT markers take offsets in the partitions' logs.
  assert.ok((await page.locator('.log-cell.marker-commit').count()) > 0, 'COMMIT markers');
  await screenshot(page, 'transactions-zombie-fenced');
  assert.deepEqual(errors, []);
});

test('an aborted transaction: read_committed skips it, switching to read_uncommitted applies it', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Aborted transaction: invisible to read_committed');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /exactly-once/);
  const isolation = page.locator('.verdict .configs li', { hasText: 'isolation.level=' });
  assert.match(await isolation.textContent(), /isolation\.level=read_committed\s*set/, 'the verdict names the config the story turns');
  // The aborted sends are errors the application saw, written to the log but not kept.
  assert.match(await page.getByTestId('failed-sends').textContent(),
    /^5 sends failed: TransactionAbortedException ×5\. Not a loss: .* 5 written, but not in the final log/);
  await page.getByTestId('settings').locator('summary').click();
  await page.locator('#setting-isolation-level').selectOption('read_uncommitted');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await isolation.textContent(), /isolation\.level=read_uncommitted/);
  assert.match(await page.getByTestId('headline').textContent(), /aborted record applied/i);
  assert.match(await page.locator('.anomaly-why').first().textContent(), /read_committed stops at the last stable offset/);
  await screenshot(page, 'transactions-read-uncommitted');
  assert.deepEqual(errors, []);
});

test('a stalled transaction holds the last stable offset back', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Stalled transaction aborted by transaction.timeout.ms');
  // Mid-stall: P0 paused, its transaction open, the LSO behind the high watermark.
  await seekTo(page, 5000);
  const drawing = await page.locator('svg.topology').textContent();
  assert.match(drawing, /P0 paused/);
  assert.match(drawing, /LSO \d+ · HW/);
  assert.ok((await page.locator('.lso-marker').count()) > 0);
  await screenshot(page, 'transactions-lso-held-back');
  assert.deepEqual(errors, []);
});

test('record lanes list the duplicated records first; a lane opens its timeline', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Zombie producer without transactions: duplicates');
  await page.keyboard.press('End');
  const lanes = page.getByTestId('record-lanes');
  assert.match(await lanes.locator('.lanes-summary').textContent(), /30 records, [1-9]\d* with an anomaly/);
  const first = lanes.locator('.record-lane').first();
  assert.match(await first.getAttribute('aria-label'), /duplicate/);
  assert.ok((await first.locator('.mark.step-appended').count()) >= 2, 'appended at two offsets');
  await first.focus();
  await page.keyboard.press('Enter');
  const timeline = page.getByTestId('record-timeline');
  await timeline.waitFor();
  assert.ok((await timeline.locator('li.step-sent').count()) >= 2, 'sent by P0 and again by P1');
  await screenshot(page, 'record-lanes');
  assert.deepEqual(errors, []);
});

test('replica logs over time: a truncation shows as a drop of a replica line', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Kafka 0.10: truncating to the high watermark loses a committed record');
  await page.keyboard.press('End');
  const history = page.getByTestId('replica-history');
  assert.equal(await history.locator('figure.replica-chart').count(), 1, 'one partition');
  assert.equal(await history.locator('polyline.leo').count(), 3, 'one line per replica');
  // Some replica's log end offset goes down at the truncation.
  const drops = await history.locator('polyline.leo').evaluateAll((lines) =>
    lines.some((l) => {
      const ys = l.getAttribute('points').trim().split(' ').map((p) => Number(p.split(',')[1]));
      return ys.some((y, i) => i > 0 && y > ys[i - 1] + 0.01);
    }));
  assert.ok(drops, 'a replica line steps down');
  // Each replica is named beside its line, in readable text that no other name covers.
  const names = await history.locator('.replica-label').evaluateAll((spans) =>
    spans.map((s) => {
      const r = s.getBoundingClientRect();
      return { text: s.textContent, top: r.top, bottom: r.bottom, size: parseFloat(getComputedStyle(s).fontSize) };
    }));
  assert.deepEqual(names.map((n) => n.text).sort(), ['B0', 'B1', 'B2']);
  for (const n of names) assert.ok(n.size >= 11, `${n.text} is ${n.size}px`);
  const byTop = [...names].sort((a, b) => a.top - b.top);
  for (let i = 1; i < byTop.length; i++) {
    assert.ok(byTop[i].top >= byTop[i - 1].bottom - 1, `${byTop[i - 1].text} and ${byTop[i].text} overlap`);
  }
  await history.scrollIntoViewIfNeeded();
  await screenshot(page, 'replica-history');
  assert.deepEqual(errors, []);
});

test('a new transactional.id per restart leaves the zombie unfenced; opposite orders make a write cycle', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'A new transactional.id per restart: the zombie is not fenced, records committed twice');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Duplicate/);
  const drawing = await page.locator('svg.topology').textContent();
  assert.doesNotMatch(drawing, /P0 fenced/, 'nothing fenced the zombie');
  await choosePreset(page, 'Two transactions write two partitions in opposite orders: a write cycle (G0), allowed');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /write cycle/i);
  assert.match(await page.getByTestId('delivery').textContent(), /exactly-once/, 'every record once');
  assert.match(await page.locator('.anomaly-why').first().textContent(), /not serializable/);
  await screenshot(page, 'transactions-write-cycle');
  assert.deepEqual(errors, []);
});
