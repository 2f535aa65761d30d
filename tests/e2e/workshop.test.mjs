// Workshop mode: the trainer opens a preset with workshop=1, the room predicts what the run
// will show while nothing on the page gives the end away, and the reveal says who was right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, settled } from './harness.mjs';

const app = useApp();
const ACKS1 = 'acks-1-leader-dies-before-followers-copy';

test('workshop mode hides the outcome until the room has predicted it, then compares', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}&t=400&workshop=1`);
  const toggle = page.getByTestId('workshop-toggle');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  // Nothing tells the end: no headline, no description (it names the loss), no lanes,
  // replica charts or trace ahead of the play position; the drawing shows no dashed fate.
  assert.equal(await page.getByTestId('headline').count(), 0);
  assert.ok(await page.getByTestId('prediction').isVisible());
  assert.doesNotMatch(await page.locator('.scenario-description').innerText(), /lost/);
  assert.equal(await page.getByTestId('record-lanes').count(), 0);
  assert.equal(await page.getByTestId('replica-history').count(), 0);
  assert.ok(await page.getByTestId('hidden-until-reveal').isVisible());
  assert.equal(await page.locator('.message.lost').count(), 0);
  const future = page.locator('.trace-event.future').first();
  assert.equal(await future.count(), 1, 'the run goes on after 400 ms');
  assert.equal(await future.isVisible(), false, 'the trace ahead of the play position is hidden');
  // Only what this scenario can show is offered: no consumers, no transactions.
  const picks = await page.locator('.picks label').allInnerTexts();
  assert.deepEqual(picks.map((p) => p.trim()), ['no anomaly', 'lost acknowledged write', 'duplicate', 'reorder']);
  // "no anomaly" and an anomaly exclude each other.
  await page.getByLabel('no anomaly').check();
  await page.getByLabel('lost acknowledged write').check();
  assert.equal(await page.getByLabel('no anomaly').isChecked(), false);
  await screenshot(page, 'workshop-predict', { fullPage: false });

  await page.getByRole('button', { name: 'Reveal the verdict' }).click();
  assert.match(await page.getByTestId('headline').innerText(), /Lost acknowledged write/);
  assert.equal(await page.getByTestId('prediction-result').innerText(),
    '✓ The prediction was right: lost acknowledged write.');
  assert.ok(await page.getByTestId('record-lanes').isVisible(), 'the lanes are back');
  assert.match(await page.locator('.scenario-description').innerText(), /are lost/);
  assert.ok(await page.locator('.trace-event.future').first().isVisible());
  assert.match(page.url(), /workshop=1/);
  await screenshot(page, 'workshop-revealed', { fullPage: false });

  // A change is a new question: acks=all hides the verdict again, and the same guess is off.
  await page.getByTestId('acks').selectOption('all');
  await settled(page);
  assert.equal(await page.getByTestId('headline').count(), 0, 'hidden again after the edit');
  await page.getByLabel('lost acknowledged write').check();
  await page.getByRole('button', { name: 'Reveal the verdict' }).click();
  assert.match(await page.getByTestId('headline').innerText(), /No anomaly/);
  assert.equal(await page.getByTestId('prediction-result').innerText(),
    '✗ The prediction was off: lost acknowledged write did not happen.');
  // The address keeps the mode with the change, so a reload asks again.
  await page.waitForFunction(() => location.search.includes('s=') && location.search.includes('workshop=1'));
  await page.reload();
  await page.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.ok(await page.getByTestId('prediction').isVisible(), 'a reload asks again');
  assert.equal(await page.getByTestId('acks').inputValue(), 'all', 'with the change kept');
  // Revealing without a prediction just shows the verdict.
  await page.getByRole('button', { name: 'Reveal the verdict' }).click();
  assert.match(await page.getByTestId('headline').innerText(), /No anomaly/);
  assert.equal(await page.getByTestId('prediction-result').count(), 0);
  // Leaving the mode shows everything and drops it from the address.
  await page.getByTestId('workshop-toggle').click();
  assert.equal(await page.getByTestId('workshop-toggle').getAttribute('aria-pressed'), 'false');
  await page.waitForFunction(() => !location.search.includes('workshop'));
  assert.deepEqual(errors, []);
});

test('the toggle turns workshop mode on from a normal page, by keyboard', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}`);
  assert.ok(await page.getByTestId('headline').isVisible());
  await page.getByTestId('workshop-toggle').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('headline').count(), 0);
  await page.getByLabel('lost acknowledged write').focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Reveal the verdict' }).focus();
  await page.keyboard.press('Enter');
  assert.match(await page.getByTestId('prediction-result').innerText(), /^✓/);
  await page.waitForFunction(() => location.search.includes('workshop=1'));
  assert.deepEqual(errors, []);
});
