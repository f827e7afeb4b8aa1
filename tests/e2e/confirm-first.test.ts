/**
 * Nothing irreversible is one click (issue 28, items 3 and 9), in real Chromium on a server of its
 * own (these tests close rounds and switch accounts off). Closing a round early first says how
 * many of the staff have answered, whether results will be shown and which round the practice
 * dashboard will lead with; cancelling changes nothing, confirming closes it, and the survey link
 * then gives the day it really closed. It works the same with JavaScript off. Each administrator's
 * change to someone's account, signing yourself out everywhere, revoking an API token and deleting
 * a draft round ask first too, and the first click changes nothing. axe and HTML_CodeSniffer check
 * every confirmation at 1280 and 360 px.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatDate, ukDate } from '../../src/lib/dates';
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { SurveySubmission } from '../../src/lib/npt/submission';
import type { Db } from '../../src/lib/server/db';
import type { SignedInUser } from '../../src/lib/server/identity';
import { createApiToken } from '../../src/lib/server/api/tokens';
import { calendarSchema, saveCalendar } from '../../src/lib/server/calendar/survey-calendar';
import { recordAction } from '../../src/lib/server/linkworker/action-changes';
import { createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { submitResponse } from '../../src/lib/server/surveys/responses';
import { closeRound } from '../../src/lib/server/surveys/round-lifecycle';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { createSignedInUser, TEST_PASSWORD } from '../helpers/events';
import { signIn, SCREENSHOTS } from './browser';
import { expectAxeClean, useOwnServer } from './own-server';

const ADMIN = 'admin@demo.belonging.example';
const today = ukDate();

const own = useOwnServer('confirm-first', () => ({ DEMO: '1' }));

const everyoneAgrees: SurveySubmission = {
	roleGroup: null,
	agreement: Object.fromEntries(DEFAULT_STAFF_INSTRUMENT.items.map((item) => [item.id, 4])) as SurveySubmission['agreement'],
	general: {},
	comment: '',
	code: null
};

let db: Db;
let manager: SignedInUser;
/** Two practices alike, one for the close with JavaScript and one without. */
const practices: { id: number; winterId: number; winterToken: string }[] = [];

async function answer(roundId: number, times: number, day: string) {
	for (let i = 0; i < times; i++) {
		const stored = await submitResponse(db, roundId, everyoneAgrees, day);
		if (!stored.ok) throw new Error('A test answer was refused');
	}
}

/** Spring: 24 answered of 26, closed half a year ago. Winter: open, 6 of the 28 staff so far. */
async function roundsAt(practiceId: number, versionId: number) {
	const practice = { id: practiceId };
	const spring = await createRound(db, {
		practiceId: practice.id,
		instrumentVersionId: versionId,
		title: 'Spring survey',
		opensOn: addDays(today, -200),
		closesOn: addDays(today, -180),
		staffHeadcount: 26,
		status: 'open'
	});
	await answer(spring.id, 24, addDays(today, -190));
	// A practice has one open round at a time: spring closes before winter is made.
	const closed = await closeRound(db, spring.id, manager, addDays(today, -170));
	if (!closed.ok) throw new Error('The spring round did not close');
	const winter = await createRound(db, {
		practiceId: practice.id,
		instrumentVersionId: versionId,
		title: 'Winter survey',
		opensOn: addDays(today, -5),
		closesOn: addDays(today, 17),
		staffHeadcount: 28,
		status: 'open'
	});
	await answer(winter.id, 6, today);
	return { spring, winter };
}

beforeAll(async () => {
	db = own.database.open();
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const first = await createPractice(db, { odsCode: 'A99991', name: 'Confirm Early Surgery', pcnId: null });
	const second = await createPractice(db, { odsCode: 'A99992', name: 'Plain Form Surgery', pcnId: null });
	manager = await createSignedInUser(db, 'practice_manager', { practiceIds: [first.id, second.id] });
	for (const practice of [first, second]) {
		const { winter } = await roundsAt(practice.id, versionId);
		practices.push({ id: practice.id, winterId: winter.id, winterToken: winter.public_token });
	}
});
afterAll(async () => {
	await db?.destroy();
});

async function roundState(roundId: number) {
	return db.selectFrom('round').select(['status', 'closed_on']).where('id', '=', roundId).executeTakeFirstOrThrow();
}

async function expectCleanAtBothWidths(page: Page) {
	await page.setViewportSize({ width: 1280, height: 900 });
	await expectAxeClean(page);
	await page.setViewportSize({ width: 360, height: 740 });
	await expectAxeClean(page);
	// No sideways scroll on a phone.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.setViewportSize({ width: 1280, height: 900 });
}

const STATEMENTS = {
	rate: '6 of the 28 staff have answered (21%).',
	shown: 'Its results will be shown',
	headline: 'It replaces Spring survey (24 people answered) as the headline'
};

describe('closing a round early', () => {
	it('asks first with the response rate and the new headline; cancelling changes nothing, confirming closes, and the link gives the real date', async () => {
		const { winterId, winterToken } = practices[0]!;
		const context = await own.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
		const page = await context.newPage();
		await signIn(page, own.server.url, manager.email, TEST_PASSWORD);
		await page.goto(`${own.server.url}/rounds/${winterId}`);

		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}/close`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Close Winter survey now?');
		const asked = await page.locator('main').innerText();
		for (const statement of Object.values(STATEMENTS)) expect(asked).toContain(statement);
		expect(asked).toContain(`is due to close at the end of ${formatDate(addDays(today, 17))}`);
		// Asking changed nothing.
		expect(await roundState(winterId)).toEqual({ status: 'open', closed_on: null });

		await page.screenshot({ path: join(SCREENSHOTS, 'close-early-confirm.png'), fullPage: true });
		await expectCleanAtBothWidths(page);

		await page.getByRole('link', { name: `No, keep it open until ${formatDate(addDays(today, 17))}` }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}`);
		expect(await roundState(winterId)).toEqual({ status: 'open', closed_on: null });
		expect(await page.locator('main').innerText()).toContain('6 responses so far');

		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.getByRole('button', { name: 'Yes, close the round now' }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}?closed`);
		expect(await roundState(winterId)).toEqual({ status: 'closed', closed_on: today });
		const roundPage = await page.locator('main').innerText();
		expect(roundPage).toContain(`to ${formatDate(today)} (closed early; it was due to close on ${formatDate(addDays(today, 17))})`);

		// The survey link says the day it closed, not the day it was due to.
		const survey = await context.newPage();
		await survey.goto(`${own.server.url}/s/${winterToken}`);
		expect(await survey.locator('main').innerText()).toContain(`This survey closed on ${formatDate(today)} and no longer takes answers.`);
		// The question, asked again, has nothing to ask.
		await page.goto(`${own.server.url}/rounds/${winterId}/close`);
		expect(await page.locator('main').innerText()).toContain(`This round has already closed, on ${formatDate(today)}.`);
		await context.close();
	});

	it('works the same with JavaScript off', async () => {
		const { winterId, winterToken } = practices[1]!;
		const context = await own.browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await signIn(page, own.server.url, manager.email, TEST_PASSWORD);
		await page.goto(`${own.server.url}/rounds/${winterId}`);
		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}/close`);
		const asked = await page.locator('main').innerText();
		for (const statement of Object.values(STATEMENTS)) expect(asked).toContain(statement);
		await page.getByRole('link', { name: /^No, keep it open/ }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}`);
		expect(await roundState(winterId)).toEqual({ status: 'open', closed_on: null });

		await page.getByRole('link', { name: 'Close the round now' }).click();
		await page.getByRole('button', { name: 'Yes, close the round now' }).click();
		await page.waitForURL(`${own.server.url}/rounds/${winterId}?closed`);
		expect(await page.getByRole('status').first().innerText()).toContain('The round is closed');
		expect(await roundState(winterId)).toEqual({ status: 'closed', closed_on: today });
		await page.goto(`${own.server.url}/s/${winterToken}`);
		expect(await page.locator('main').innerText()).toContain(`This survey closed on ${formatDate(today)}`);
		await context.close();
	});
});

describe('other changes that cannot be taken back ask first', () => {
	async function signedInAs(email: string, password?: string) {
		const context = await own.browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, own.server.url, email, password);
		return { context, page };
	}

	async function isSignedIn(page: Page): Promise<boolean> {
		return (await page.request.get(`${own.server.url}/account`, { maxRedirects: 0 })).status() === 200;
	}

	it('each of an administrator’s changes to an account says what will happen, and the first click changes nothing', async () => {
		const person = await createSignedInUser(db, 'link_worker', { practiceIds: [practices[0]!.id] });
		const them = await signedInAs(person.email, TEST_PASSWORD);
		const admin = await signedInAs(ADMIN);
		const personPage = `${own.server.url}/users/${person.id}`;

		// Sign out everywhere: asked, cancelled, still signed in; then confirmed, signed out.
		await admin.page.goto(personPage);
		await admin.page.getByRole('link', { name: `Sign ${person.displayName} out everywhere` }).click();
		await admin.page.waitForURL(`${personPage}?confirm=signOut`);
		expect(await admin.page.getByRole('heading', { level: 1 }).innerText()).toBe(`Sign ${person.displayName} out everywhere?`);
		expect(await admin.page.locator('main').innerText()).toContain('they can sign in again straight away');
		await expectCleanAtBothWidths(admin.page);
		expect(await isSignedIn(them.page)).toBe(true);
		await admin.page.getByRole('link', { name: 'Cancel: change nothing' }).click();
		await admin.page.waitForURL(personPage);
		expect(await isSignedIn(them.page)).toBe(true);
		await admin.page.getByRole('link', { name: `Sign ${person.displayName} out everywhere` }).click();
		await admin.page.getByRole('button', { name: `Yes, sign ${person.displayName} out everywhere` }).click();
		await admin.page.waitForURL(`${personPage}?done=signed-out`);
		expect(await isSignedIn(them.page)).toBe(false);

		// Reset two-step sign-in: the link appears once it is on; asked, nothing removed until confirmed.
		await db
			.insertInto('second_factor')
			.values({ user_id: person.id, secret: 'JBSWY3DPEHPK3PXP', confirmed_at: new Date().toISOString(), last_counter: null, created_at: new Date().toISOString() })
			.execute();
		const factor = () => db.selectFrom('second_factor').select('user_id').where('user_id', '=', person.id).execute();
		await admin.page.goto(personPage);
		await admin.page.getByRole('link', { name: `Reset ${person.displayName}’s two-step sign-in` }).click();
		await admin.page.waitForURL(`${personPage}?confirm=resetTwoStep`);
		expect(await admin.page.locator('main').innerText()).toContain('their password alone lets them in');
		await expectCleanAtBothWidths(admin.page);
		expect(await factor()).toHaveLength(1);
		await admin.page.getByRole('button', { name: 'Yes, reset two-step sign-in' }).click();
		await admin.page.waitForURL(`${personPage}?done=two-step-reset`);
		expect(await factor()).toHaveLength(0);

		// Switch off: asked, still on; confirmed, off.
		const disabled = async () => (await db.selectFrom('user_account').select('disabled_at').where('id', '=', person.id).executeTakeFirstOrThrow()).disabled_at;
		await admin.page.getByRole('link', { name: 'Switch the account off' }).click();
		await admin.page.waitForURL(`${personPage}?confirm=switchOff`);
		expect(await admin.page.locator('main').innerText()).toContain('They are signed out at once, on every computer and phone, and cannot sign in again.');
		await expectCleanAtBothWidths(admin.page);
		expect(await disabled()).toBeNull();
		await admin.page.getByRole('button', { name: 'Yes, switch the account off' }).click();
		await admin.page.waitForURL(`${personPage}?done=switched-off`);
		expect(await disabled()).not.toBeNull();
		// A question that no longer fits the account is not asked: the page shows as usual.
		await admin.page.goto(`${personPage}?confirm=switchOff`);
		expect(await admin.page.getByRole('heading', { level: 1 }).innerText()).toBe(person.displayName);

		await them.context.close();
		await admin.context.close();
	});

	it('signing yourself out everywhere, revoking a token, deleting a draft, deleting an action and switching off a calendar each ask first', async () => {
		const { context, page } = await signedInAs(manager.email, TEST_PASSWORD);
		const created = await createApiToken(db, manager, 'Spreadsheet');
		if (!created.ok) throw new Error('The test token was refused');
		const revoked = async () => (await db.selectFrom('api_token').select('revoked_at').where('user_id', '=', manager.id).executeTakeFirstOrThrow()).revoked_at;

		await page.goto(`${own.server.url}/account`);
		await page.getByRole('link', { name: 'Revoke “Spreadsheet”' }).click();
		await page.waitForURL(/\/account\?confirm=revokeToken&token=\d+$/);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Revoke the token “Spreadsheet”?');
		expect(await page.locator('main').innerText()).toContain('it has not been used yet');
		await expectCleanAtBothWidths(page);
		expect(await revoked()).toBeNull();
		await page.getByRole('button', { name: 'Yes, revoke it' }).click();
		await page.waitForURL(/done=token-revoked/);
		expect(await revoked()).not.toBeNull();

		const draft = await createRound(db, {
			practiceId: practices[0]!.id,
			instrumentVersionId: (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!,
			title: 'Next spring',
			opensOn: addDays(today, 150),
			closesOn: addDays(today, 171),
			staffHeadcount: 28
		});
		const stillThere = async () => (await db.selectFrom('round').select('id').where('id', '=', draft.id).execute()).length;
		await page.goto(`${own.server.url}/rounds/${draft.id}`);
		await page.getByRole('link', { name: 'Delete this draft' }).click();
		await page.waitForURL(`${own.server.url}/rounds/${draft.id}?confirm=delete`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Delete Next spring?');
		await expectCleanAtBothWidths(page);
		expect(await stillThere()).toBe(1);
		await page.getByRole('button', { name: 'Yes, delete this draft' }).click();
		await page.waitForURL(`${own.server.url}/practices/${practices[0]!.id}`);
		expect(await stillThere()).toBe(0);

		const recorded = await recordAction(db, manager, practices[0]!.id, { what: 'Book the room on Tuesdays', owner: 'Alex Reed', dueOn: addDays(today, 30), linkedTo: 'construct:collective_action' });
		if (!recorded.ok) throw new Error('The test action was refused');
		const actionLeft = async () => (await db.selectFrom('practice_action').select('id').where('id', '=', recorded.value).execute()).length;
		await page.goto(`${own.server.url}/practices/${practices[0]!.id}/actions`);
		await page.getByText('Change the details').click();
		await page.getByRole('link', { name: 'Delete this action (recorded by mistake)' }).click();
		await page.waitForURL(/\/actions\?confirm=delete&action=\d+$/);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Delete the action “Book the room on Tuesdays”?');
		await expectCleanAtBothWidths(page);
		expect(await actionLeft()).toBe(1);
		await page.getByRole('button', { name: 'Yes, delete it' }).click();
		await page.waitForURL(/\/actions(#planned-actions)?$/);
		expect(await actionLeft()).toBe(0);

		const settings = calendarSchema(today).parse({ cadence: 'every', everyMonths: '6', anchorOn: addDays(today, 150), months: [], lengthWeeks: '3', headcountSource: 'fixed', fixedHeadcount: '28' });
		const saved = await saveCalendar(db, practices[1]!.id, settings, manager);
		if (!saved.ok) throw new Error('The test calendar was refused');
		const hasCalendar = async () => (await db.selectFrom('survey_calendar').select('practice_id').where('practice_id', '=', practices[1]!.id).execute()).length;
		await page.goto(`${own.server.url}/practices/${practices[1]!.id}/calendar`);
		await page.getByRole('link', { name: 'Switch off the calendar' }).click();
		await page.waitForURL(`${own.server.url}/practices/${practices[1]!.id}/calendar?confirm=stop`);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Switch off Plain Form Surgery’s survey calendar?');
		expect(await page.locator('main').innerText()).toContain(`The next planned opening (${formatDate(addDays(today, 150))}) will not be made.`);
		await expectCleanAtBothWidths(page);
		expect(await hasCalendar()).toBe(1);
		await page.getByRole('button', { name: 'Yes, switch it off' }).click();
		await page.waitForURL(/\/calendar\?stopped$/);
		expect(await hasCalendar()).toBe(0);

		await page.goto(`${own.server.url}/account`);
		await page.getByRole('link', { name: 'Sign out everywhere' }).click();
		await page.waitForURL(`${own.server.url}/account?confirm=signOutEverywhere`);
		expect(await page.locator('main').innerText()).toContain('this one included');
		await expectCleanAtBothWidths(page);
		expect(await isSignedIn(page)).toBe(true);
		await page.getByRole('button', { name: 'Yes, sign me out everywhere' }).click();
		await page.waitForURL(/\/sign-in\?signed-out/);
		expect(await isSignedIn(page)).toBe(false);
		await context.close();
	});
});
