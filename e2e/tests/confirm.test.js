// What cannot be undone asks first, and a second click does not send a form twice.
// 王磊 (demo) holds an intent letter: 放弃 ends the application, so it asks; dismissing the
// question changes nothing and keeps what was typed; accepting it records the decision.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

/** 王磊's application page (the one with the letter to answer). */
async function openLetterStep(page) {
  await login(page, 'wanglei');
  await page.goto('/me/applications');
  const href = await page.locator('main a[href^="/applications/"]').first().getAttribute('href');
  await page.goto(href.replace(/\/letter$/, ''));
  // 放弃 sits behind its own disclosure with its own reason (no staff comment box).
  await page.click('details.decline summary');
  return page.locator('form.act-form button[name="action"][value="reject"]');
}

test('放弃 an intent letter asks first; 取消 keeps everything, 确定 records it', withPage(env, async ({ page }) => {
  const decline = await openLetterStep(page);
  assert.equal(await decline.count(), 1, 'the applicant may decline the letter');
  const label = (await page.textContent('details.decline summary')).trim();
  const before = (await page.textContent('#wf-state')).trim();
  await page.fill('#wf-decline-reason', '已接受其他单位的聘用');

  let question = '';
  page.once('dialog', (d) => { question = d.message(); d.dismiss(); });
  await decline.click();
  await page.waitForTimeout(300);
  assert.equal(question, `确定“${label}”？此操作结束本事项，不能撤销。`);
  assert.equal((await page.textContent('#wf-state')).trim(), before, 'nothing changed');
  assert.equal(await page.inputValue('#wf-decline-reason'), '已接受其他单位的聘用', 'the reason is kept');

  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), decline.click()]);
  assert.notEqual((await page.textContent('#wf-state')).trim(), before, 'the decision is recorded');
  assert.match(await page.textContent('#workflow .history'), /已接受其他单位的聘用/);
}));

test('a second submit of a form already on its way is held back', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  await page.goto('/me/profile');
  // Two submit events in a row, as two quick clicks give (synthetic events send nothing
  // themselves): the page lets the first through and cancels the second.
  const prevented = await page.evaluate(() => {
    const form = document.querySelector('form[action="/me/profile"]');
    const first = new SubmitEvent('submit', { bubbles: true, cancelable: true });
    const second = new SubmitEvent('submit', { bubbles: true, cancelable: true });
    form.dispatchEvent(first);
    form.dispatchEvent(second);
    return [first.defaultPrevented, second.defaultPrevented];
  });
  assert.deepEqual(prevented, [false, true]);
}));
