/**
 * Two PCNs, three practices, a round at each practice and one account per role, for the
 * access-control matrix. PCN A holds practices A1 and A2; PCN B holds B1; both are in the test
 * ICB, which the ICB lead oversees. PCN C, with no practices, is in another ICB. The link worker
 * serves A1 and B1, across the two PCNs, as link workers often do.
 */
import { DEFAULT_STAFF_INSTRUMENT } from '../../src/lib/npt/builtin';
import type { Db } from '../../src/lib/server/db';
import { versionIdOf } from '../../src/lib/server/surveys/instruments';
import { createIcb, createPcn, createPractice } from '../../src/lib/server/organisations/organisation-changes';
import { createRound } from '../../src/lib/server/surveys/rounds';
import { createSession } from '../../src/lib/server/accounts/sessions';
import { createUser } from '../../src/lib/server/accounts/users';
import { createSignedInUser } from './events';

export const WHO = ['anonymous', 'admin', 'icbLead', 'pcnLead', 'manager', 'linkWorker'] as const;
export type Who = (typeof WHO)[number];

export async function createAccessFixture(db: Db) {
	const icb = await createIcb(db, { odsCode: 'QAA', name: 'Test ICB' });
	const pcnA = await createPcn(db, { odsCode: 'U10001', name: 'PCN A', icbId: icb.id });
	const pcnB = await createPcn(db, { odsCode: 'U20001', name: 'PCN B', icbId: icb.id });
	const otherIcb = await createIcb(db, { odsCode: 'QBB', name: 'Other ICB' });
	const pcnC = await createPcn(db, { odsCode: 'U39001', name: 'PCN C', icbId: otherIcb.id });
	const a1 = await createPractice(db, { odsCode: 'A10001', name: 'Practice A1', pcnId: pcnA.id });
	const a2 = await createPractice(db, { odsCode: 'A10002', name: 'Practice A2', pcnId: pcnA.id });
	const b1 = await createPractice(db, { odsCode: 'B20001', name: 'Practice B1', pcnId: pcnB.id });
	const versionId = (await versionIdOf(db, DEFAULT_STAFF_INSTRUMENT))!;
	const roundAt = (practiceId: number, title: string) =>
		createRound(db, {
			practiceId,
			instrumentVersionId: versionId,
			title,
			opensOn: '2026-01-05',
			closesOn: '2026-01-30',
			staffHeadcount: 20,
			status: 'closed'
		});
	const rounds = {
		a1: await roundAt(a1.id, 'A1 winter'),
		a2: await roundAt(a2.id, 'A2 winter'),
		b1: await roundAt(b1.id, 'B1 winter'),
		// A1 also has a round taking answers and a draft waiting behind it: with one open round per
		// practice, opening the draft is refused, so the matrix can try it without changing anything.
		a1Open: await createRound(db, {
			practiceId: a1.id,
			instrumentVersionId: versionId,
			title: 'A1 spring',
			opensOn: '2026-01-01',
			closesOn: '2099-12-31',
			staffHeadcount: 20,
			status: 'open'
		}),
		a1Draft: await createRound(db, {
			practiceId: a1.id,
			instrumentVersionId: versionId,
			title: 'A1 next',
			opensOn: '2099-01-01',
			closesOn: '2099-01-31',
			staffHeadcount: 20,
			status: 'draft'
		})
	};

	const users = {
		admin: await createSignedInUser(db, 'admin', {}, 'admin@matrix.example'),
		icbLead: await createSignedInUser(db, 'icb_lead', { icbIds: [icb.id] }, 'icb.lead@matrix.example'),
		pcnLead: await createSignedInUser(db, 'pcn_lead', { pcnIds: [pcnA.id] }, 'lead.a@matrix.example'),
		manager: await createSignedInUser(db, 'practice_manager', { practiceIds: [a1.id] }, 'manager.a1@matrix.example'),
		linkWorker: await createSignedInUser(db, 'link_worker', { practiceIds: [a1.id, b1.id] }, 'lw@matrix.example')
	};
	// People the user pages are tried against: one inside PCN A, one only in PCN B.
	const others = {
		managerA2: await createSignedInUser(db, 'practice_manager', { practiceIds: [a2.id] }, 'manager.a2@matrix.example'),
		managerB1: await createSignedInUser(db, 'practice_manager', { practiceIds: [b1.id] }, 'manager.b1@matrix.example'),
		// Targets for actions that change an account, so the rest of the matrix is unaffected.
		spareA2: await createSignedInUser(db, 'practice_manager', { practiceIds: [a2.id] }, 'spare.a2@matrix.example'),
		invitedA2: await createUser(db, { email: 'invited.a2@matrix.example', displayName: 'Invited A2', role: 'practice_manager', scope: { practiceIds: [a2.id] } }),
		invitedB1: await createUser(db, { email: 'invited.b1@matrix.example', displayName: 'Invited B1', role: 'practice_manager', scope: { practiceIds: [b1.id] } }),
		// PCN leads the ICB lead is tried against: one wholly in the ICB, one also leading PCN C outside it.
		invitedLeadB: await createUser(db, { email: 'invited.lead.b@matrix.example', displayName: 'Invited Lead B', role: 'pcn_lead', scope: { pcnIds: [pcnB.id] } }),
		invitedLeadAC: await createUser(db, { email: 'invited.lead.ac@matrix.example', displayName: 'Invited Lead AC', role: 'pcn_lead', scope: { pcnIds: [pcnA.id, pcnC.id] } })
	};
	// Two flags the link worker raised at A1: one the manager shares, one for the PCN lead only.
	// Written directly, so the fixture adds no audit events of its own.
	const flagAt = async (practiceId: number, itemId: string, visibility: 'practice_and_pcn' | 'pcn_only') => {
		const stamp = '2026-01-10T09:00:00.000Z';
		const flag = await db
			.insertInto('flag')
			.values({ practice_id: practiceId, raised_by: users.linkWorker.id, item_id: itemId, checklist_version: '1', visibility, state: 'open', created_at: stamp, updated_at: stamp })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db.insertInto('flag_event').values({ flag_id: flag.id, at: stamp, actor_user_id: users.linkWorker.id, from_state: null, to_state: 'open', comment: null }).execute();
		return flag;
	};
	const flags = {
		a1Shared: await flagAt(a1.id, 'private-room', 'practice_and_pcn'),
		a1PcnOnly: await flagAt(a1.id, 'contract-career', 'pcn_only')
	};
	// One planned action on the PCN-lead-only flag: the manager must not find it.
	const actionStamp = '2026-01-11T09:00:00.000Z';
	const actions = {
		a1OnPcnOnly: await db
			.insertInto('practice_action')
			.values({
				practice_id: a1.id,
				flag_id: flags.a1PcnOnly.id,
				construct: 'cognitive_participation',
				what: 'Ask the employer about longer contracts',
				owner: 'PCN lead',
				due_on: '2026-03-01',
				state: 'planned',
				done_on: null,
				done_note: null,
				created_by: users.pcnLead.id,
				done_by: null,
				created_at: actionStamp,
				updated_at: actionStamp
			})
			.returning('id')
			.executeTakeFirstOrThrow()
	};
	const cookies: Record<Who, string | null> = { anonymous: null, admin: null, icbLead: null, pcnLead: null, manager: null, linkWorker: null };
	for (const who of ['admin', 'icbLead', 'pcnLead', 'manager', 'linkWorker'] as const) {
		cookies[who] = (await createSession(db, users[who].id)).token;
	}
	return { icb, otherIcb, pcns: { a: pcnA, b: pcnB, c: pcnC }, practices: { a1, a2, b1 }, rounds, users, others, flags, actions, cookies };
}

export type AccessFixture = Awaited<ReturnType<typeof createAccessFixture>>;
