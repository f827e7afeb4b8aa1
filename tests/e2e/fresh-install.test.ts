/**
 * The "done means", end to end on a fresh real database: `npm run user:create` makes
 * the first admin, who sets a password from the printed link, adds an ICB, imports practices
 * and invites a PCN lead, who then sees exactly their own practices. axe checks each new page.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAxeClean, useOwnServer } from './own-server';

const run = promisify(execFile);

const own = useOwnServer('fresh', () => ({ DEMO: '0' }));

/** The printed or shown link, moved onto the test server's address. */
const onServer = (link: string) => `${own.server.url}${new URL(link).pathname}`;

async function choosePassword(page: Page, link: string, password: string) {
	await page.goto(onServer(link));
	await expectAxeClean(page);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByLabel('Type the password again').fill(password);
	await page.getByRole('button', { name: 'Set password and sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/invitation'));
}

describe('from a fresh install to a configured PCN', () => {
	it('creates the first admin from the command line, who configures a PCN and invites its lead', async () => {
		// No web page can create the first admin: an anonymous visitor only sees the sign-in link.
		const home = await (await fetch(`${own.server.url}/`)).text();
		expect(home).toContain('href="/sign-in"');

		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/lib/server/cli/user-create.ts', '--email', 'first.admin@example.nhs.uk', '--name', 'First Admin', '--role', 'admin'], {
			env: { ...process.env, ...own.database.env, ORIGIN: 'https://belonging.example.nhs.uk' }
		});
		const adminLink = /https:\/\/belonging\.example\.nhs\.uk\/invitation\/\S+/.exec(stdout)![0];

		const admin = await own.browser.newPage({ viewport: { width: 1000, height: 900 } });
		await choosePassword(admin, adminLink, 'harbour violet engine sparrow');
		expect(new URL(admin.url()).pathname).toBe('/admin');
		await expectAxeClean(admin);

		await admin.goto(`${own.server.url}/admin/organisations`);
		await admin.getByLabel('ICB ODS code').fill('QWE');
		await admin.getByLabel('ICB name').fill('NHS Test Valley ICB');
		await admin.getByRole('button', { name: 'Add ICB' }).click();
		await admin.getByText('NHS Test Valley ICB').first().waitFor();

		await admin.goto(`${own.server.url}/admin/import`);
		await admin.getByLabel('Or paste the rows here').fill(
			['ODS code,Name,PCN code,PCN name,ICB code', 'K55501,Meadow Lane Surgery,U55501,Valley PCN,QWE', 'K55502,Brook Street Practice,U55501,Valley PCN,QWE', 'K55503,Far Hill Surgery,U55502,Hills PCN,QWE'].join('\n')
		);
		await admin.getByRole('button', { name: 'Check the file' }).click();
		await admin.getByRole('button', { name: 'Import 3 practices' }).click();
		await admin.waitForURL(/\/admin\/organisations\?imported=3/);

		await admin.goto(`${own.server.url}/users/invite`);
		await expectAxeClean(admin);
		await admin.getByLabel('Full name').fill('Val Lead');
		await admin.getByLabel('Email address').fill('val.lead@example.nhs.uk');
		await admin.getByLabel('PCN lead').check();
		await admin.getByLabel(/^Valley PCN/).check();
		await admin.getByRole('button', { name: 'Create invitation' }).click();
		const shown = await admin.locator('.copy-box').innerText();
		expect(shown).toMatch(/\/invitation\/[\w-]{43}$/);
		await expectAxeClean(admin);

		await admin.goto(`${own.server.url}/users`);
		expect(await admin.getByRole('row', { name: /Val Lead/ }).innerText()).toMatch(/pending/i);
		await expectAxeClean(admin);
		await admin.goto(`${own.server.url}/admin/audit`);
		const log = await admin.locator('main').innerText();
		for (const what of ['Accepted invitation', 'Added an organisation', 'Imported practices and PCNs', 'Invited a user']) expect(log).toContain(what);

		const lead = await (await own.browser.newContext()).newPage();
		await choosePassword(lead, shown, 'tangerine ladder cobalt meadow');
		expect(await lead.getByRole('heading', { name: 'Practices in your PCN', level: 1 }).count()).toBe(1);
		const practices = await lead.getByRole('article').getByRole('heading', { level: 3 }).allInnerTexts();
		expect(practices.map((p) => p.replace(/\s+K\d+$/, ''))).toEqual(['Brook Street Practice', 'Meadow Lane Surgery']);

		await lead.goto(`${own.server.url}/account`);
		expect(await lead.locator('main').innerText()).toMatch(/Valley PCN/);
		await expectAxeClean(lead);

		// The link works once.
		await lead.goto(onServer(shown));
		expect(await lead.locator('main').innerText()).toMatch(/already been used/);
	});
});
