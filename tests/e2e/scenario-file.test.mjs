// Opening a scenario file: a malformed one shows what is wrong and where, and keeps the run on
// screen; a valid one runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useApp, openApp, screenshot, root, settled } from './harness.mjs';

const app = useApp();

test('a malformed scenario file shows an error, not a blank page, and keeps the last good run', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  const before = await page.locator('.scenario-description strong').textContent();
  await page.getByTestId('open-scenario').setInputFiles({
    name: 'broken.json', mimeType: 'application/json',
    buffer: Buffer.from('{ "name": "broken", "duration_ms": 100,\n  "cluster": { "brokers": 3 }\n  "topic": {} }'),
  });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /broken\.json was not loaded/);
  assert.match(await alert.textContent(), /line 3/);
  assert.equal(await page.locator('.scenario-description strong').textContent(), before);
  assert.ok(await page.locator('svg.topology .broker').count() > 0, 'the drawing is still there');
  await screenshot(page, 'scenario-file-malformed');

  await page.getByTestId('open-scenario').setInputFiles({
    name: 'bad-values.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'x', duration_ms: 100, cluster: { brokers: 2 },
      topic: { name: 't', partitions: 1, replication_factor: 5 }, producer: { records: 1, interval_ms: 1 } })),
  });
  await page.locator('[role=alert]', { hasText: 'bad-values.json' }).waitFor();
  assert.match(await alert.textContent(), /topic\.replication_factor/);

  const valid = await readFile(join(root, 'scenarios', 'acks-0-leader-crash.json'));
  await page.getByTestId('open-scenario').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: valid });
  await page.locator('.scenario-description strong', { hasText: /acks=0/ }).waitFor();
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  assert.equal(await page.getByRole('alert').count(), 0, 'the error is gone');
  const picker = page.getByLabel('Scenario', { exact: true });
  assert.equal(await picker.locator('option:checked').textContent(), '— opened from a file —',
    'the picker no longer names the preset that was open before');
  await picker.selectOption({ index: 1 });
  await page.locator('.scenario-description strong', { hasText: 'Replication' }).waitFor();
  assert.deepEqual(errors, []);
});
