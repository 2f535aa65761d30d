// Producer batching in the browser: a lost response duplicates a whole batch; linger.ms=0 in
// Settings shrinks the damage to one record; enable.idempotence removes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, seekTo, settled } from './harness.mjs';

const app = useApp();

/** The "N anomalies." (or "1 anomaly.") count of the verdict. */
async function anomalies(page) {
  const text = await page.locator('.verdict-detail').last().textContent();
  const m = text.match(/(\d+) anomal(?:y|ies)\./);
  return m ? Number(m[1]) : 0;
}

async function setField(page, id, value) {
  const field = page.locator(`#setting-${id}`);
  await field.fill(value);
  await field.blur();
}

test('one lost response duplicates a whole batch; linger.ms=0 or idempotence shrink it', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Batching: one lost response duplicates a whole batch');
  await seekTo(page, 112);
  await screenshot(page, 'batching-batch-in-flight');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Duplicate/);
  assert.equal(await anomalies(page), 5, 'every record of the retried batch');
  await page.getByTestId('settings').locator('summary').click();
  assert.equal(await page.locator('#setting-linger-ms').inputValue(), '50', 'set by the preset');
  assert.equal(await page.locator('#setting-batch-size').getAttribute('placeholder'), '16384', 'the default');
  await setField(page, 'linger-ms', '0');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Duplicate/);
  assert.equal(await anomalies(page), 1, 'one record per batch: one duplicate');
  await setField(page, 'linger-ms', '50');
  await page.locator('#setting-enable-idempotence').selectOption('true');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  await screenshot(page, 'batching-idempotent');
  assert.deepEqual(errors, []);
});
