// The release build, served on 127.0.0.1, as a new user first sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, choosePreset, settled } from './harness.mjs';

const app = useApp();

test('the page loads without console errors and draws the engine-driven cluster', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Kafka Delivery Lab' }).waitFor());
  assert.equal(await page.locator('svg.topology g.broker').count(), 3, 'three brokers drawn');
  assert.match(await page.locator('.scenario-description').innerText(), /Replication with acks=all/);
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.getByTestId('delivery').textContent(), /exactly-once/);
  // Move to a moment with records replicated and messages in flight, then look at it.
  await page.locator('input.scrubber').fill('60000');
  await page.locator('.log-cell').first().waitFor();
  assert.ok((await page.locator('.message').count()) > 0, 'messages in flight at 60 ms');
  assert.match(await page.locator('.trace h2').textContent(), /Trace · event \d+ of \d+/);
  await screenshot(page, 'first-screen');
  assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`);
});

test('the keyboard alone plays, steps and jumps to the end', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  const heading = page.locator('.trace h2');
  const headingText = () => heading.textContent();
  await page.keyboard.press('ArrowRight');
  assert.match(await headingText(), /event [1-9]\d* of/);
  await page.keyboard.press('End');
  const total = (await headingText()).match(/event (\d+) of (\d+)/);
  assert.equal(total[1], total[2], 'End shows every event');
  assert.equal(await page.locator('.counts div:nth-child(2) dd').innerText(), '8', 'all 8 acknowledged');
  await page.keyboard.press('Home');
  assert.match(await headingText(), /event [0-9]+ of/);
  await page.keyboard.press(' ');
  await page.waitForTimeout(400);
  await page.keyboard.press(' ');
  assert.notEqual(await page.locator('output.clock').innerText(), '0.000ms / 400.000ms', 'playback moved');
  assert.deepEqual(errors, []);
});

test('another preset re-runs the engine and shows its error surfaced', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'min.insync.replicas above the replica count');
  await page.keyboard.press('End');
  assert.equal(await page.locator('.counts div:nth-child(3) dd').innerText(), '4', 'four failed sends');
  assert.match(await page.locator('.verdict-detail').textContent(), /0 acknowledged, 4 failed/);
  assert.match(await page.getByTestId('delivery').textContent(), /nothing acknowledged/);
  await screenshot(page, 'not-enough-replicas');
  assert.deepEqual(errors, []);
});

test('fits an 800×600 documentation iframe', async () => {
  const { page, errors } = await openApp(app.browser, app.url, { width: 800, height: 600 });
  const box = await page.locator('svg.topology').boundingBox();
  assert.ok(box.width <= 800, `drawing is ${box.width}px wide`);
  await screenshot(page, 'embed-800x600');
  assert.deepEqual(errors, []);
});

test('on a 1024×768 projector the drawing is readable, the verdict follows it and the transport stays in reach', async () => {
  const { page, errors } = await openApp(app.browser, app.url, { width: 1024, height: 768 });
  await settled(page);
  // Broker names are drawn at 15 units of a 1000-unit drawing: it must not shrink below 90 %.
  const name = await page.locator('svg.topology .broker-name').first().boundingBox();
  assert.ok(name.height >= 0.9 * 15, `a broker's name is ${name.height.toFixed(1)} px high`);
  const drawing = await page.locator('svg.topology').boundingBox();
  const verdict = await page.locator('aside.verdict').boundingBox();
  const settingsTop = (await page.locator('.settings').boundingBox()).y;
  assert.ok(verdict.y >= drawing.y + drawing.height, 'the verdict comes below the drawing');
  assert.ok(verdict.y < settingsTop, 'and before the settings');
  // The play button is on the first screen, and still there after scrolling to the verdict.
  for (const scrollY of [0, verdict.y]) {
    await page.evaluate((y) => window.scrollTo(0, y), scrollY);
    const play = await page.getByRole('button', { name: /^Play/ }).boundingBox();
    assert.ok(play.y >= 0 && play.y + play.height <= 768, `scrolled to ${scrollY}: the play button is at ${play.y} px`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'projector-1024x768', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('a blank cluster to start from: producer, brokers and a consumer group, nothing failing', async () => {
  const { page, errors } = await openApp(app.browser, app.url);
  await choosePreset(page, 'Blank cluster: your own experiment');
  assert.equal(await page.locator('svg.topology g.broker').count(), 3, 'three brokers');
  assert.equal(await page.locator('svg.topology rect.consumer-box').count(), 2, 'two consumers');
  assert.equal(await page.locator('.fault-marker').count(), 0, 'no faults yet');
  await page.keyboard.press('End');
  await settled(page);
  assert.match(await page.getByTestId('headline').textContent(), /No anomaly/);
  assert.match(await page.getByTestId('end-to-end').textContent(), /exactly-once/);
  assert.match(await page.getByTestId('effects').textContent(), /^100 records' effects reached the sink, 0 of them more than once/);
  assert.deepEqual(errors, []);
});

test('a phone or a narrow documentation iframe never scrolls sideways; every setting shows its whole name', async () => {
  // The longest preset name, the record lanes' key and every settings row must fit.
  const long = 'Cooperative rebalance: commits fail with RebalanceInProgressException, the moved partition is processed twice';
  for (const width of [360, 480, 640, 1280]) {
    const { page, errors } = await openApp(app.browser, app.url, { width, height: 760 });
    await choosePreset(page, long);
    await settled(page);
    await page.getByText("Settings — every knob, under Kafka's names").click();
    await page.locator('.settings fieldset').first().waitFor();
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.equal(scroll, client, `at ${width} px the page is ${scroll} px wide`);
    const picker = await page.getByLabel('Scenario', { exact: true }).boundingBox();
    assert.ok(picker.x + picker.width <= width, `the scenario picker ends at ${picker.x + picker.width} px`);
    // A name wraps after its dots rather than running under its input.
    const hidden = await page.locator('.setting-row label').evaluateAll((labels) => labels
      .filter((l) => {
        const input = l.parentElement.querySelector('input, select');
        return l.scrollWidth > l.clientWidth + 1
          || (input && l.getBoundingClientRect().bottom > input.getBoundingClientRect().top + 1
            && l.getBoundingClientRect().right > input.getBoundingClientRect().left + 1);
      })
      .map((l) => l.textContent));
    assert.deepEqual(hidden, [], `at ${width} px these names are cut or covered`);
    if (width === 360) await screenshot(page, 'narrow-360');
    assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`);
    await page.close();
  }
});
