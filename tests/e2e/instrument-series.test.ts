/**
 * Results from different instruments are never mixed, and every results page names its
 * instruments (issue 29), in real Chromium on a server of its own: a PCN of three practices, one
 * of which moved to an imported version of the staff survey with one more statement. axe checks
 * the practice and PCN dashboards at 1280 and 360 px.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ukDate } from '../../src/lib/dates';
import type { AgreementPoint } from '../../src/lib/npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import { parseInstrument, type Instrument } from '../../src/lib/npt/instrument';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import type { Db } from '../../src/lib/server/db';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { itemIdsOf, storeInstrumentVersion, versionIdOf } from '../../src/lib/server/surveys/instruments';
import { storeResponse } from '../../src/lib/server/surveys/responses';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { createSignedInUser, TEST_PASSWORD } from '../helpers/events';
import { signIn } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const own = useOwnServer('instrument-series', () => ({}));
const today = ukDate();

const longer: Instrument = parseInstrument(
	{
		...structuredClone(DEFAULT_STAFF_INSTRUMENT),
		version: '2.0',
		title: 'Longer staff survey',
		provenance: { authors: ['Someone else'], citation: 'Someone else (2026). Longer staff survey.', licence: 'CC BY 4.0', doi: '10.1234/longer' },
		items: [
			...DEFAULT_STAFF_INSTRUMENT.items,
			{ id: 'CA9', construct: 'collective_action', subConstruct: 'contextual_integration', text: 'There is time for it.', reversed: false }
		]
	},
	'longer'
);

let db: Db;
let lead: SignedInUser;
let practiceA: number;
let pcnId: number;

function respondent(instrument: Instrument, point: AgreementPoint): SurveySubmission {
	const agreement = Object.fromEntries(instrument.items.map((item) => [item.id, (item.reversed ? 6 - point : point) as AgreementPoint]));
	return { roleGroup: 'clinical', agreement, general: {}, comment: null, code: null };
}

async function closedRound(practiceId: number, versionId: number, instrument: Instrument, title: string, daysAgo: number, point: AgreementPoint) {
	const closesOn = addDays(today, -daysAgo);
	const round = await createRound(db, {
		practiceId,
		instrumentVersionId: versionId,
		title,
		opensOn: addDays(closesOn, -20),
		closesOn,
		staffHeadcount: 20,
		status: 'closed'
	});
	await db.updateTable('round').set({ closed_on: closesOn }).where('id', '=', round.id).execute();
	const ids = await itemIdsOf(db, versionId);
	for (let i = 0; i < 6; i++) await storeResponse(db, round.id, ids, respondent(instrument, point), closesOn);
}

beforeAll(async () => {
	db = own.database.open();
	const builtIn = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const longerId = await storeInstrumentVersion(db, longer, 'imported');
	const icb = await createIcb(db, { odsCode: 'QSE', name: 'Series ICB' });
	const pcn = await createPcn(db, { odsCode: 'U77001', name: 'Series PCN', icbId: icb.id });
	pcnId = pcn.id;
	const a = await createPractice(db, { odsCode: 'A77001', name: 'Ash Surgery', pcnId: pcn.id });
	const b = await createPractice(db, { odsCode: 'A77002', name: 'Birch Practice', pcnId: pcn.id });
	const c = await createPractice(db, { odsCode: 'A77003', name: 'Cedar Practice', pcnId: pcn.id });
	practiceA = a.id;
	await closedRound(a.id, builtIn, DEFAULT_STAFF_INSTRUMENT, 'Ash spring', 200, 5);
	await closedRound(a.id, longerId, longer, 'Ash autumn', 30, 1);
	await closedRound(b.id, builtIn, DEFAULT_STAFF_INSTRUMENT, 'Birch autumn', 40, 4);
	await closedRound(c.id, builtIn, DEFAULT_STAFF_INSTRUMENT, 'Cedar autumn', 50, 3);
	lead = await createSignedInUser(db, 'pcn_lead', { pcnIds: [pcn.id] });
});
afterAll(async () => {
	await db?.destroy();
});

async function openAs(path: string): Promise<Page> {
	const page = await own.browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
	await signIn(page, own.server.url, lead.email, TEST_PASSWORD);
	await page.goto(`${own.server.url}${path}`);
	return page;
}

async function expectCleanAtBothWidths(page: Page) {
	await expectAxeClean(page);
	await page.setViewportSize({ width: 360, height: 740 });
	await expectAxeClean(page);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.setViewportSize({ width: 1280, height: 900 });
}

describe('a practice whose rounds used two instruments', () => {
	it('says the change cannot be compared, breaks the trend and names both instruments with their licences', async () => {
		const page = await openAs(`/practices/${practiceA}`);
		const text = await page.locator('main').innerText();
		expect(text).toContain('Cannot compare: the rounds used different instruments.');
		expect(text).toMatch(/The lines break between Ash spring and Ash autumn: the rounds used different instruments/);
		expect(text).toMatch(/Results from Longer staff survey, version 2\.0\. Licence: CC BY 4\.0\. Cite as: Someone else \(2026\)\. Longer staff survey\./);
		expect(text).toContain(`Results from ${DEFAULT_STAFF_INSTRUMENT.title}, version 1.0.`);
		expect(await page.getByRole('link', { name: 'doi:10.1234/longer' }).getAttribute('href')).toBe('https://doi.org/10.1234/longer');
		await expectCleanAtBothWidths(page);
		await page.close();
	});
});

describe('a PCN whose practices used two instruments', () => {
	it('shows the practice on the other instrument apart and keeps it out of the PCN figures', async () => {
		const page = await openAs(`/pcns/${pcnId}`);
		const text = await page.locator('main').innerText();
		expect(text).toMatch(/The PCN figures are from .*version 1\.0\. 1 practice used a different instrument/);
		expect(text).toContain('Longer staff survey, version 2.0: a different instrument, not in the PCN figures');
		// (7.5 + 5.0) / 2 from Birch and Cedar; Ash's 0.0 is not in it.
		expect(text).toMatch(/Mean of practice scores 6\.3 out of 10, from 2 practices/);
		expect(text).not.toMatch(/notable fall/i);
		await page.screenshot({ path: join(tmpdir(), 'pcn-two-instruments.png'), fullPage: true });
		await expectCleanAtBothWidths(page);
		await page.close();
	});
});
