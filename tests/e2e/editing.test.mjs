// Editing a scenario in the browser: drag a crash onto the leader, watch the verdict, change
// acks; the same through the keyboard only; remove and move faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, seekTo, settled } from './harness.mjs';

const app = useApp();
const PRESET = 'acks=1: the leader acknowledges, then dies before the followers copy';

/** Removes the preset's own crash so the test's crash is the one that matters. */
async function withoutItsCrash(page) {
  await page.getByRole('button', { name: /Remove .*process crash of B0/ }).click();
  assert.equal(await page.locator('.fault-marker').count(), 2);
}


test('drag a crash onto the leader: a write is lost; acks=all makes the same fault safe', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, PRESET);
  await withoutItsCrash(page);
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/, 'no crash, no loss');
  await seekTo(page, 450);
  const chip = page.locator('.fault-chip[data-fault="crash"]');
  const leader = page.locator('[data-node="B0"]');
  const from = await chip.boundingBox();
  const to = await leader.boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 60, to.y + 20, { steps: 8 });
  await page.locator('.fault-ghost').waitFor({ timeout: 2000 }); // the fault follows the pointer
  await page.mouse.up();
  assert.equal(await page.locator('.fault-marker').count(), 3, 'a marker for the dropped crash');
  assert.match(await page.locator('output.clock').textContent(), /^450\.000ms/, 'play position kept');
  await page.getByRole('button', { name: 'Play (Space)' }).click();
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  await screenshot(page, 'edit-dragged-crash-loses');
  await page.getByTestId('acks').selectOption('all');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.locator('.fault-plan').textContent(), /process crash of B0/, 'the fault stays');
  await screenshot(page, 'edit-acks-all-safe');
  assert.deepEqual(errors, []);
});

test('the same through the keyboard only', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, PRESET);
  await withoutItsCrash(page);
  await seekTo(page, 450);
  // Tab to the leader, select it with Enter, Tab back to the palette, press "crash".
  await page.locator('[data-node="B0"]').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.palette-hint').textContent(), /Selected B0/);
  await page.locator('.fault-chip[data-fault="crash"]').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.fault-marker').count(), 3);
  await page.locator('body').focus();
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  await page.getByTestId('acks').focus();
  await page.keyboard.press('ArrowDown'); // from 1 to all
  assert.equal(await page.getByTestId('acks').inputValue(), 'all');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  // A marker: ← moves it earlier, Delete removes it.
  const marker = page.locator('.fault-marker').last();
  await marker.focus();
  await page.keyboard.press('Delete');
  assert.equal(await page.locator('.fault-marker').count(), 2);
  await screenshot(page, 'edit-keyboard');
  assert.deepEqual(errors, []);
});

test('a fault on the wrong kind of node is refused with a reason, and nothing is lost', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, PRESET);
  await page.locator('[data-node="P0"]').click();
  await page.locator('.fault-chip[data-fault="power loss"]').click();
  assert.match(await page.getByRole('alert').textContent(), /applies to a broker/);
  assert.equal(await page.locator('.fault-marker').count(), 3, 'the plan is unchanged');
  assert.deepEqual(errors, []);
});

test('settings: a change re-runs; a bad value gets a message beside its field and nothing breaks', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, PRESET);
  await page.getByTestId('settings').locator('summary').click();
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  await page.locator('#setting-acks').selectOption('all');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  const rf = page.locator('#setting-replication-factor');
  await rf.fill('7');
  await rf.press('Enter');
  await rf.blur();
  const message = page.locator('.setting-error');
  await message.waitFor();
  assert.match(await message.textContent(), /topic\.replication_factor: 7 is out of range/);
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/, 'the last good run stays');
  await page.locator('#setting-retries').fill('0');
  await page.locator('#setting-retries').blur();
  assert.match(await page.locator('.setting-row.is-set', { hasText: 'retries' }).textContent(), /set/);
  await screenshot(page, 'settings-panel');
  assert.deepEqual(errors, []);
});

test('settings: a consumer group added to a scenario without one reads every record; removed again', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  const settings = page.getByTestId('settings');
  await settings.locator('summary').click();
  assert.equal(await page.locator('svg.topology rect.consumer-box').count(), 0);
  await settings.getByRole('button', { name: 'Add a consumer group' }).click();
  await page.locator('svg.topology rect.consumer-box').first().waitFor();
  assert.equal(await page.locator('svg.topology rect.consumer-box').count(), 2, 'two members');
  assert.ok(await page.locator('#setting-members').isVisible(), 'the group\'s settings appear');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('end-to-end').textContent(), /exactly-once/);
  assert.match(await page.getByTestId('effects').textContent(), /^8 records' effects reached the sink/);
  await screenshot(page, 'settings-group-added');
  await settings.getByRole('button', { name: 'Remove the consumer group' }).click();
  await page.getByTestId('end-to-end').waitFor({ state: 'detached' });
  assert.equal(await page.locator('svg.topology rect.consumer-box').count(), 0);
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.deepEqual(errors, []);
});

test('a link is a drop target too: the producer cut off from the leader by a drag, healed by keyboard', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Replication with acks=all');
  const chip = page.locator('.fault-chip[data-fault="cut link"]');
  const from = await chip.boundingBox();
  const link = await page.locator('[data-link="P0~B0"] .link-hit').boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(link.x + link.width / 2, link.y + link.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.locator('.fault-plan', { hasText: 'link P0–B0 cut' }).waitFor();
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/, 'cut off, nothing acknowledged is lost');
  // Keyboard: the same link, healed.
  await page.locator('[data-link="P0~B0"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-chip[data-fault="heal link"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-plan', { hasText: 'link P0–B0 healed' }).waitFor();
  await screenshot(page, 'edit-link-cut');
  // The controller takes "add 2 partitions": the drawing grows p1 and p2.
  await page.locator('[data-node="C"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-chip[data-fault="add 2 partitions"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-plan', { hasText: '2 partition(s) added' }).waitFor();
  await page.keyboard.press('End');
  assert.match(await page.locator('svg.topology').textContent(), /p2/);
  assert.deepEqual(errors, []);
});
