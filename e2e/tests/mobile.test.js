// The applicant's side on a phone (issue: pages an applicant on a phone would adopt): at
// 360, 390 and 414 px the portal, an announcement, registration, the 登记表, the applications,
// the intent letter, 我的待遇 and the certificate are no wider than the screen, every input is
// wide enough to type in, and no table cell is squeezed to a character a line. Screenshots at
// 390 px are kept in e2e/artifacts (mobile-390-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

const WIDTHS = [360, 390, 414];
/** The narrowest an input may be on a phone (the 登记表's education inputs were 21 px). */
const MIN_INPUT_PX = 150;
/** A cell narrower than this with text in it reads one character a line. */
const MIN_CELL_PX = 60;

/** What on the page breaks a phone's screen: horizontal overflow, thin inputs, crushed cells. */
async function phoneProblems(page) {
  return page.evaluate(({ minInput, minCell }) => {
    const visible = (e) => {
      const b = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' && !e.closest('thead');
    };
    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.name ? `[name=${e.name}]` : ''}`;
    const problems = [];
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) problems.push(`the page is ${overflow} px wider than the screen`);
    for (const e of document.querySelectorAll('body *')) {
      if (!visible(e)) continue;
      const b = e.getBoundingClientRect();
      if (b.right > window.innerWidth + 1) { problems.push(`${name(e)} ends at ${Math.round(b.right)} px`); break; }
    }
    const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea';
    for (const e of document.querySelectorAll(fields)) {
      const w = e.getBoundingClientRect().width;
      if (visible(e) && w < minInput) problems.push(`${name(e)} is ${Math.round(w)} px wide`);
    }
    for (const e of document.querySelectorAll('td, th')) {
      const w = e.getBoundingClientRect().width;
      if (visible(e) && w < minCell && e.textContent.trim().length > 2) {
        problems.push(`a cell “${e.textContent.trim().slice(0, 12)}” is ${Math.round(w)} px wide`);
      }
    }
    return problems;
  }, { minInput: MIN_INPUT_PX, minCell: MIN_CELL_PX });
}

/** Opens `path` at each phone width and fails with every problem found; keeps a 390 px shot. */
async function fitsAPhone(page, path, shot) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 844 });
    const res = await page.goto(path);
    assert.equal(res.status(), 200, `${path} answers`);
    const problems = await phoneProblems(page);
    assert.deepEqual(problems, [], `${path} at ${width} px`);
    if (width === 390) await screenshot(page, `mobile-390-${shot}`);
  }
}

/** The first link on `from` whose href starts with `prefix`. */
async function firstLink(page, from, prefix) {
  await page.goto(from);
  const href = await page.locator(`main a[href^="${prefix}"]`).first().getAttribute('href');
  assert.ok(href, `a link to ${prefix}… on ${from}`);
  return href;
}

test('anyone on a phone: portal, an announcement, registration, login and the measures fit', withPage(env, async ({ page }) => {
  await fitsAPhone(page, '/', 'portal');
  const announcement = await firstLink(page, '/', '/announcements/');
  await fitsAPhone(page, announcement, 'announcement');
  // 报名 is on screen, not off to the right (it was at 473 px).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(announcement);
  const apply = page.locator('#positions a:has-text("报名"), #positions button:has-text("报名")').first();
  const box = await apply.boundingBox();
  assert.ok(box && box.x + box.width <= 390, `报名 is within the screen (${JSON.stringify(box)})`);
  await fitsAPhone(page, '/register', 'register');
  await fitsAPhone(page, '/login', 'login');
  await fitsAPhone(page, '/policy', 'policy');
  await fitsAPhone(page, '/calculator', 'calculator');
}));

test('an applicant on a phone: 登记表, applications, the application and its letter fit', withPage(env, async ({ page }) => {
  await login(page, 'wanglei');
  await fitsAPhone(page, '/me/profile', 'profile');
  await fitsAPhone(page, '/me/applications', 'applications');
  const application = await firstLink(page, '/me/applications', '/applications/');
  await fitsAPhone(page, application.replace(/\/letter$/, ''), 'application');
  await fitsAPhone(page, `${application.replace(/\/letter$/, '')}/letter`, 'letter');
}));

test('an applicant on a phone: the registration form of a position fits', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  const announcement = await firstLink(page, '/', '/announcements/');
  const apply = await firstLink(page, announcement, '/positions/');
  await fitsAPhone(page, apply, 'apply');
}));

test('a talent on a phone: 我的待遇, the talent record and a certificate fit', withPage(env, async ({ page }) => {
  await login(page, 'gaofeng');
  await fitsAPhone(page, '/me/benefits', 'benefits');
  await fitsAPhone(page, '/me/talent', 'talent');
  const certificate = await firstLink(page, '/me/benefits', '/installments/');
  await fitsAPhone(page, certificate, 'certificate');
}));
