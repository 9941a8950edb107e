// The review pages in a real Chromium, against a real `purr run` (started by run_browser_test.sh).
//   node review_test.js BASE_URL SCREENSHOT_DIR
// Users (made by the runner): admin / admin-password-1 (admin), kari / clerk-password-1 (clerk).
// A clerk works the queue with the keyboard only: next/previous, the shortcut overlay, a
// filter, open, assign to me, change the classes, resolve with a comment; hostile letter text
// stays text; the audit log is refused to a clerk and shown to an admin; sign-out ends the
// session. Exits 1 with the failed step's name on the first failure.
'use strict';

const { chromium } = require('playwright-core');
const path = require('path');

const base = process.argv[2];
const shots = process.argv[3];
let step = 'start';

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

async function signIn(page, name, password) {
  await page.goto(base + '/');
  check(page.url().includes('/signin'), 'an unsigned visitor is sent to /signin, not ' + page.url());
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(base + '/'), page.click('button[type=submit]')]);
  await page.waitForSelector('#queue');
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.PURR_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const external = [];
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push('a native dialog appeared: ' + d.message()); d.dismiss(); });

    step = 'a wrong password is refused on the page';
    await page.goto(base + '/signin');
    await page.fill('#name', 'kari');
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
    check((await page.textContent('#signin-error')).includes('wrong name or password'), 'the sign-in error says why');

    step = 'the clerk signs in and sees the queue';
    await signIn(page, 'kari', 'clerk-password-1');
    const rows = await page.$$('#queue tbody tr');
    check(rows.length >= 3, 'the queue lists the follow-ups (' + rows.length + ')');
    check(await page.$('#queue tbody tr.selected') !== null, 'the first item is selected');
    const firstDeadline = await page.textContent('#queue tbody tr:first-child td:first-child');
    check(/overdue|due today|\d{4}-\d\d-\d\d/.test(firstDeadline), 'the first item shows its deadline: ' + firstDeadline);
    check(await page.$('.badge.due-overdue, .badge.due-today') !== null, 'overdue or due-today items stand out');
    await shot(page, '01-queue');

    step = 'j and k move the selection';
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    check(await page.getAttribute('#queue tbody tr.selected', 'data-index') === '2', 'j twice selects the third item');
    await page.keyboard.press('k');
    check(await page.getAttribute('#queue tbody tr.selected', 'data-index') === '1', 'k selects the second item');

    step = '? shows the shortcut overlay and Escape hides it';
    await page.keyboard.press('?');
    check(await page.isVisible('#help'), 'the overlay is visible');
    const help = await page.textContent('#help');
    for (const k of ['next item', 'open the item', 'accept', 'change the classes', 'resolve', 'assign to me']) {
      check(help.includes(k), 'the overlay lists "' + k + '"');
    }
    await shot(page, '02-shortcuts');
    await page.keyboard.press('Escape');
    check(!(await page.isVisible('#help')), 'Escape hides the overlay');

    step = 'a filter by reason narrows the queue and the URL keeps it';
    await page.selectOption('#filter-reason', 'case.halt-letter');
    await page.waitForURL(/reason=case.halt-letter/);
    await page.waitForFunction(() => [...document.querySelectorAll('#queue tbody tr .rule')].every((e) => e.textContent === 'case.halt-letter'));
    const halted = await page.$$('#queue tbody tr');
    check(halted.length >= 1, 'halt letters are listed');
    await shot(page, '03-filtered');

    step = 'o opens the selected letter';
    await page.keyboard.press('o');
    await page.waitForURL(/\/letters\/\d+$/);
    await page.waitForSelector('#classes');
    const letterUrl = page.url();

    step = 'm assigns the letter to the clerk';
    await page.keyboard.press('m');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('assigned to kari'));
    await page.waitForFunction(() => document.getElementById('follow-ups').textContent.includes('kari'));

    step = 'c changes the classes';
    await page.keyboard.press('c');
    await page.waitForSelector('dialog[open]');
    const before = (await page.textContent('#classes')).split(', ');
    const target = before.includes('dispute') ? 'complaint' : 'dispute';
    await page.check(`dialog input[value="${target}"]`);
    await shot(page, '04-change-classes');
    await page.click('dialog button[value=ok]');
    await page.waitForFunction((t) => document.getElementById('classes').textContent.includes(t), target);

    step = 'r resolves the letter with a comment';
    await page.keyboard.press('r');
    await page.waitForSelector('dialog[open] textarea');
    await page.fill('dialog textarea', 'Called the debtor; collection paused as the law requires.');
    await page.click('dialog button[value=ok]');
    await page.waitForFunction(() => document.getElementById('follow-ups').textContent.includes('resolved'));
    await shot(page, '05-resolved');

    step = 'u goes back to the queue, where the letter is gone';
    await page.keyboard.press('u');
    await page.waitForSelector('#queue');
    const links = await page.$$eval('#queue a.open', (as) => as.map((a) => a.href));
    check(!links.includes(letterUrl), 'the resolved letter left the open queue');

    step = 'a scanned letter shows its page image with the reasons boxed';
    const scan = await page.evaluate(async () => {
      for (let i = 1; i <= 20; ++i) {
        const r = await fetch('/api/v1/letters/' + i);
        if (r.ok && (await r.json()).kind === 'scan') return i;
      }
      return null;
    });
    check(scan !== null, 'a scanned letter is in the store');
    await page.goto(base + '/letters/' + scan);
    await page.waitForSelector('svg.page-image image');
    const boxes = await page.$$('svg.page-image rect.box');
    check(boxes.length > 0, 'the page image has highlighted words');
    const marked = await page.$$('pre.page-text mark');
    check(marked.length > 0, 'the text has highlighted spans');
    const image = await page.evaluate(async () => {
      const href = document.querySelector('svg.page-image image').getAttribute('href');
      const r = await fetch(href);
      return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength];
    });
    check(image[0] === 200 && image[1] === 'image/png' && image[2] > 1000, 'the page image loads: ' + image.join(' '));
    await shot(page, '06-scan-letter');

    step = 'hostile letter text is shown as text, never run';
    const hostile = await page.evaluate(async () => {
      for (let i = 1; i <= 20; ++i) {
        const r = await fetch('/api/v1/letters/' + i);
        if (r.ok && (await r.json()).file.includes('hostile')) return i;
      }
      return null;
    });
    check(hostile !== null, 'the hostile letter is in the store');
    await page.goto(base + '/letters/' + hostile);
    await page.waitForSelector('pre.page-text');
    check(await page.evaluate(() => window.pwned === undefined), 'no script from the letter ran');
    check((await page.textContent('pre.page-text')).includes('<script>'), 'the markup is visible as text');
    check(await page.$('pre.page-text script, pre.page-text img') === null, 'no element was made from the letter');

    step = 'a clerk is refused the audit log';
    const audit = await page.goto(base + '/audit');
    check(audit.status() === 403, 'the audit page answers 403 to a clerk, not ' + audit.status());
    const apiAudit = await page.evaluate(async () => (await fetch('/api/v1/audit')).status);
    check(apiAudit === 403, 'the audit API answers 403 to a clerk');

    step = 'sign-out ends the session';
    await page.goto(base + '/');
    await page.waitForSelector('#queue');
    await Promise.all([page.waitForURL(/\/signin/), page.click('#signout')]);
    const after = await page.evaluate(async () => (await fetch('/api/v1/followups')).status);
    check(after === 401, 'the API answers 401 after sign-out');

    step = 'an admin sees the clerk\'s actions in the audit log';
    await signIn(page, 'admin', 'admin-password-1');
    await page.goto(base + '/audit');
    await page.waitForSelector('table.history tbody tr');
    const log = await page.textContent('table.history');
    for (const a of ['assign', 'set_classes', 'resolve']) check(log.includes(a), 'the audit log shows ' + a);
    check(log.includes('kari'), 'the audit log names the clerk');
    await shot(page, '07-audit');
    await page.goto(base + '/users');
    await page.waitForSelector('table.users');
    check((await page.textContent('table.users')).includes('kari'), 'the users page lists the clerk');
    await shot(page, '08-users');

    step = 'no page fetched anything from outside and no script failed';
    check(external.length === 0, 'external requests: ' + external.join(', '));
    check(errors.length === 0, 'page errors: ' + errors.join('; '));
    console.log('browser test: all steps passed; screenshots in ' + shots);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error('browser test failed at "' + step + '": ' + e.message);
  process.exit(1);
});
