// The page in Chinese: a trainer shares a workshop link with lang=zh, the room predicts and
// reads the verdict in Chinese; the switch turns the page to English and the address keeps
// the choice; a Chinese browser gets the Chinese page unless the address says otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot } from './harness.mjs';

const app = useApp();
const ACKS1 = 'acks-1-leader-dies-before-followers-copy';

test('a workshop in Chinese: predict, reveal, then switch to English', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}&t=400&workshop=1&lang=zh`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans');
  assert.equal(await page.getByTestId('lang-zh').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('.tagline').innerText(), 'Kafka 什么时候会丢消息、重复或乱序？怎样才能避免？');
  const picks = await page.locator('.picks label').allInnerTexts();
  assert.deepEqual(picks.map((p) => p.trim()), [
    '没有异常', '已确认写入丢失（lost acknowledged write）', '重复（duplicate）', '乱序（reorder）',
  ]);
  // Kafka's names stay Kafka's: the fault chips are Chinese, the configs are not.
  assert.equal(await page.locator('.fault-chip[data-fault="crash"]').innerText(), '崩溃');
  assert.ok(await page.locator('.configs').getByText('acks=', { exact: false }).first().isVisible());
  await page.getByLabel('已确认写入丢失（lost acknowledged write）').check();
  await page.getByLabel('重复（duplicate）').check();
  await page.getByRole('button', { name: '揭晓结论' }).click();
  assert.equal(await page.getByTestId('headline').innerText(), '✗ 已确认写入丢失（lost acknowledged write）');
  assert.equal(await page.getByTestId('prediction-result').innerText(),
    '✗ 预测有误：已确认写入丢失（lost acknowledged write）预测对了；重复（duplicate）并没有发生。');
  assert.match(await page.getByTestId('delivery').innerText(), /^至多一次（at-most-once）$/);
  // The lanes are back, in Chinese; the list under the verdict names the kind briefly.
  assert.match(await page.getByTestId('record-lanes').locator('.lanes-summary').innerText(), /^共 8 条记录，5 条有异常（排在前面）。/);
  assert.match(await page.locator('.anomalies li').first().innerText(), /^已确认写入丢失 — r3/);
  // What is not translated yet says so to screen readers and translators.
  assert.equal(await page.locator('.trace-list').getAttribute('lang'), 'en');
  await page.waitForFunction(() => location.search.includes('lang=zh'));
  await screenshot(page, 'language-zh-revealed', { fullPage: false });

  // The switch: English at once, the reveal kept, the address says so and a reload keeps it.
  await page.getByTestId('lang-en').click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.getByTestId('prediction-result').innerText(),
    '✗ The prediction was off: lost acknowledged write was right; duplicate did not happen.');
  assert.equal(await page.locator('.trace-list').getAttribute('lang'), null);
  await page.waitForFunction(() => location.search.includes('lang=en') && location.search.includes('workshop=1'));
  await page.reload();
  await page.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'Reveal the verdict' }).count(), 1);
  assert.deepEqual(errors, []);
});

test("a Chinese browser opens the Chinese page; the address's lang wins", async () => {
  const context = await app.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`${app.url}?preset=${ACKS1}`);
  await page.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await page.getByTestId('lang-zh').getAttribute('aria-pressed'), 'true');
  assert.match(await page.getByTestId('headline').innerText(), /已确认写入丢失/);
  assert.doesNotMatch(page.url(), /lang=/, 'the browser\'s language is not written into a shared link');
  // Keyboard: the switch is two buttons, reached with Tab and pressed with Enter.
  await page.getByTestId('lang-en').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.getByTestId('headline').innerText(), /Lost acknowledged write/);
  await page.goto(`${app.url}?preset=${ACKS1}&lang=en`);
  await page.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await page.getByTestId('headline').innerText(), /Lost acknowledged write/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown language in the address falls back without an error', async () => {
  const { page, errors } = await openApp(app.browser, `${app.url}?preset=${ACKS1}&lang=xx`);
  assert.equal(await page.getByTestId('lang-en').getAttribute('aria-pressed'), 'true');
  assert.match(await page.getByTestId('headline').innerText(), /Lost acknowledged write/);
  assert.deepEqual(errors, []);
});
