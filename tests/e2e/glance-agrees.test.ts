/**
 * "At a glance" agrees with the sections under it, on a demo server of its own (it saves a
 * survey calendar): with nothing open, a practice with a calendar is told the next planned round,
 * when it opens and closes and when its draft appears, as "Planned rounds" lists it; without
 * one it is told nothing is planned.
 */
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, formatDate, ukDate } from '../../src/lib/dates';
import { signIn } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const own = useOwnServer('glance', () => ({ DEMO: '1' }));

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
const fitDay = (iso: string) => (Number(iso.slice(8)) > 28 ? `${iso.slice(0, 8)}28` : iso);

describe('the practice glance and the survey calendar', () => {
	it('names the next planned round once a calendar is saved, as "Planned rounds" does', async () => {
		const page = await own.browser.newPage({ viewport: { width: 1280, height: 1000 } });
		await signIn(page, own.server.url, 'pcn.lead@demo.belonging.example');
		// Hillview has only closed rounds in the demo: nothing open, nothing planned.
		const dashboard = await practicePath('Hillview Medical Centre');
		await page.goto(`${own.server.url}${dashboard}`);
		const thisRound = page.getByRole('region', { name: 'At a glance' }).locator('dt', { hasText: 'This round' }).locator('+ dd');
		expect(await thisRound.innerText()).toBe('No round is open or planned.');

		const opensOn = fitDay(addMonths(ukDate(), 5));
		await page.goto(`${own.server.url}${dashboard}/calendar`);
		await page.getByLabel('Every few months, from a date').check();
		await page.getByLabel('How often').selectOption('6');
		await page.getByLabel('The next round opens on').fill(opensOn);
		await page.getByRole('button', { name: 'Save the calendar' }).click();
		await page.waitForURL(/\/calendar\?saved$/);

		await page.goto(`${own.server.url}${dashboard}`);
		// Three weeks long; its draft made 28 days before it opens.
		const [opens, closes, draftOn] = [formatDate(opensOn), formatDate(addDays(opensOn, 20)), formatDate(addDays(opensOn, -28))];
		expect(await thisRound.innerText()).toBe(`No round is open. The next is planned from ${opens} to ${closes}; its draft appears on ${draftOn}. Survey rounds`);
		const planned = page.getByRole('region', { name: 'Planned rounds' });
		expect(await planned.getByRole('listitem').first().innerText()).toBe(`From ${opens} to ${closes}: planned as a draft on ${draftOn}`);
		await thisRound.getByRole('link', { name: 'Survey rounds' }).click();
		await page.waitForURL(/#rounds$/);
		await expectAxeClean(page);
		await page.close();
	});
});
