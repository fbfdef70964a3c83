// Issue 5, item 3: an amount the leading group fixes (项目启动资金, Art. 14). The demo's 高峰
// had his project's 论证 recorded, and the coordination office's proposal of the amount waits
// on meeting 第3次's agenda. The office sees it on his talent page and the proposal's page; the
// leading group fixes it in the meeting with a 批复文号; the amount becomes an installment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

const RESOLUTION = `阿人才领字〔2026〕F${Date.now().toString(36).slice(-5)}号`;
const flow = {};

test('the coordination office finds the proposal on 高峰\'s talent page', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/talents?name=高峰');
  await submit(page, 'main a:has-text("高峰")');
  const section = await text(page, '#fixings');
  assert.match(section, /须领导小组核定额度的待遇/);
  assert.match(section, /项目启动资金（第十四条第㈦项）/, section);
  assert.match(section, /领导小组审定/, 'the proposal waits for the group');
  await submit(page, '#fixings table a');
  flow.fixingPath = new URL(page.url()).pathname;
  assert.match(flow.fixingPath, /^\/fixings\/\d+$/);
  assert.match(await text(page, '#range'), /由领导小组视项目大小确定/);
  assert.match(await text(page, '#state'), /领导小组审定/);
  assert.equal(await page.locator('#fixing-edit').count(), 0, 'no longer editable once submitted');
  await screenshot(page, 'fixing-01-proposal-coord');
}));

test('the leading group fixes the amount in meeting 第3次', withPage(env, async ({ page }) => {
  assert.ok(flow.fixingPath, 'the previous step found the proposal');
  await login(page, 'leader');
  await page.goto('/meetings');
  await submit(page, 'main a:has-text("第3次")');
  const agenda = page.locator('section.agenda-item', { hasText: '待遇额度核定' });
  const id = await agenda.getAttribute('id');
  const n = id.replace('agenda-', '');
  await page.fill(`#res-${n}`, RESOLUTION);
  await page.fill(`#reason-${n}`, '同意按拟定额度核定项目启动资金');
  await submit(page, `#${id} button[name="action"][value="approve"]`);
  assert.equal(await text(page, `#${id} .resolution`), RESOLUTION);
  await screenshot(page, 'fixing-02-meeting-leader');
}));

test('the fixed amount is an installment on its way through the gate', withPage(env, async ({ page }) => {
  assert.ok(flow.fixingPath, 'the first step found the proposal');
  await login(page, 'coord');
  await page.goto(flow.fixingPath);
  assert.match(await text(page, '#state'), /已核定/);
  assert.equal(await text(page, '#resolution'), RESOLUTION);
  assert.match(await text(page, '#installment'), /已生成（编号 \d+）/);
  assert.match(await text(page, '#workflow'), /领导小组审定 → 已核定/, 'the history shows the decision');
  await screenshot(page, 'fixing-03-fixed-coord');
}));
