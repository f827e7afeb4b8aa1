import { describe, expect, it } from 'vitest';
import { CONSTRUCTS } from '../../src/lib/npt/constructs';
import { ASPECTS, CURRENT_CHECKLIST, checklistItem, parseChecklist } from '../../src/lib/npt/infrastructure';
import checklistV1 from '../../src/lib/npt/infrastructure/checklist.v1.json';

/** DOMAIN.md's table, row by row: the id each row became, its aspect and construct. */
const DOMAIN_TABLE: [string, string, string][] = [
	['induction', 'management', 'coherence'],
	['supervision', 'management', 'collective_action'],
	['record-access', 'structural', 'collective_action'],
	['private-room', 'structural', 'collective_action'],
	['team-meetings', 'interpersonal', 'cognitive_participation'],
	['role-understood', 'interpersonal', 'coherence'],
	['champion', 'interpersonal', 'cognitive_participation'],
	['job-description', 'management', 'coherence'],
	['referral-pathway', 'procedural', 'collective_action'],
	['referrer-feedback', 'procedural', 'reflexive_monitoring'],
	['outcome-measures', 'management', 'reflexive_monitoring'],
	['caseload', 'management', 'collective_action'],
	['vcse-time', 'management', 'collective_action'],
	['service-directory', 'procedural', 'collective_action'],
	['vcse-capacity', 'structural', 'collective_action'],
	['line-management', 'management', 'cognitive_participation'],
	['peer-support', 'management', 'reflexive_monitoring'],
	['training', 'management', 'collective_action'],
	['safeguarding', 'procedural', 'collective_action'],
	['patient-information', 'interpersonal', 'coherence'],
	['contract-career', 'management', 'cognitive_participation']
];

describe('infrastructure checklist v1', () => {
	it('keeps all 21 items of the DOMAIN.md table, in order, with their aspect and construct', () => {
		expect(CURRENT_CHECKLIST.version).toBe('1');
		expect(CURRENT_CHECKLIST.items.map((i) => [i.id, i.aspect, i.construct])).toEqual(DOMAIN_TABLE);
	});

	it('uses unique item ids and unique action ids', () => {
		const ids = CURRENT_CHECKLIST.items.map((i) => i.id);
		expect(new Set(ids).size).toBe(21);
		const actionIds = CURRENT_CHECKLIST.items.flatMap((i) => i.actions.map((a) => a.id));
		expect(new Set(actionIds).size).toBe(actionIds.length);
	});

	it('gives every item a valid construct and aspect and one to three suggested actions', () => {
		for (const item of CURRENT_CHECKLIST.items) {
			expect(CONSTRUCTS).toContain(item.construct);
			expect(ASPECTS).toContain(item.aspect);
			expect(item.actions.length).toBeGreaterThanOrEqual(1);
			expect(item.actions.length).toBeLessThanOrEqual(3);
		}
	});

	it('finds items by id and returns undefined for unknown ones', () => {
		expect(checklistItem(CURRENT_CHECKLIST, 'private-room')?.aspect).toBe('structural');
		expect(checklistItem(CURRENT_CHECKLIST, 'hot-desk')).toBeUndefined();
	});

	it('rejects a duplicate item id, naming where', () => {
		const def = structuredClone(checklistV1);
		def.items[1]!.id = 'induction';
		expect(() => parseChecklist(def, 'test.json')).toThrow('test.json: items.1.id item id "induction" is used twice');
	});

	it('rejects an unknown construct and an item without actions', () => {
		const badConstruct = structuredClone(checklistV1);
		(badConstruct.items[0] as { construct: string }).construct = 'coherance';
		expect(() => parseChecklist(badConstruct, 'x')).toThrow(/items\.0\.construct/);
		const noActions = structuredClone(checklistV1);
		noActions.items[0]!.actions = [];
		expect(() => parseChecklist(noActions, 'x')).toThrow(/items\.0\.actions/);
	});
});
