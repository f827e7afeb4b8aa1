/**
 * What the demo practice and PCN did about their gaps and weak constructs: actions recorded,
 * some done before the rounds that followed, so the trend has its "you said, we did" markers.
 * Through the real server functions, so the same rules hold as for a person.
 */
import { addDays } from '../../dates';
import type { Construct } from '../../npt/constructs';
import type { Db } from '../db';
import { markActionDone, recordAction } from '../linkworker/action-changes';
import { actAs, accepted } from './accounts';

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
		manager: await actAs(db, 'practice.manager@demo.belonging.example'),
		lead: await actAs(db, 'pcn.lead@demo.belonging.example')
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
		accepted(recorded, `the action “${action.what}”`);
		if (action.done && recorded.ok) {
			const doneOn = addDays(today, -action.done.daysAgo);
			accepted(
				await markActionDone(db, actor, recorded.value, { doneOn, note: action.done.note ?? null }, at(action.done.daysAgo, 16)),
				`marking “${action.what}” done`
			);
		}
	}
}
