// An applicant registers on /register, is told what is wrong, then logs in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

const USERNAME = 'zhang.applicant';
const DISPLAY_NAME = '张新才';
const GOOD_PASSWORD = 'Applicant#2026x';

async function fillRegistration(page, password) {
  await page.fill('#username', USERNAME);
  await page.fill('#display_name', DISPLAY_NAME);
  await page.fill('#password', password);
  await page.fill('#password_confirm', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/register"] button[type="submit"]')]);
}

test('applicant registers: weak password is refused, then registration succeeds and login works',
  withPage(env, async ({ page }) => {
    await page.goto('/register');
    assert.equal((await page.textContent('main h1')).trim(), '申请人注册');

    // 1. A weak password: a Chinese error naming 密码, and what was typed is kept.
    await fillRegistration(page, 'short');
    assert.equal(new URL(page.url()).pathname, '/register');
    const alert = page.locator('main .alert.error');
    await alert.waitFor();
    assert.match(await alert.textContent(), /密码/);
    const fieldErrors = await page.locator('#password ~ small.field-error').first().textContent();
    assert.match(fieldErrors, /密码/, 'the error is shown under the password field');
    assert.equal(await page.inputValue('#username'), USERNAME);
    assert.equal(await page.inputValue('#display_name'), DISPLAY_NAME);
    assert.equal(await page.inputValue('#password'), '', 'passwords are not sent back');

    // 2. A valid password: registered and logged in at once, on the workbench.
    await page.fill('#password', GOOD_PASSWORD);
    await page.fill('#password_confirm', GOOD_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/register"] button[type="submit"]')]);
    assert.equal(new URL(page.url()).pathname, '/workbench');
    assert.match(await page.textContent('header .user'), new RegExp(DISPLAY_NAME));

    // 3. The new account logs in again and sees its workbench under its own name.
    await page.context().clearCookies();
    await login(page, USERNAME, GOOD_PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/workbench');
    assert.equal((await page.textContent('main h1')).trim(), '工作台');
    assert.match(await page.textContent('header .user'), new RegExp(DISPLAY_NAME));
  }));

test('registering a user name that is taken names 用户名 and keeps the form', withPage(env, async ({ page }) => {
  await page.goto('/register');
  await page.fill('#username', 'coord');
  await page.fill('#display_name', '冒名者');
  await page.fill('#password', GOOD_PASSWORD);
  await page.fill('#password_confirm', GOOD_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/register"] button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, '/register');
  assert.match(await page.textContent('main .alert.error'), /用户名/);
  assert.equal(await page.inputValue('#username'), 'coord');
  assert.equal(await page.inputValue('#display_name'), '冒名者');
}));

// A visitor clicks 报名 on a position, has no account yet, registers from the login page and
// lands on that position's registration form, logged in: nothing they chose is lost.
test('registering from 报名 keeps the position and logs the new applicant in', withPage(env, async ({ page }) => {
  await page.goto('/');
  const announcement = await page.locator('main a[href^="/announcements/"]').first().getAttribute('href');
  await page.goto(announcement);
  const apply = await page.locator('#positions a[href*="/apply"]').first().getAttribute('href');
  await page.goto(apply);
  assert.equal(new URL(page.url()).pathname, '/login', 'an anonymous 报名 asks to log in');
  await Promise.all([page.waitForNavigation(), page.click('#register-link')]);
  assert.equal(new URL(page.url()).pathname, '/register');
  await page.fill('#username', 'wang.newcomer');
  await page.fill('#display_name', '王新来');
  await page.fill('#password', GOOD_PASSWORD);
  await page.fill('#password_confirm', GOOD_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/register"] button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, new URL(apply, page.url()).pathname, 'back on the position');
  assert.match(await page.textContent('header .user'), /王新来/);
}));
