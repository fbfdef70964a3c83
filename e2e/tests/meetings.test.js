// Issue 12, point 1: "我点了同意，什么都没发生". A meeting dated in the future says on the page
// why no decision can be recorded yet, and the coordination office can reschedule it (with a
// reason, kept on an error); once the date has come the leader's decision form is there.
// Also: the talent database exports what it shows (issue 12, point 4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

function beijingToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}
async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

const TODAY = beijingToday();

test('a future meeting says why no decision yet, and is rescheduled with a reason', withPage(env, async ({ page, context }) => {
  // The demo's next meeting is dated next week; a plan waits to be put on an agenda.
  await login(page, 'coord');
  await page.goto('/meetings');
  await Promise.all([page.waitForNavigation(), page.click('#meetings a:has-text("第5次")')]);
  const meetingPath = new URL(page.url()).pathname;
  const later = await text(page, 'main dl.facts dd:nth-of-type(2)');
  assert.ok(later > TODAY, `the demo's next meeting lies ahead (${later})`);

  const waiting = page.locator('#add-agenda input[name="item"]').first();
  assert.ok(await waiting.count(), 'the demo has a plan waiting for the leading group');
  await waiting.check();
  await submit(page, '#add-agenda button[type="submit"]');
  const agenda = /#agenda-(\d+)$/.exec(page.url());
  assert.ok(agenda, `back on the meeting at the new agenda item, not ${page.url()}`);

  // The leader sees why there is nothing to press yet.
  const leader = await context.browser().newContext({ baseURL: env.server.baseUrl, locale: 'zh-CN' });
  const lp = await leader.newPage();
  await login(lp, 'leader');
  await lp.goto(meetingPath);
  assert.match(await text(lp, `#agenda-${agenda[1]} .not-yet`), new RegExp(`会议定于 ${later} 召开，召开后才能记录决定`));
  assert.equal(await lp.locator(`#agenda-${agenda[1]} form.decision-form`).count(), 0, 'no decision buttons before the date');

  // Rescheduling without a reason: the error sits by the field and the typed date is kept.
  await page.click('details.reschedule summary');
  await page.fill('#new-held-on', TODAY);
  await submit(page, '#reschedule-form button[type="submit"]');
  assert.match(await text(page, '#reschedule-reason ~ small.field-error'), /改期原因/);
  assert.equal(await page.inputValue('#new-held-on'), TODAY, 'the typed date is kept');

  await page.fill('#reschedule-reason', '议题紧急，提前召开');
  await submit(page, '#reschedule-form button[type="submit"]');
  assert.equal(await text(page, 'main dl.facts dd:nth-of-type(2)'), TODAY);
  await screenshot(page, 'meeting-rescheduled');

  // Now the leader can decide.
  await lp.goto(meetingPath);
  assert.equal(await lp.locator(`#agenda-${agenda[1]} form.decision-form`).count(), 1, 'the decision form is there on the day');
  await leader.close();
}));

test('the talent database exports what it shows as an Excel file', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/talents');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const file = Buffer.concat(chunks);
  assert.ok(file.length > 1000, `a real workbook, not ${file.length} bytes`);
  assert.equal(file.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx is a zip file');
}));
