/**
 * The demo link worker's track: own assessments, the infrastructure checklist, what happened to
 * each flag. It goes through the same server functions as the pages, so every rule applies to it
 * too; the actions the practice and PCN took are in demo-actions.
 */
import type { AgreementPoint } from '../../npt/answers';
import { CURRENT_CHECKLIST, type ChecklistStatus } from '../../npt/infrastructure';
import { addDays } from '../../dates';
import type { Db } from '../db';
import type { FlagVisibility } from '../db/schema';
import { saveAssessment } from '../linkworker/assessments';
import { changeFlagState, commentOnFlag } from '../linkworker/flags';
import { saveChecklist } from '../linkworker/checklist';
import { accepted, actAs } from './accounts';

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

/**
 * The link worker's track through the real server functions, so every rule applies: Sam's own
 * view of the latest closed round at both practices, then the infrastructure checklist and what
 * the practice manager and PCN lead did with each flag, all dated in the weeks since that round.
 */
export async function seedLinkWorkerTrack(db: Db, today: string): Promise<void> {
	const at = (daysAgo: number, hour = 10) => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00Z`);
	const [linkWorker, manager, lead] = await Promise.all([
		actAs(db, 'link.worker@demo.belonging.example'),
		actAs(db, 'practice.manager@demo.belonging.example'),
		actAs(db, 'pcn.lead@demo.belonging.example')
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
		accepted(await saveAssessment(db, linkWorker, latest.id, entries, at(55 - index)), `the assessment at ${odsCode}`);

		const { daysAgo, gaps } = DEMO_GAPS[odsCode]!;
		const gapOf = new Map(gaps.map((g) => [g.itemId, g]));
		const checklist = CURRENT_CHECKLIST.items.map((item) => ({
			itemId: item.id,
			status: gapOf.get(item.id)?.status ?? 'in_place',
			note: gapOf.get(item.id)?.note ?? null
		}));
		const visibility = Object.fromEntries(gaps.map((g) => [g.itemId, g.visibility]));
		accepted(await saveChecklist(db, linkWorker, practice.id, checklist, visibility, at(daysAgo)), `the checklist at ${odsCode}`);

		const flags = await db.selectFrom('flag').select(['id', 'item_id']).where('practice_id', '=', practice.id).execute();
		const flagOf = new Map(flags.map((f) => [f.item_id, f.id]));
		for (const gap of gaps) {
			for (const step of gap.history) {
				const actor = actors[step.by];
				const flagId = flagOf.get(gap.itemId)!;
				const outcome = step.to
					? await changeFlagState(db, actor, flagId, step.to, step.text, at(step.daysAgo, 11))
					: await commentOnFlag(db, actor, flagId, step.text!, at(step.daysAgo, 15));
				accepted(outcome, `${step.by} on the ${gap.itemId} flag at ${odsCode}`);
			}
			// Once the practice says the gap is closed, Sam confirms it on the checklist.
			if (gap.history.at(-1)?.to === 'resolved') {
				const confirmed = [{ itemId: gap.itemId, status: 'in_place', note: null }];
				accepted(await saveChecklist(db, linkWorker, practice.id, confirmed, {}, at(gap.history.at(-1)!.daysAgo - 2)), 'the confirmation');
			}
		}
	}
}
