// Links: a documentation page embeds a preset at a moment in an iframe; the address bar
// follows the scenario in use, with every change; a wrong link says what is wrong and the
// page still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, settled } from './harness.mjs';

const app = useApp();
const ACKS1 = 'acks-1-leader-dies-before-followers-copy';
const ACKS1_NAME = 'acks=1: the leader acknowledges, then dies before the followers copy';

test('a documentation page embeds a preset paused at a moment in an 800×600 iframe', async () => {
  const page = await app.browser.newPage({ viewport: { width: 900, height: 700 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.setContent(`<!DOCTYPE html><html><body style="margin:20px">
    <p>With <code>acks=1</code> an acknowledged record can be lost:</p>
    <iframe title="Kafka Delivery Lab" width="800" height="600"
            src="${app.url}?preset=${ACKS1}&t=120"></iframe></body></html>`);
  const frame = page.frameLocator('iframe');
  await frame.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await frame.locator('.scenario-description strong').innerText(), /^acks=1: the leader acknowledges/);
  assert.match(await frame.locator('output.clock').innerText(), /^120\.000ms \//, 'paused at t=120 ms');
  assert.match(await frame.getByTestId('headline').textContent(), /Lost acknowledged write/);
  assert.equal(await frame.locator('.error-banner').count(), 0);
  // The drawing starts in the frame's upper half: header, description, palette and plan
  // are compact in a short viewport (it started 354 px down before they were).
  const top = await frame.locator('svg.topology').evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top < 260, `the drawing starts ${top} px down the 600 px frame`);
  // The description's first two lines show; the whole of it is there on hover.
  const description = frame.locator('.scenario-description');
  const clamped = await description.evaluate((el) => el.getBoundingClientRect().height);
  await description.hover();
  const whole = await description.evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(whole > clamped, `hovering shows the whole description (${clamped} → ${whole} px)`);
  await page.mouse.move(0, 0);
  assert.ok(await frame.getByRole('link', { name: /Link to this moment/ }).isVisible(), 'the link stays in sight beside the clamped description');
  await screenshot(page, 'link-embedded-in-iframe');
  assert.deepEqual(errors, []);
});

test('embed mode shows the story, faults, drawing, transport and verdict, and opens the whole page', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}&t=120&embed=1`, { width: 800, height: 600 });
  await settled(page);
  assert.ok(!(await page.getByLabel('Scenario', { exact: true }).isVisible()), 'no picker');
  assert.ok(!(await page.locator('.trace').isVisible()), 'no trace list');
  assert.ok(await page.locator('svg.topology').isVisible());
  assert.ok(await page.getByRole('button', { name: /^Play/ }).isVisible(), 'the transport in sight');
  assert.match(await page.getByTestId('headline').textContent(), /Lost acknowledged write/);
  const open = page.getByRole('link', { name: /Open in Kafka Delivery Lab/ });
  assert.equal(await open.getAttribute('href'), `?preset=${ACKS1}&t=120`, 'the whole page, same moment');
  // An edit keeps embed mode in the address, so a reload stays embedded.
  await page.locator('[data-node="B2"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-chip[data-fault="crash"]').click();
  await page.locator('.fault-plan li', { hasText: 'process crash of B2' }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('embed'), '1');
  assert.doesNotMatch(await open.getAttribute('href'), /embed/);
  await screenshot(page, 'embed-mode', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('the address follows the preset in use, and "Link to this moment" opens it there', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  assert.equal(new URL(page.url()).search, '?preset=replication-acks-all', 'the first preset is named');
  await choosePreset(page, ACKS1_NAME);
  assert.equal(new URL(page.url()).search, `?preset=${ACKS1}`);
  await page.locator('input.scrubber').fill('250000');
  await page.locator('output.clock', { hasText: /^250\.000ms/ }).waitFor();
  const link = page.getByRole('link', { name: /Link to this moment/ });
  assert.equal(await link.getAttribute('href'), `?preset=${ACKS1}&t=250`);
  const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await opened.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await opened.locator('output.clock').innerText(), /^250\.000ms \//);
  assert.match(await opened.locator('.scenario-description strong').innerText(), /^acks=1: the leader acknowledges/);
  // The page it came from is untouched: same preset, same moment.
  assert.match(await page.locator('output.clock').innerText(), /^250\.000ms \//);
  // A dropped fault goes into the address and the link: the whole scenario, compressed.
  await page.locator('[data-node="B1"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('.fault-chip[data-fault="crash"]').click();
  await page.locator('.fault-plan li', { hasText: 'process crash of B1' }).waitFor();
  await settled(page);
  const carried = new URL(page.url()).searchParams;
  assert.equal(carried.get('preset'), ACKS1, 'the preset it was edited from');
  assert.match(carried.get('s') ?? '', /^[A-Za-z0-9_-]{40,}$/, 'the scenario, URL-safe');
  const href = await link.getAttribute('href');
  assert.match(href, new RegExp(`^\\?preset=${ACKS1}&s=[A-Za-z0-9_-]+&t=250$`));
  const headline = await page.getByTestId('headline').textContent();
  const [edited] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await edited.locator('.fault-plan li', { hasText: 'process crash of B1' }).waitFor({ timeout: 30_000 });
  await settled(edited);
  assert.match(await edited.locator('output.clock').innerText(), /^250\.000ms \//);
  assert.equal(await edited.getByTestId('headline').textContent(), headline, 'the same run, the same verdict');
  assert.equal(await edited.locator('.error-banner').count(), 0);
  // Reloading keeps the change too: the address bar carries it.
  await page.reload();
  await page.locator('.fault-plan li', { hasText: 'process crash of B1' }).waitFor({ timeout: 30_000 });
  await choosePreset(page, 'Replication with acks=all');
  assert.equal(new URL(page.url()).search, '?preset=replication-acks-all', 'a preset chosen again is as shipped');
  assert.deepEqual(errors, []);
});

test('a damaged scenario in a link is named, and the preset it came from opens as shipped', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}&s=q1ZKzs8tyM9LzSvRUcrMSy1RslIqS8wpTlWqBQA&t=20`);
  const banner = await page.getByRole('alert').innerText();
  assert.match(banner, new RegExp(`^The address's scenario .* Preset \`${ACKS1}\` is open as shipped instead\.$`));
  assert.match(await page.locator('.scenario-description strong').innerText(), /^acks=1: the leader acknowledges/);
  assert.match(await page.locator('output.clock').innerText(), /^20\.000ms \//);
  assert.deepEqual(errors, []);
});

test('a wrong link names its mistakes and opens the first preset, which works', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=acks-9&t=soon`);
  const banner = await page.getByRole('alert').innerText();
  assert.match(banner, /preset `acks-9`, which does not exist/);
  assert.match(banner, /t=`soon` is not a whole number of milliseconds/);
  assert.match(await page.locator('.scenario-description strong').innerText(), /^Replication with acks=all/);
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  await screenshot(page, 'link-wrong-preset');
  assert.deepEqual(errors, []);
});
