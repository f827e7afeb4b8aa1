import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { closeDueRounds, createRound, getRound, newPublicToken } from '../../src/lib/server/surveys/rounds';
import { surveyAvailability } from '../../src/lib/npt/round-schedule';
import { createPracticeWithRound, createTestDatabase, type TestDatabase } from '../helpers/database';

describe('organisations', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('validates and normalises ODS codes: practices a letter and five digits, PCNs U and five digits', async () => {
		const icb = await createIcb(t.db, { odsCode: 'qe1', name: 'An ICB' });
		expect(icb.ods_code).toBe('QE1');
		await expect(createPcn(t.db, { odsCode: 'X12345', name: 'Bad PCN', icbId: icb.id })).rejects.toThrow(/U12345/);
		const pcn = await createPcn(t.db, { odsCode: ' u12345 ', name: 'Good PCN', icbId: icb.id });
		expect(pcn.ods_code).toBe('U12345');
		for (const bad of ['A8100', 'AB81001', '181001', 'A810011']) {
			await expect(createPractice(t.db, { odsCode: bad, name: 'Bad', pcnId: pcn.id })).rejects.toThrow(/A81001/);
		}
		await createPractice(t.db, { odsCode: 'a81001', name: 'Good Surgery', pcnId: pcn.id });
		await expect(createPractice(t.db, { odsCode: 'A81001', name: 'Twin', pcnId: pcn.id })).rejects.toThrow('Another practice already has the ODS code A81001');
		expect(await t.db.selectFrom('practice').select('ods_code').execute()).toEqual([{ ods_code: 'A81001' }]);
	});
});

describe('rounds', () => {
	let t: TestDatabase;
	beforeEach(async () => {
		t = await createTestDatabase();
	});
	afterEach(() => t.close());

	it('gets an unguessable public token and refuses a closing date before the opening date', async () => {
		const { round, practice, versionId } = await createPracticeWithRound(t.db);
		expect(round.public_token).toMatch(/^[A-Za-z0-9_-]{24}$/);
		expect(newPublicToken()).not.toBe(newPublicToken());
		await expect(
			createRound(t.db, {
				practiceId: practice.id,
				instrumentVersionId: versionId,
				title: 'Backwards',
				opensOn: '2026-11-10',
				closesOn: '2026-11-01',
				staffHeadcount: 10
			})
		).rejects.toThrow(/closing date/);
		await expect(
			createRound(t.db, { practiceId: practice.id, instrumentVersionId: versionId, title: 'x', opensOn: '2026-02-30', closesOn: '2026-03-01', staffHeadcount: null })
		).rejects.toThrow(/YYYY-MM-DD/);
	});

	it('knows when a survey takes answers', () => {
		const round = { status: 'open' as const, opens_on: '2026-11-01', closes_on: '2026-11-30' };
		expect(surveyAvailability(round, '2026-10-31')).toBe('not_yet_open');
		expect(surveyAvailability(round, '2026-11-01')).toBe('open');
		expect(surveyAvailability(round, '2026-11-30')).toBe('open');
		expect(surveyAvailability(round, '2026-12-01')).toBe('closed');
		expect(surveyAvailability({ ...round, status: 'draft' }, '2026-11-15')).toBe('draft');
		expect(surveyAvailability({ ...round, status: 'closed' }, '2026-11-15')).toBe('closed');
	});

	it('closes open rounds once their closing date has passed, recording that date', async () => {
		const { round } = await createPracticeWithRound(t.db, { closesOn: '2026-11-30' });
		expect(await closeDueRounds(t.db, '2026-11-30')).toBe(0);
		expect((await getRound(t.db, round.id))!.status).toBe('open');
		expect(await closeDueRounds(t.db, '2026-12-01')).toBe(1);
		const closed = await getRound(t.db, round.id);
		expect(closed).toMatchObject({ status: 'closed', closed_on: '2026-11-30', practice: { ods_code: 'A10001' } });
	});
});
