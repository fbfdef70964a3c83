// The registration form (人才登记表): the applicant fills it in the browser (a wrong 身份证号
// is refused next to the field, nothing typed is lost), the coordination office sees it
// masked and reveals the full number once, with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

const ID = '110101199003071233';

test('an applicant fills the registration form; the coordination office reveals the number with a reason', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  await page.click('a[href="/me/profile"] >> nth=0');
  await page.waitForURL('**/me/profile');
  assert.equal((await page.textContent('main h1')).trim(), '我的人才登记表');

  await page.fill('#name', '张明');
  await page.selectOption('#gender', 'male');
  await page.selectOption('#id_type', 'citizen_id');
  await page.fill('#id_number', '110101199003071235'); // wrong check character
  await page.fill('#phone', '13812345678');
  await page.selectOption('select[name="edu_degree"] >> nth=0', 'doctor');
  await page.fill('input[name="edu_institution"] >> nth=0', '新疆大学');
  await page.fill('input[name="edu_major"] >> nth=0', '物流工程');
  await page.selectOption('select[name="edu_tier"] >> nth=0', '211');
  assert.equal(await page.inputValue('select[name="edu_full_time"] >> nth=0'), 'yes', 'a blank row starts at 全日制 是');
  await page.fill('input[name="edu_year"] >> nth=0', '2016');
  await page.selectOption('#title', 'vice_senior');
  await page.check('input[name="honours"][value="provincial_expert"]');
  await page.fill('#projects', '中欧班列通关效率研究');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/me/profile"] button[type="submit"]')]);

  const idError = await page.textContent('#id_number ~ small.field-error');
  assert.match(idError, /身份证号/, `the error sits next to the field: ${idError}`);
  assert.equal(await page.inputValue('#name'), '张明');
  assert.equal(await page.inputValue('input[name="edu_institution"] >> nth=0'), '新疆大学');
  assert.equal(await page.inputValue('#projects'), '中欧班列通关效率研究');
  assert.ok(await page.isChecked('input[name="honours"][value="provincial_expert"]'));

  await page.fill('#id_number', ID);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/me/profile"] button[type="submit"]')]);
  assert.match(await page.textContent('main'), /已保存/);
  assert.match(await page.textContent('main'), /\*{17}3/);
  assert.doesNotMatch(await page.content(), new RegExp(ID), 'the full number is not shown back');
  await screenshot(page, 'profile-saved');

  // The coordination office: masked list and detail, then the full number with a reason.
  await page.context().clearCookies();
  await login(page, 'coord');
  await page.goto('/candidates?q=张明');
  const row = page.locator('table#candidates tbody tr').first();
  assert.match(await row.textContent(), /\*{17}3/);
  assert.match(await row.textContent(), /博士/);
  await Promise.all([page.waitForNavigation(), row.locator('a').click()]);
  assert.match(await page.textContent('#id-number'), /\*{17}3/);
  assert.match(await page.textContent('#birth'), /1990 年/, 'the birth year, not the date');
  assert.doesNotMatch(await page.content(), /1990-03-07/);
  assert.match(await page.textContent('table#education'), /是/, 'saved as full-time');
  await page.fill('#reason', '资格审查核对身份');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("查看完整证件号")')]);
  assert.match(await page.textContent('#id-number'), new RegExp(ID));
  assert.match(await page.textContent('#birth'), /1990-03-07/, 'the birth date with the full number');
  await screenshot(page, 'candidate-revealed');
}));
