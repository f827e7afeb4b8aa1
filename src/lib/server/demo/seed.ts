/**
 * Demo data: one ICB, one PCN, five practices with rounds about six months apart and synthetic
 * answers whose scores differ between practices and move over time. Deterministic for a given
 * seed and date, and only ever written into an empty demo database (see app.ts). The demo link
 * worker's track (own assessments, the infrastructure checklist and what happened to each flag)
 * goes through the same server functions as the pages, so every rule applies to it too.
 */
import { NOT_RELEVANT_CODES, type AgreementAnswer, type AgreementPoint, type NotRelevantCode } from '../../npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../../npt/builtin';
import type { Construct } from '../../npt/constructs';
import { CURRENT_CHECKLIST, type ChecklistStatus } from '../../npt/infrastructure';
import type { SurveySubmission } from '../../npt/submission';
import { addDays, addMonths } from '../../dates';
import type { Db, DbOrTx } from '../db';
import type { FlagVisibility, Role } from '../db/schema';
import { saveAssessment } from '../linkworker/assessments';
import { changeFlagState, commentOnFlag } from '../linkworker/flags';
import { saveChecklist } from '../linkworker/checklist';
import { markActionDone, recordAction } from '../linkworker/practice-actions';
import { hashPassword } from '../accounts/passwords';
import { createUser, findUserByEmail, toSignedInUser, type SignedInUser } from '../accounts/users';
import { itemIdsOf, versionIdOf } from '../surveys/instruments';
import { createIcb, createPcn, createPractice } from '../organisations/organisation-changes';
import { storeResponse } from '../surveys/responses';
import { createRound } from '../surveys/rounds';

export const DEMO_SURVEY_TOKEN = 'demo';

/** mulberry32: a small, well-mixed 32-bit generator; plenty for synthetic survey answers. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(random: () => number): number {
	const u = 1 - random();
	const v = random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One value, chosen with the given weights. */
export function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
	const total = weighted.reduce((sum, [, w]) => sum + w, 0);
	let r = random() * total;
	for (const [value, weight] of weighted) {
		r -= weight;
		if (r < 0) return value;
	}
	return weighted[weighted.length - 1]![0];
}

interface DemoRound {
	/** Overall level on the 0–10 scale the answers are drawn around. */
	level: number;
	respondents: number;
}

interface DemoPractice {
	odsCode: string;
	name: string;
	headcount: number;
	/** How far each construct sits from the overall level. */
	offsets: Partial<Record<Construct, number>>;
	rounds: DemoRound[];
}

export const DEMO_PRACTICES: readonly DemoPractice[] = [
	{
		// Rising from Bolted on towards Belonging; reflexive monitoring lags, then catches up.
		odsCode: 'X99001',
		name: 'Riverside Surgery',
		headcount: 28,
		offsets: { coherence: 0.4, cognitive_participation: 0.3, reflexive_monitoring: -0.6 },
		rounds: [
			{ level: 3.4, respondents: 14 },
			{ level: 5.1, respondents: 18 },
			{ level: 6.6, respondents: 22 },
			{ level: 8.1, respondents: 24 }
		]
	},
	{
		// Stuck at Fitting in: staff like the idea, but nobody hears how patients got on.
		odsCode: 'X99002',
		name: 'Hillview Medical Centre',
		headcount: 30,
		offsets: { cognitive_participation: 0.8, collective_action: 0.3, reflexive_monitoring: -1.9 },
		rounds: [
			{ level: 6.1, respondents: 20 },
			{ level: 6.3, respondents: 17 },
			{ level: 6.0, respondents: 21 },
			{ level: 6.2, respondents: 19 }
		]
	},
	{
		// One round with too few responses to show anything.
		odsCode: 'X99003',
		name: 'Canal Street Practice',
		headcount: 22,
		offsets: { coherence: -0.6, collective_action: 0.4 },
		rounds: [
			{ level: 5.4, respondents: 16 },
			{ level: 5.9, respondents: 3 },
			{ level: 6.4, respondents: 15 }
		]
	},
	{
		// High overall, but reflexive monitoring hovers around the Belonging minimum.
		odsCode: 'X99004',
		name: 'Oakfield Health Centre',
		headcount: 40,
		offsets: { coherence: 0.5, cognitive_participation: 0.4, reflexive_monitoring: -1.5 },
		rounds: [
			{ level: 7.3, respondents: 26 },
			{ level: 7.9, respondents: 29 },
			{ level: 8.3, respondents: 30 }
		]
	},
	{
		// Slipping back after the link worker's hours were cut; few staff, so wide intervals.
		odsCode: 'X99005',
		name: 'Millbrook Family Practice',
		headcount: 15,
		offsets: { collective_action: -0.7 },
		rounds: [
			{ level: 6.5, respondents: 12 },
			{ level: 5.3, respondents: 11 },
			{ level: 4.5, respondents: 10 }
		]
	}
];

const COMMENTS: Record<'low' | 'mid' | 'high', readonly string[]> = {
	low: [
		'I am still not clear what the link worker can take on and what they cannot.',
		'It would help to see the link worker at our practice meeting now and then.',
		'Finding a free room for them is a battle every week.',
		'Once we refer someone we never hear what happened.',
		'Most of us have not actually met the link worker.'
	],
	mid: [
		'A one-page guide on who to refer would save everyone time.',
		'Feedback on referrals has improved but it is still patchy.',
		'Reception would like a short script for explaining the service to patients.',
		'The link worker needs protected time to get to know local groups.',
		'Good service, but the waiting list puts some GPs off referring.'
	],
	high: [
		'The link worker feels like part of the team now; patients ask for them by name.',
		'The monthly case discussion with the link worker is really useful.',
		'Keep the short feedback notes coming, they show us what works.',
		'We should share how we work with the other practices in the PCN.',
		'Having them at the MDT has changed how we think about some patients.'
	]
};

const ROLE_WEIGHTS = [
	['clinical', 42],
	['management_admin', 38],
	['wellbeing_team', 10],
	['vcse_partner', 4],
	[null, 6]
] as const;

/** Items some admin staff see as outside their role. */
const CLINICAL_LEANING_ITEMS = new Set(['CA2', 'CA3', 'RM1', 'RM3']);

function toPoint(score: number): AgreementPoint {
	return Math.min(5, Math.max(1, Math.round(score / 2.5 + 1))) as AgreementPoint;
}

function syntheticSubmission(practice: DemoPractice, level: number, random: () => number): SurveySubmission {
	const roleGroup = pick(random, ROLE_WEIGHTS);
	const personal = normal(random) * 1.5;
	const agreement: Record<string, AgreementAnswer> = {};
	for (const item of DEFAULT_STAFF_INSTRUMENT.items) {
		const r = random();
		const notRelevantChance = roleGroup === 'management_admin' && CLINICAL_LEANING_ITEMS.has(item.id) ? 0.25 : 0.04;
		if (r < 0.03) continue;
		if (r < 0.03 + notRelevantChance) {
			agreement[item.id] = pick<NotRelevantCode>(random, [
				[NOT_RELEVANT_CODES[0], 6],
				[NOT_RELEVANT_CODES[1], 3],
				[NOT_RELEVANT_CODES[2], 2]
			]);
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

/**
 * Published on the sign-in page when DEMO is on, so anyone trying the demo can sign in as each
 * role. These accounts are only ever created by seedDemoData, which only runs on a demo database.
 */
export const DEMO_PASSWORD = 'belonging-demo-2026';

export interface DemoAccount {
	email: string;
	displayName: string;
	role: Role;
	/** What the account can see, in words for the sign-in page. */
	sees: string;
	practiceCodes?: string[];
	pcnCodes?: string[];
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
	{
		email: 'admin@demo.belonging.example',
		displayName: 'Alex Morgan',
		role: 'admin',
		sees: 'organisations, users and the audit log; no survey results'
	},
	{
		email: 'pcn.lead@demo.belonging.example',
		displayName: 'Priya Shah',
		role: 'pcn_lead',
		sees: 'all five practices in Riverside and Canal PCN',
		pcnCodes: ['U99001']
	},
	{
		email: 'practice.manager@demo.belonging.example',
		displayName: 'Jo Evans',
		role: 'practice_manager',
		sees: 'Riverside Surgery only',
		practiceCodes: ['X99001']
	},
	{
		email: 'link.worker@demo.belonging.example',
		displayName: 'Sam Okafor',
		role: 'link_worker',
		sees: 'Riverside Surgery and Hillview Medical Centre, the two practices Sam serves',
		practiceCodes: ['X99001', 'X99002']
	}
];

async function seedDemoAccounts(db: DbOrTx, pcnIds: Map<string, number>, practiceIds: Map<string, number>): Promise<void> {
	// One hash for all four accounts: the password is public anyway, and start-up stays quick.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	for (const account of DEMO_ACCOUNTS) {
		await createUser(db, {
			email: account.email,
			displayName: account.displayName,
			role: account.role,
			passwordHash,
			scope: {
				pcnIds: (account.pcnCodes ?? []).map((code) => pcnIds.get(code)!),
				practiceIds: (account.practiceCodes ?? []).map((code) => practiceIds.get(code)!)
			}
		});
	}
}

/** Seeds the demo network into an empty database, as of `today` (a UK date). */
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
				const closesOn = addMonths(today, -monthsAgo);
				const opensOn = addDays(closesOn, -21);
				const round = await createRound(tx, {
					practiceId: practice.id,
					instrumentVersionId: versionId,
					title: seasonTitle(closesOn),
					opensOn,
					closesOn,
					staffHeadcount: demo.headcount,
					status: 'closed'
				});
				for (let i = 0; i < planned.respondents; i++) {
					const day = addDays(opensOn, Math.floor(random() * 22));
					await storeResponse(tx, round.id, ids, syntheticSubmission(demo, planned.level, random), day);
				}
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
		await seedDemoAccounts(tx, new Map([[pcn.ods_code, pcn.id]]), practiceIdsByCode);
	});
	await seedLinkWorkerTrack(db, today);
	await seedDemoActions(db, today);
}

/**
 * The link worker's own views, by statement: Sam broadly agrees with Riverside's staff, but at
 * Hillview hears almost nothing back after a referral, so reflexive monitoring sits far below
 * what the staff think (the perception gap the dashboard explains).
 */
const DEMO_ASSESSMENTS: Record<string, Record<string, AgreementPoint>> = {
	X99001: {
		CO1: 5, CO2: 4, CO3: 4, CO4: 5, CO5: 2,
		CP1: 5, CP2: 4, CP3: 4, CP4: 4, CP5: 2,
		CA1: 4, CA2: 5, CA3: 4, CA4: 4, CA5: 3, CA6: 4, CA7: 2,
		RM1: 4, RM2: 4, RM3: 5, RM4: 4, RM5: 3
	},
	X99002: {
		CO1: 4, CO2: 3, CO3: 4, CO4: 4, CO5: 3,
		CP1: 4, CP2: 4, CP3: 4, CP4: 4, CP5: 2,
		CA1: 4, CA2: 4, CA3: 4, CA4: 3, CA5: 2, CA6: 3, CA7: 2,
		RM1: 1, RM2: 1, RM3: 2, RM4: 1, RM5: 1
	}
};

interface DemoGap {
	itemId: string;
	status: Exclude<ChecklistStatus, 'in_place'>;
	visibility: FlagVisibility;
	note: string;
	/** What happens next, in order: days before today, who acts, and a change of state or a comment. */
	history: { daysAgo: number; by: 'manager' | 'lead' | 'linkWorker'; to?: string; text?: string }[];
}

/** Every flag state appears, and two flags are for the PCN lead only (about Sam's employer and peers). */
const DEMO_GAPS: Record<string, { daysAgo: number; gaps: DemoGap[] }> = {
	X99001: {
		daysAgo: 50,
		gaps: [
			{
				itemId: 'induction',
				status: 'missing',
				visibility: 'practice_and_pcn',
				note: 'Nobody showed me how referrals reach me; I worked it out as I went.',
				history: [
					{ daysAgo: 47, by: 'manager', to: 'acknowledged', text: 'Thank you, Sam. We will write one with you.' },
					{ daysAgo: 40, by: 'manager', to: 'in_progress', text: 'Draft induction plan shared at the practice meeting.' },
					{ daysAgo: 21, by: 'manager', to: 'resolved', text: 'Induction plan agreed, with a buddy on reception for new link workers.' }
				]
			},
			{
				itemId: 'private-room',
				status: 'partly',
				visibility: 'practice_and_pcn',
				note: 'Room 4 on Tuesdays only; on Thursdays I see people in the staff kitchen.',
				history: [
					{ daysAgo: 45, by: 'manager', to: 'acknowledged', text: 'We are looking at the room bookings with the nurses.' },
					{ daysAgo: 30, by: 'linkWorker', text: 'Tuesdays work well now. Thursdays are still the problem.' }
				]
			},
			{
				itemId: 'safeguarding',
				status: 'partly',
				visibility: 'practice_and_pcn',
				note: 'I know who the safeguarding lead is, but nothing covers my home visits.',
				history: [
					{ daysAgo: 44, by: 'manager', to: 'acknowledged' },
					{ daysAgo: 35, by: 'manager', to: 'in_progress', text: 'Writing a lone-working policy from the PCN template.' }
				]
			},
			{
				itemId: 'vcse-capacity',
				status: 'missing',
				visibility: 'practice_and_pcn',
				note: 'The debt advice drop-in closed in the summer and nothing has replaced it.',
				history: [
					{
						daysAgo: 38,
						by: 'manager',
						to: 'wont_fix',
						text: 'The practice cannot fund community services. We have passed the record of unmet need to the PCN lead to take to the ICB.'
					}
				]
			},
			{
				itemId: 'contract-career',
				status: 'missing',
				visibility: 'pcn_only',
				note: 'My contract ends in March and there is no senior post to work towards.',
				history: [
					{ daysAgo: 42, by: 'lead', to: 'acknowledged', text: 'Thank you for telling me. I am raising longer contracts with your employer.' },
					{ daysAgo: 28, by: 'linkWorker', text: 'Any news? I need to decide whether to apply elsewhere.' }
				]
			}
		]
	},
	X99002: {
		daysAgo: 49,
		gaps: [
			{
				itemId: 'referrer-feedback',
				status: 'missing',
				visibility: 'practice_and_pcn',
				note: 'There is no agreed way to tell GPs how people got on, so they never hear.',
				history: []
			},
			{
				itemId: 'private-room',
				status: 'missing',
				visibility: 'practice_and_pcn',
				note: 'I have no room here at all and see people in the community centre.',
				history: []
			},
			{
				itemId: 'outcome-measures',
				status: 'partly',
				visibility: 'practice_and_pcn',
				note: 'The monthly report counts referrals and nothing else.',
				history: [{ daysAgo: 40, by: 'lead', to: 'acknowledged', text: 'We will agree wellbeing measures at the next PCN meeting.' }]
			},
			{
				itemId: 'peer-support',
				status: 'missing',
				visibility: 'pcn_only',
				note: 'I am the only link worker my employer has in this area.',
				history: [
					{ daysAgo: 41, by: 'lead', to: 'acknowledged' },
					{ daysAgo: 33, by: 'lead', to: 'in_progress', text: 'A peer group with the neighbouring PCN’s link workers starts next month.' }
				]
			}
		]
	}
};

async function demoUser(db: Db, email: string): Promise<SignedInUser> {
	const account = await findUserByEmail(db, email);
	if (!account) throw new Error(`The demo account ${email} must be seeded first`);
	return toSignedInUser(db, account);
}

function unwrap(outcome: { ok: boolean }, what: string): void {
	if (!outcome.ok) throw new Error(`Demo data: ${what} was refused: ${JSON.stringify(outcome)}`);
}

/**
 * The link worker's track through the real server functions, so every rule applies: Sam's own
 * view of the latest closed round at both practices, then the infrastructure checklist and what
 * the practice manager and PCN lead did with each flag, all dated in the weeks since that round.
 */
async function seedLinkWorkerTrack(db: Db, today: string): Promise<void> {
	const at = (daysAgo: number, hour = 10) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00Z`);
	const [linkWorker, manager, lead] = await Promise.all([
		demoUser(db, 'link.worker@demo.belonging.example'),
		demoUser(db, 'practice.manager@demo.belonging.example'),
		demoUser(db, 'pcn.lead@demo.belonging.example')
	]);
	const actors = { linkWorker, manager, lead };
	for (const [index, [odsCode, answers]] of Object.entries(DEMO_ASSESSMENTS).entries()) {
		const practice = await db.selectFrom('practice').select('id').where('ods_code', '=', odsCode).executeTakeFirstOrThrow();
		const latest = await db
			.selectFrom('round')
			.select('id')
			.where('practice_id', '=', practice.id)
			.where('status', '=', 'closed')
			.orderBy('closes_on', 'desc')
			.executeTakeFirstOrThrow();
		const entries = Object.entries(answers).map(([itemId, point]) => [`item-${itemId}`, String(point)] as const);
		unwrap(await saveAssessment(db, linkWorker, latest.id, entries, at(55 - index)), `the assessment at ${odsCode}`);

		const { daysAgo, gaps } = DEMO_GAPS[odsCode]!;
		const gapOf = new Map(gaps.map((g) => [g.itemId, g]));
		const checklist = CURRENT_CHECKLIST.items.map((item) => ({
			itemId: item.id,
			status: gapOf.get(item.id)?.status ?? 'in_place',
			note: gapOf.get(item.id)?.note ?? null
		}));
		const visibility = Object.fromEntries(gaps.map((g) => [g.itemId, g.visibility]));
		unwrap(await saveChecklist(db, linkWorker, practice.id, checklist, visibility, at(daysAgo)), `the checklist at ${odsCode}`);

		const flags = await db.selectFrom('flag').select(['id', 'item_id']).where('practice_id', '=', practice.id).execute();
		const flagOf = new Map(flags.map((f) => [f.item_id, f.id]));
		for (const gap of gaps) {
			for (const step of gap.history) {
				const actor = actors[step.by];
				const flagId = flagOf.get(gap.itemId)!;
				const outcome = step.to
					? await changeFlagState(db, actor, flagId, step.to, step.text, at(step.daysAgo, 11))
					: await commentOnFlag(db, actor, flagId, step.text!, at(step.daysAgo, 15));
				unwrap(outcome, `${step.by} on the ${gap.itemId} flag at ${odsCode}`);
			}
			// Once the practice says the gap is closed, Sam confirms it on the checklist.
			if (gap.history.at(-1)?.to === 'resolved') {
				const confirmed = [{ itemId: gap.itemId, status: 'in_place', note: null }];
				unwrap(await saveChecklist(db, linkWorker, practice.id, confirmed, {}, at(gap.history.at(-1)!.daysAgo - 2)), 'the confirmation');
			}
		}
	}
}

interface DemoAction {
	odsCode: string;
	by: 'manager' | 'lead';
	/** A construct, or the checklist item of the flag it is for. */
	for: { construct: Construct } | { flagItem: string };
	what: string;
	owner: string;
	recordedDaysAgo: number;
	/** Negative: due that many days from today. */
	dueDaysAgo: number;
	done?: { daysAgo: number; note?: string };
}

/**
 * What the practice and the PCN did, so the trend has its "you said, we did" markers: at
 * Riverside one step before each of the last three rounds (which rose), at Hillview one that
 * did not move the next round, plus planned actions on open flags, one overdue and one on the
 * PCN-lead-only flag.
 */
const DEMO_ACTIONS: DemoAction[] = [
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { construct: 'coherence' },
		what: 'Introduce Sam at the all-staff meeting and put a one-page “who to refer” sheet on every clinical desk',
		owner: 'Jo Evans, practice manager',
		recordedDaysAgo: 560,
		dueDaysAgo: 510,
		done: { daysAgo: 505, note: 'Sam spoke for ten minutes; the sheet is also on the intranet.' }
	},
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { construct: 'cognitive_participation' },
		what: 'Make social prescribing a standing item at the monthly practice meeting',
		owner: 'Dr Amir Shah, GP partner',
		recordedDaysAgo: 400,
		dueDaysAgo: 340,
		done: { daysAgo: 335 }
	},
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { construct: 'reflexive_monitoring' },
		what: 'Share two anonymised case stories with the whole team each quarter',
		owner: 'Sam Okafor with Jo Evans',
		recordedDaysAgo: 220,
		dueDaysAgo: 160,
		done: { daysAgo: 150, note: 'First two stories went out in the staff newsletter.' }
	},
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { flagItem: 'induction' },
		what: 'Write an induction plan with Sam and name a buddy on reception',
		owner: 'Jo Evans, practice manager',
		recordedDaysAgo: 46,
		dueDaysAgo: 20,
		done: { daysAgo: 22, note: 'Plan agreed at the practice meeting.' }
	},
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { flagItem: 'private-room' },
		what: 'Book room 4 for Sam on Thursdays as well as Tuesdays',
		owner: 'Jo Evans, practice manager',
		recordedDaysAgo: 29,
		dueDaysAgo: -14
	},
	{
		odsCode: 'X99001',
		by: 'manager',
		for: { flagItem: 'safeguarding' },
		what: 'Adopt the PCN lone-working policy for home visits',
		owner: 'Dr Amir Shah, safeguarding lead',
		recordedDaysAgo: 34,
		dueDaysAgo: 6
	},
	{
		odsCode: 'X99001',
		by: 'lead',
		for: { flagItem: 'contract-career' },
		what: 'Ask Sam’s employer to move link workers on to two-year contracts',
		owner: 'PCN lead',
		recordedDaysAgo: 41,
		dueDaysAgo: -30
	},
	{
		odsCode: 'X99002',
		by: 'lead',
		for: { construct: 'reflexive_monitoring' },
		what: 'Send referral numbers to the partners every month',
		owner: 'PCN lead',
		recordedDaysAgo: 260,
		dueDaysAgo: 200,
		done: { daysAgo: 190 }
	},
	{
		odsCode: 'X99002',
		by: 'lead',
		for: { flagItem: 'referrer-feedback' },
		what: 'Agree a short outcome message Sam sends back to the referring GP',
		owner: 'PCN lead with the Hillview partners',
		recordedDaysAgo: 30,
		dueDaysAgo: -21
	}
];

/** Through the real server functions, dated in the past, so the same rules hold as for a person. */
async function seedDemoActions(db: Db, today: string): Promise<void> {
	const at = (daysAgo: number, hour = 9) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00Z`);
	const actors = {
		manager: await demoUser(db, 'practice.manager@demo.belonging.example'),
		lead: await demoUser(db, 'pcn.lead@demo.belonging.example')
	};
	for (const action of DEMO_ACTIONS) {
		const practice = await db.selectFrom('practice').select('id').where('ods_code', '=', action.odsCode).executeTakeFirstOrThrow();
		let linkedTo: string;
		if ('construct' in action.for) {
			linkedTo = `construct:${action.for.construct}`;
		} else {
			const flag = await db
				.selectFrom('flag')
				.select('id')
				.where('practice_id', '=', practice.id)
				.where('item_id', '=', action.for.flagItem)
				.executeTakeFirstOrThrow();
			linkedTo = `flag:${flag.id}`;
		}
		const actor = actors[action.by];
		const recorded = await recordAction(
			db,
			actor,
			practice.id,
			{ what: action.what, owner: action.owner, dueOn: addDays(today, -action.dueDaysAgo), linkedTo },
			at(action.recordedDaysAgo)
		);
		unwrap(recorded, `the action “${action.what}”`);
		if (action.done && recorded.ok) {
			const doneOn = addDays(today, -action.done.daysAgo);
			unwrap(
				await markActionDone(db, actor, recorded.value, { doneOn, note: action.done.note ?? null }, at(action.done.daysAgo, 16)),
				`marking “${action.what}” done`
			);
		}
	}
}
