/**
 * Demo data: the demo ICB, with the demo PCN, whose five practices have rounds about six months
 * apart and synthetic answers whose scores differ between practices and move over time, and four
 * neighbouring PCNs of twenty more practices with two rounds each, so the ICB has enough practices
 * to set a practice beside (benchmarks) and an ICB lead PCNs to compare; a second ICB of six small
 * PCNs, so that PCNs have a group of every PCN too; and the neighbours' link workers' checklists.
 * Deterministic for a given seed and date, and only ever written into an empty demo database (see
 * app.ts). The neighbours draw from random streams of their own, after the five, so the five
 * practices' stories are the same with or without them.
 */
import type { AgreementAnswer, AgreementPoint } from '../../npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../npt/builtin';
import type { SurveySubmission } from '../../npt/submission';
import { addDays, addMonths } from '../../dates';
import type { Transaction } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../db/schema';
import { itemIdsOf, versionIdOf, type ItemIds } from '../surveys/instruments';
import { createIcb, createPcn, createPractice } from '../organisations/organisation-changes';
import { storeResponse } from '../surveys/responses';
import { createRound } from '../surveys/rounds';
import { seededRandom, normal, pick } from './random';
import { NOT_RELEVANT_WEIGHTS, notRelevantChance, ROLE_WEIGHTS } from './synthetic-staff';
import { COAST_ICB, COMMENTS, DEMO_PRACTICES, NEIGHBOUR_PCNS, type DemoPractice, type DemoRound, type NeighbourPcn } from './practices';
import { seedNeighbourChecklists } from './neighbour-checklists';
import { seedDemoAccounts } from './accounts';
import { seedLinkWorkerTrack } from './link-worker-track';
import { seedDemoActions } from './demo-actions';

export const DEMO_SURVEY_TOKEN = 'demo';


function toPoint(score: number): AgreementPoint {
	return Math.min(5, Math.max(1, Math.round(score / 2.5 + 1))) as AgreementPoint;
}

function syntheticSubmission(practice: DemoPractice, level: number, random: () => number): SurveySubmission {
	const roleGroup = pick(random, ROLE_WEIGHTS);
	const personal = normal(random) * 1.5;
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		const r = random();
		if (r < 0.03) continue;
		if (r < 0.03 + notRelevantChance(roleGroup, item.id)) {
			agreement[item.id] = pick(random, NOT_RELEVANT_WEIGHTS);
			continue;
		}
		const point = toPoint(level + (practice.offsets[item.construct] ?? 0) + personal + normal(random) * 1.2);
		agreement[item.id] = item.reversed ? ((6 - point) as AgreementPoint) : point;
	}
	const rating = (shift: number) => Math.min(10, Math.max(0, Math.round(level + shift + personal + normal(random) * 1.5)));
	const general: Record<string, number> = {};
	const [g1, g2, g3] = DEFAULT_STAFF_INSTRUMENT.generalItems;
	if (random() > 0.05) general[g1!.id] = rating(0.3);
	if (random() > 0.05) general[g2!.id] = rating(-0.4);
	if (random() > 0.08) general[g3!.id] = rating(1.2);
	const tone = level < 5 ? 'low' : level < 7.2 ? 'mid' : 'high';
	const comment = random() < 0.3 ? COMMENTS[tone][Math.floor(random() * COMMENTS[tone].length)]! : null;
	return { roleGroup, agreement, general, comment, code: null };
}

function seasonTitle(closesOn: string): string {
	const month = Number(closesOn.slice(5, 7));
	const season = month <= 2 || month === 12 ? 'Winter' : month <= 5 ? 'Spring' : month <= 8 ? 'Summer' : 'Autumn';
	return `${season} ${closesOn.slice(0, 4)} staff survey`;
}


/** A closed round of three weeks up to `closesOn`, and its synthetic answers, each on a day of those weeks. */
async function seedClosedRound(
	tx: Transaction<Database>,
	at: { practiceId: number; versionId: number; ids: ItemIds; demo: DemoPractice; closesOn: string },
	planned: DemoRound,
	random: () => number
): Promise<void> {
	const opensOn = addDays(at.closesOn, -21);
	const round = await createRound(tx, {
		practiceId: at.practiceId,
		instrumentVersionId: at.versionId,
		title: seasonTitle(at.closesOn),
		opensOn,
		closesOn: at.closesOn,
		staffHeadcount: at.demo.headcount,
		status: 'closed'
	});
	for (let i = 0; i < planned.respondents; i++) {
		const day = addDays(opensOn, Math.floor(random() * 22));
		await storeResponse(tx, round.id, at.ids, syntheticSubmission(at.demo, planned.level, random), day);
	}
}

/**
 * Neighbouring PCNs: each practice with a round about eight months ago and one about two months
 * ago, at a level of its own (around its PCN's) that drifts between them, and now and then a round
 * with too few answers to show. Practice codes count up from `firstCode`.
 */
async function seedNeighbours(
	tx: Transaction<Database>,
	icbId: number,
	pcns: readonly NeighbourPcn[],
	firstCode: number,
	versionId: number,
	ids: ItemIds,
	today: string,
	random: () => number
): Promise<void> {
	let code = firstCode;
	for (const neighbour of pcns) {
		const pcn = await createPcn(tx, { odsCode: neighbour.odsCode, name: neighbour.name, icbId });
		for (const name of neighbour.practices) {
			const demo: DemoPractice = {
				odsCode: `X${code++}`,
				name,
				headcount: 12 + Math.floor(random() * 30),
				offsets: {
					coherence: normal(random) * 0.6,
					cognitive_participation: normal(random) * 0.6,
					collective_action: normal(random) * 0.6,
					reflexive_monitoring: normal(random) * 0.6 - 0.5
				},
				rounds: []
			};
			const practice = await createPractice(tx, { odsCode: demo.odsCode, name: demo.name, pcnId: pcn.id });
			const start = Math.min(8.6, Math.max(3, (neighbour.level ?? 6.1) + normal(random) * 1.2));
			const levels = [start, Math.min(9, Math.max(2.5, start + normal(random) * 0.8))];
			for (const [index, level] of levels.entries()) {
				const respondents = random() < 0.1 ? 2 + Math.floor(random() * 3) : Math.round(demo.headcount * (0.4 + random() * 0.4));
				await seedClosedRound(tx, { practiceId: practice.id, versionId, ids, demo, closesOn: addMonths(today, -(index === 0 ? 8 : 2)) }, { level, respondents }, random);
			}
		}
	}
}

export async function seedDemoData(db: Db, today: string, seed = 20261122): Promise<void> {
	const random = seededRandom(seed);
	const versionId = await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT);
	if (versionId === undefined) throw new Error('The built-in staff instrument must be stored before seeding');
	await db.transaction().execute(async (tx) => {
		const ids = await itemIdsOf(tx, versionId);
		const icb = await createIcb(tx, { odsCode: 'QZZ', name: 'NHS Example Integrated Care Board (demo)' });
		const pcn = await createPcn(tx, { odsCode: 'U99001', name: 'Riverside and Canal PCN (demo)', icbId: icb.id });
		const practiceIds = new Map<DemoPractice, number>();
		for (const demo of DEMO_PRACTICES) {
			const practice = await createPractice(tx, { odsCode: demo.odsCode, name: demo.name, pcnId: pcn.id });
			practiceIds.set(demo, practice.id);
			for (const [index, planned] of demo.rounds.entries()) {
				const monthsAgo = 2 + 6 * (demo.rounds.length - 1 - index);
				await seedClosedRound(tx, { practiceId: practice.id, versionId, ids, demo, closesOn: addMonths(today, -monthsAgo) }, planned, random);
			}
		}
		// The open round behind /s/demo: four answers so far, one short of the default minimum.
		const riverside = DEMO_PRACTICES[0]!;
		const opensOn = addDays(today, -9);
		const open = await createRound(tx, {
			practiceId: practiceIds.get(riverside)!,
			instrumentVersionId: versionId,
			title: seasonTitle(addDays(today, 19)),
			opensOn,
			closesOn: addDays(today, 19),
			staffHeadcount: riverside.headcount,
			status: 'open',
			publicToken: DEMO_SURVEY_TOKEN
		});
		for (let i = 0; i < 4; i++) {
			await storeResponse(tx, open.id, ids, syntheticSubmission(riverside, 8.3, random), addDays(opensOn, i * 2));
		}
		const practiceIdsByCode = new Map(DEMO_PRACTICES.map((demo) => [demo.odsCode, practiceIds.get(demo)!]));
		await seedDemoAccounts(tx, { icbs: new Map([[icb.ods_code, icb.id]]), pcns: new Map([[pcn.ods_code, pcn.id]]), practices: practiceIdsByCode });
		await seedNeighbours(tx, icb.id, NEIGHBOUR_PCNS, 99101, versionId, ids, today, seededRandom(seed + 1));
		const coast = await createIcb(tx, { odsCode: COAST_ICB.odsCode, name: COAST_ICB.name });
		await seedNeighbours(tx, coast.id, COAST_ICB.pcns, 98101, versionId, ids, today, seededRandom(seed + 2));
	});
	await seedLinkWorkerTrack(db, today);
	await seedDemoActions(db, today);
	await seedNeighbourChecklists(db, [...NEIGHBOUR_PCNS, ...COAST_ICB.pcns], today, seededRandom(seed + 3));
}
