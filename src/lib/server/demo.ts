/**
 * Demo data: one ICB, one PCN, five practices with rounds about six months apart and synthetic
 * answers whose scores differ between practices and move over time. Deterministic for a given
 * seed and date, and only ever written into an empty demo database (see app.ts).
 */
import { NOT_RELEVANT_CODES, type AgreementAnswer, type AgreementPoint, type NotRelevantCode } from '../npt/answers';
import { DEFAULT_STAFF_INSTRUMENT } from '../npt/builtin';
import type { Construct } from '../npt/constructs';
import type { SurveySubmission } from '../npt/submission';
import { addDays, addMonths } from '../dates';
import type { Db, DbOrTx } from './db';
import type { Role } from './db/schema';
import { hashPassword } from './passwords';
import { createUser } from './users';
import { itemIdsOf, versionIdOf } from './instruments';
import { createIcb, createPcn, createPractice } from './organisations';
import { storeResponse } from './responses';
import { createRound } from './rounds';

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

function normal(random: () => number): number {
	const u = 1 - random();
	const v = random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
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

/** Seeds the demo network into an empty database, as of `today` (a UK date). */
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
}
