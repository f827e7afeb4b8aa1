/**
 * The "done means", on a demo server whose mail goes to a real SMTP server the test
 * starts: an invited PCN lead receives the invitation by mail and its link works; the practice
 * manager sets a survey calendar (without JavaScript) and sees the next rounds planned on the
 * dashboard; reminders are chosen on /account; the admin sees the outbox. axe checks each page.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, formatDate, ukDate } from '../../src/lib/dates';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { downloadedText, signIn, SCREENSHOTS } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

let smtp: TestSmtpServer;

beforeAll(async () => {
	smtp = await startSmtpServer();
});
afterAll(async () => {
	await smtp?.close();
});
const own = useOwnServer('mail', () => ({ DEMO: '1', SMTP_URL: smtp.url, MAIL_FROM: 'Belonging <belonging@test.example>' }));

describe('mail and the survey calendar', () => {
	it('mails an invitation to a new PCN lead, whose link lets them choose a password and sign in', async () => {
		const admin = await own.browser.newPage();
		await signIn(admin, own.server.url, 'admin@demo.belonging.example');
		await admin.goto(`${own.server.url}/users/invite`);
		await admin.getByLabel('Full name').fill('Morgan Lead');
		await admin.getByLabel('Email address').fill('morgan.lead@example.nhs.uk');
		await admin.getByLabel('PCN lead').check();
		await admin.getByLabel(/^Riverside and Canal PCN/).check();
		await admin.getByRole('button', { name: 'Create invitation' }).click();
		const shown = await admin.locator('.copy-box').innerText();
		expect(await admin.getByText('A copy is on its way to morgan.lead@example.nhs.uk by mail.').count()).toBe(1);

		// The demo's round reminders go to its manager by the same server, and may arrive first.
		const mail = await smtp.waitForMailTo('morgan.lead@example.nhs.uk');
		expect(mail.subject).toBe('You are invited to Belonging');
		const link = /https?:\/\/\S+\/invitation\/[\w-]{43}/.exec(mail.text)![0];
		expect(link).toBe(shown);
		expect(mail.html).toContain(`href="${link}"`);
		// The address written out beside the link in both parts, the PCN named, and marked automatic.
		expect(mail.text.split('\n')).toContain(link);
		expect(mail.html).toContain(`>${link}</span>`);
		expect(mail.text).toContain('Your account is for the PCN Riverside and Canal PCN (demo).');
		expect(mail.headers['auto-submitted']).toBe('auto-generated');
		expect(mail.headers['list-unsubscribe']).toBeUndefined();
		// The HTML part as a mail program shows it, for the README.
		const reader = await own.browser.newPage({ viewport: { width: 640, height: 200 } });
		await reader.setContent(mail.html);
		await reader.screenshot({ path: join(SCREENSHOTS, 'mail-invitation.png'), fullPage: true });
		await reader.close();

		const lead = await (await own.browser.newContext()).newPage();
		await lead.goto(link);
		await lead.getByLabel('Password', { exact: true }).fill('copper lantern meadow quartz');
		await lead.getByLabel('Type the password again').fill('copper lantern meadow quartz');
		await lead.getByRole('button', { name: 'Set password and sign in' }).click();
		await lead.waitForURL((url) => !url.pathname.startsWith('/invitation'));
		expect(await lead.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);

		// The admin's outbox page shows it sent, never its body.
		await admin.goto(`${own.server.url}/admin/mail`);
		await expectAxeClean(admin);
		const sent = admin.getByRole('table', { name: 'Mail sent recently' });
		expect(await sent.getByRole('row', { name: /morgan\.lead@example\.nhs\.uk/ }).count()).toBe(1);
		expect(await admin.locator('main').innerText()).not.toContain('/invitation/');
		await admin.close();
		await lead.close();
	});

	it('lets the practice manager set a calendar without JavaScript, and shows the next rounds planned on the dashboard', async () => {
		const context = await own.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		page.setDefaultTimeout(10_000);
		await signIn(page, own.server.url, 'practice.manager@demo.belonging.example');
		const dashboard = await practicePath('Riverside Surgery');
		await page.goto(`${own.server.url}${dashboard}`);
		const planned = page.getByRole('region', { name: 'Planned rounds' });
		expect(await planned.innerText()).toContain('No survey calendar yet');
		await planned.getByRole('link', { name: 'Set one up' }).click();
		await page.waitForURL(/\/calendar$/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);

		// Too often first: refused, with the reason, and nothing saved.
		await page.getByLabel('Every few months, from a date').check();
		await page.getByLabel('In chosen months of the year').check();
		await page.getByLabel('January').check();
		await page.getByLabel('March').check();
		await page.getByRole('button', { name: 'Save the calendar' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await page.locator('.error-summary').innerText()).toContain('January and March are less than 4 months apart');
		expect(await page.locator('#months-error').innerText()).toContain('January and March are less than 4 months apart');

		// Every six months, from a date five months off (clear of the demo's recent rounds).
		const opensOn = fitDay(addMonths(ukDate(), 5));
		await page.getByLabel('Every few months, from a date').check();
		await page.getByLabel('How often').selectOption('6');
		await page.getByLabel('The next round opens on').fill(opensOn);
		await page.getByLabel('January').uncheck();
		await page.getByLabel('March').uncheck();
		await page.getByRole('button', { name: 'Save the calendar' }).click();
		await page.waitForURL(/\/calendar\?saved$/);
		expect(await page.getByRole('status').innerText()).toBe('Saved the survey calendar.');
		const next = page.getByRole('table', { name: 'The calendar’s next rounds' });
		expect(await next.getByRole('row').nth(1).innerText()).toContain(formatDate(opensOn));

		// The planned rounds download as an .ics file for Outlook, without JavaScript too.
		const downloading = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Add to Outlook or another calendar (.ics)' }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toBe('riverside-surgery-survey-rounds.ics');
		const ics = await downloadedText(download);
		const basic = (iso: string) => iso.replace(/-/g, '');
		expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
		// Three weeks: open on the first day, closing on the 21st, so the exclusive end is the 22nd.
		expect(ics).toContain(`\r\nDTSTART;VALUE=DATE:${basic(opensOn)}\r\nDTEND;VALUE=DATE:${basic(addDays(opensOn, 21))}\r\n`);
		expect(ics).toContain(`\r\nDTSTART;VALUE=DATE:${basic(addMonths(opensOn, 6))}\r\n`);

		await page.goto(`${own.server.url}${dashboard}`);
		const panel = await page.getByRole('region', { name: 'Planned rounds' }).innerText();
		expect(panel).toContain(`From ${formatDate(opensOn)} to ${formatDate(addDays(opensOn, 20))}: planned as a draft on ${formatDate(addDays(opensOn, -28))}`);
		expect(panel).toContain(formatDate(addMonths(opensOn, 6)));
		await context.close();
	});

	it('lets the practice manager choose which reminder mails they get', async () => {
		const page = await own.browser.newPage();
		await signIn(page, own.server.url, 'practice.manager@demo.belonging.example');
		await page.goto(`${own.server.url}/account`);
		const halfway = page.getByLabel('Halfway through a round: how many have answered');
		expect(await halfway.isChecked()).toBe(true);
		await halfway.uncheck();
		await page.getByRole('button', { name: 'Save reminder choices' }).click();
		await page.waitForURL(/done=reminders-saved/);
		expect(await page.getByRole('status').first().innerText()).toContain('Your choice of reminder mails is saved.');
		expect(await page.getByLabel('Halfway through a round: how many have answered').isChecked()).toBe(false);
		expect(await page.getByLabel('When a round opens').isChecked()).toBe(true);
		await expectAxeClean(page);
		const dashboard = await practicePath('Riverside Surgery');
		// The calendar page with its .ics link at 1280 px, for the README too.
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${own.server.url}${dashboard}/calendar`, { waitUntil: 'networkidle' });
		await expectAxeClean(page);
		await page.locator('section[aria-labelledby=planned-heading]').screenshot({ path: join(SCREENSHOTS, 'calendar-ics.png') });
		// The pages the calendar test used without JavaScript, checked by axe with it, at 360 px too.
		await page.setViewportSize({ width: 360, height: 740 });
		for (const path of [`${dashboard}/calendar`, `${dashboard}/calendar?saved`, dashboard]) {
			// Settled, so scripts have run (wide tables join the tab order once measured).
			await page.goto(`${own.server.url}${path}`, { waitUntil: 'networkidle' });
			await expectAxeClean(page);
		}
		await page.goto(`${own.server.url}${dashboard}/calendar`);
		await page.getByLabel('In chosen months of the year').check();
		await page.getByLabel('February').check();
		await page.getByLabel('April').check();
		await page.getByRole('button', { name: 'Save the calendar' }).click();
		await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
		expect(await page.locator('.error-summary').innerText()).toContain('February and April are less than 4 months apart');
		await expectAxeClean(page);
		await page.close();
	});
});

/** A demo practice's dashboard. */
async function practicePath(name: string): Promise<string> {
	const db = own.database.open({ readOnly: true });
	try {
		const practice = await db.selectFrom('practice').select('id').where('name', '=', name).executeTakeFirstOrThrow();
		return `/practices/${practice.id}`;
	} finally {
		await db.destroy();
	}
}

/** A calendar date on day 28 at the latest, as the calendar asks. */
function fitDay(iso: string): string {
	return Number(iso.slice(8)) > 28 ? `${iso.slice(0, 8)}28` : iso;
}
