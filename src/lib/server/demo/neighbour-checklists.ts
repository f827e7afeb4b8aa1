/**
 * The neighbouring PCNs' link workers and their infrastructure checklists, so that an ICB lead
 * sees gaps shared across many practices ("8 of 38 practices: no private room…"). One link worker
 * per PCN, invited but never signed in, answers every item for each practice through the same
 * function as the checklist page; each gap is left open, and now and then raised for the PCN lead
 * only. Deterministic for a given random stream.
 */
import { addDays } from '../../dates';
import { CURRENT_CHECKLIST } from '../../npt/infrastructure';
import { createUser } from '../accounts/users';
import type { Db } from '../db';
import { saveChecklist, type ChecklistAnswerInput } from '../linkworker/checklist';
import { accepted, actAs } from './accounts';
import type { NeighbourPcn } from './practices';

/** How often each item is a gap at a neighbouring practice: a few common ones, the rest rare. */
const GAP_CHANCE: Readonly<Record<string, number>> = {
	'private-room': 0.3,
	'supervision-slot': 0.25,
	'record-smartcard': 0.2,
	'meetings-invite': 0.15,
	'role-briefing': 0.1
};
const RARE_GAP_CHANCE = 0.03;

export async function seedNeighbourChecklists(db: Db, pcns: readonly NeighbourPcn[], today: string, random: () => number): Promise<void> {
	const at = new Date(`${addDays(today, -30)}T10:00:00Z`);
	for (const neighbour of pcns) {
		const practices = await db
			.selectFrom('practice')
			.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
			.select(['practice.id'])
			.where('pcn.ods_code', '=', neighbour.odsCode)
			.orderBy('practice.id')
			.execute();
		const email = `link.worker.${neighbour.odsCode.toLowerCase()}@demo.belonging.example`;
		await createUser(db, {
			email,
			displayName: `Link worker, ${neighbour.name}`,
			role: 'link_worker',
			scope: { practiceIds: practices.map((p) => p.id) }
		});
		const linkWorker = await actAs(db, email);
		for (const practice of practices) {
			const answers: ChecklistAnswerInput[] = [];
			const visibility: Record<string, string> = {};
			for (const item of CURRENT_CHECKLIST.items) {
				const gap = random() < (GAP_CHANCE[item.id] ?? RARE_GAP_CHANCE);
				answers.push({ itemId: item.id, status: gap ? (random() < 0.5 ? 'missing' : 'partly') : 'in_place', note: null });
				if (gap) visibility[item.id] = random() < 0.2 ? 'pcn_only' : 'practice_and_pcn';
			}
			accepted(await saveChecklist(db, linkWorker, practice.id, answers, visibility, at), `a neighbouring practice's checklist`);
		}
	}
}
