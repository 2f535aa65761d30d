// Consumer presets in the browser: the end-to-end verdict, the members and the sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, seekTo, settled } from './harness.mjs';

const app = useApp();

test('auto-commit + crash during synchronous processing: duplicates downstream, not loss', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Auto-commit, crash while processing synchronously: duplicates, not loss');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Effect applied twice/);
  await settled(page);
  assert.doesNotMatch(await page.getByTestId('headline').textContent(), /never applied/);
  assert.match(await page.getByTestId('delivery').textContent(), /exactly-once/, 'the log itself is fine');
  assert.match(await page.getByTestId('end-to-end').textContent(), /at-least-once/);
  const drawing = await page.locator('svg.topology').textContent();
  assert.match(drawing, /C0 · crashed/);
  assert.match(drawing, /applied again [1-9]/);
  await page.locator('.anomalies .jump').first().click();
  assert.match(await page.locator('.trace').textContent(), /FaultApplied|CommitFailed|LeftGroup/);
  // The record's timeline: processed twice.
  await page.locator('.anomalies .record-link').first().click();
  const timeline = page.getByTestId('record-timeline');
  assert.equal(await timeline.locator('li.step-processed').count(), 2, 'processed by C0, then again by C1');
  assert.match(await timeline.textContent(), /applied-again/);
  await screenshot(page, 'consumer-auto-commit-crash');
  assert.deepEqual(errors, []);
});

test('buffered processing loses; a de-duplicating sink turns the duplicates into one effect', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Auto-commit with buffered processing, crash: loss');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Effect never applied/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /at-most-once/);
  await choosePreset(page, 'De-duplicating sink: the same crash, each effect once');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /exactly-once/);
  assert.match(await page.locator('svg.topology').textContent(), /dedup by id/);
  await screenshot(page, 'consumer-dedup-sink');
  assert.deepEqual(errors, []);
});

test('cooperative rebalance: members keep consuming, RebalanceInProgressException, a revoke-time commit fixes it', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Cooperative rebalance: commits fail with RebalanceInProgressException, the moved partition is processed twice');
  // Mid-rebalance: C0 has rejoined and keeps consuming what it owns.
  await seekTo(page, 9500);
  await screenshot(page, 'consumer-cooperative-mid-rebalance');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Effect applied twice/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /at-least-once/);
  await page.locator('.anomalies .jump').first().click();
  assert.match(await page.locator('.trace').textContent(), /RebalanceInProgressException/);
  await page.getByTestId('settings').locator('summary').click();
  assert.equal(
    await page.locator('#setting-partition-assignment-strategy').inputValue(),
    'cooperative-sticky',
    'set by the preset',
  );
  await page.locator('#setting-commit_on_revoke').selectOption('true');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /exactly-once/);
  await page.locator('#setting-commit_on_revoke').selectOption('false');
  await page.locator('#setting-partition-assignment-strategy').selectOption('range');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/, 'eager: nobody consumes, nothing twice');
  await screenshot(page, 'consumer-eager-rebalance');
  assert.deepEqual(errors, []);
});
