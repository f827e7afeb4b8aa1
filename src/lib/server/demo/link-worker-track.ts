/**
 * The demo link worker's track: own assessments, the infrastructure checklist, what happened to
 * each flag, and the actions the practice and PCN took. It goes through the same server
 * functions as the pages, so every rule applies to it too.
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
import { DEMO_SURVEY_TOKEN, seedDemoData } from './seed';
import { seededRandom, normal, pick } from './random';
import { type DemoRound, type DemoPractice, DEMO_PRACTICES } from './practices';
import { DEMO_PASSWORD, type DemoAccount, DEMO_ACCOUNTS, seedDemoAccounts } from './accounts';

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
export async function seedLinkWorkerTrack(db: Db, today: string): Promise<void> {
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
export async function seedDemoActions(db: Db, today: string): Promise<void> {
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
