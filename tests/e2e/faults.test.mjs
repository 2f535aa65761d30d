// Fault presets in the browser: the verdict, the cause of a loss, the stopped broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, settled } from './harness.mjs';

const app = useApp();

test('acks=1 leader crash: the verdict names the lost write and jumps to its cause', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'acks=1: the leader acknowledges, then dies before the followers copy');
  assert.equal(await page.locator('.fault-marker').count(), 3, 'one marker per fault');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  assert.match(await page.getByTestId('delivery').textContent(), /at-most-once/);
  await page.locator('.anomalies .jump').first().click();
  const clock = await page.locator('output.clock').textContent();
  assert.match(clock, /^9\.\d+ms|^\d{4,5}\.\d{3}ms/, `jumped to the election: ${clock}`);
  assert.match(await page.locator('.trace').textContent(), /LeaderElected/);
  assert.match(await page.locator('svg.topology').textContent(), /stopped/);
  await screenshot(page, 'acks1-leader-crash');
  assert.deepEqual(errors, []);
});

test('clean election: the partition is reported offline, not lost', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'ISR shrinks to the leader, the leader dies: clean election waits');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.locator('.offline').textContent(), /p0 has no leader/);
  assert.match(await page.locator('.controller-summary').textContent(), /p0→none/);
  await screenshot(page, 'clean-election-offline');
  assert.deepEqual(errors, []);
});

test("the controller names every partition's leader inside its box", async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Workshop cluster: 5 brokers, 6 partitions');
  await settled(page);
  const summary = page.locator('.controller-summary');
  for (let p = 0; p < 6; p++) {
    assert.match(await summary.textContent(), new RegExp(`p${p}→B\\d`), `p${p} is named`);
  }
  const box = await page.locator('.controller-box').boundingBox();
  const text = await summary.boundingBox();
  assert.ok(text.x + text.width <= box.x + box.width, 'the names end inside the box');
  assert.ok(text.y + text.height <= box.y + box.height, 'the last line is inside the box');
  assert.deepEqual(errors, []);
});

test('pre-0.11 truncation shows the lost committed record; leader epochs keep it', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Kafka 0.10: truncating to the high watermark loses a committed record');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  assert.match(await page.locator('.anomalies').textContent(), /LogTruncated/);
  await choosePreset(page, 'Kafka 4.0: leader epochs keep the committed record');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.deepEqual(errors, []);
});

test('a lost response: retries duplicate, unless idempotence is on; a silent switch-off is shown', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'A lost response and retries without idempotence: a duplicate');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Duplicate/);
  assert.match(await page.getByTestId('delivery').textContent(), /at-least-once/);
  await choosePreset(page, 'The same lost response with idempotence: exactly one copy');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  await choosePreset(page, 'acks=1 silently switches idempotence off: a lost response duplicates');
  await page.keyboard.press('End');
  assert.match(await page.getByTestId('idempotence-off').textContent(), /silently off: acks is not all/);
  // The config list agrees with the warning: the defaulted true acts as false.
  const row = page.locator('.verdict .configs li', { hasText: 'enable.idempotence=' });
  assert.match(await row.textContent(), /enable\.idempotence=false \(default true, off: acks is not all\)/);
  await screenshot(page, 'idempotence-silently-off');
  assert.deepEqual(errors, []);
});

test('a message that a cut link will drop is drawn dashed, as the legend says, before it is lost', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'acks=1: the leader acknowledges, then dies before the followers copy');
  await page.locator('svg.topology').focus();
  // Step through the events up to the cut at 200 ms: a fetch response in flight then is lost.
  let steps = 0;
  while ((await page.locator('.message.lost').count()) === 0) {
    assert.ok(++steps < 200, 'a doomed message appears before 200 steps');
    await page.keyboard.press('ArrowRight');
  }
  const lost = page.locator('.message.lost').first();
  assert.match(await lost.locator('title').textContent(), /^FetchResponse B0 → B[12], will be lost: dropped at /);
  assert.match(await page.locator('.legend').innerText(), /will be lost/);
  assert.deepEqual(errors, []);
});
