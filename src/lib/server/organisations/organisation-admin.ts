/**
 * What administrators change about ICBs, PCNs and practices, each change in one transaction
 * with its audit entry, answered as an Outcome: a problem the administrator can put right (an
 * ODS code another organisation has, an ICB or PCN that is not there) is a refusal naming its
 * field; the before and after are read inside the transaction, so the audit says what changed.
 */
import type { z } from 'zod';
import type { SignedInUser } from '../identity';
import type { Db, DbOrTx } from '../db';
import type { Icb, Pcn, Practice } from '../db/schema';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { createIcb, createPcn, createPractice, describeChanges, updateIcb, updatePcn, updatePractice } from './organisation-changes';
import { OrganisationInputError, type newIcbSchema, type newPcnSchema, type newPracticeSchema, type practiceDetailsSchema } from './organisation-forms';
import { getIcb, getPcn, getPractice } from './organisations';
import { recordPracticeMove } from './practice-moves';

/** Runs an administrator's change; a problem with the input comes back as a refusal about its field. */
async function administer<T extends object>(db: Db, change: (tx: DbOrTx) => Promise<Outcome<T>>): Promise<Outcome<T>> {
	try {
		return await db.transaction().execute(change);
	} catch (error) {
		if (error instanceof OrganisationInputError) return refuse(400, error.message, error.field);
		throw error;
	}
}

const pcnLabel = (pcn: { name: string; ods_code: string } | null) => (pcn ? `${pcn.name} (${pcn.ods_code})` : 'no PCN');

export function addIcb(db: Db, actor: SignedInUser, input: z.input<typeof newIcbSchema>): Promise<Outcome<{ icb: Icb }>> {
	return administer(db, async (tx) => {
		const icb = await createIcb(tx, input);
		await recordAudit(tx, actor, { action: 'organisation_created', summary: `Added ICB ${icb.name} (${icb.ods_code})` });
		return { ok: true, icb };
	});
}

export function addPcn(db: Db, actor: SignedInUser, input: z.input<typeof newPcnSchema>): Promise<Outcome<{ pcn: Pcn }>> {
	return administer(db, async (tx) => {
		const pcn = await createPcn(tx, input);
		await recordAudit(tx, actor, { action: 'organisation_created', summary: `Added PCN ${pcn.name} (${pcn.ods_code})`, pcnId: pcn.id });
		return { ok: true, pcn };
	});
}

export function addPractice(db: Db, actor: SignedInUser, input: z.input<typeof newPracticeSchema>): Promise<Outcome<{ practice: Practice }>> {
	return administer(db, async (tx) => {
		const practice = await createPractice(tx, input);
		await recordAudit(tx, actor, {
			action: 'organisation_created',
			summary: `Added practice ${practice.name} (${practice.ods_code})`,
			practiceId: practice.id,
			pcnId: practice.pcn_id
		});
		return { ok: true, practice };
	});
}

export function changeIcb(db: Db, actor: SignedInUser, icbId: number, input: z.input<typeof newIcbSchema>): Promise<Outcome> {
	return administer(db, async (tx) => {
		const before = await getIcb(tx, icbId);
		if (!before) return refuse(404, 'We could not find that ICB.');
		const after = await updateIcb(tx, icbId, input);
		const changes = describeChanges([
			['ODS code', before.ods_code, after.ods_code],
			['name', before.name, after.name]
		]);
		if (changes) await recordAudit(tx, actor, { action: 'organisation_changed', summary: `Changed ICB ${before.ods_code}: ${changes}` });
		return { ok: true };
	});
}

export function changePcn(db: Db, actor: SignedInUser, pcnId: number, input: z.input<typeof newPcnSchema>): Promise<Outcome> {
	return administer(db, async (tx) => {
		const before = await getPcn(tx, pcnId);
		if (!before) return refuse(404, 'We could not find that PCN.');
		await updatePcn(tx, pcnId, input);
		const after = (await getPcn(tx, pcnId))!;
		const changes = describeChanges([
			['ODS code', before.ods_code, after.ods_code],
			['name', before.name, after.name],
			['ICB', before.icb.ods_code, after.icb.ods_code]
		]);
		if (changes) {
			await recordAudit(tx, actor, { action: 'organisation_changed', summary: `Changed PCN ${before.ods_code}: ${changes}`, pcnId });
		}
		return { ok: true };
	});
}

export function changePractice(
	db: Db,
	actor: SignedInUser,
	practiceId: number,
	input: z.input<typeof practiceDetailsSchema>
): Promise<Outcome> {
	return administer(db, async (tx) => {
		const before = await getPractice(tx, practiceId);
		if (!before) return refuse(404, 'We could not find that practice.');
		const after = await updatePractice(tx, practiceId, input);
		const changes = describeChanges([
			['ODS code', before.ods_code, after.ods_code],
			['name', before.name, after.name]
		]);
		if (changes) {
			await recordAudit(tx, actor, {
				action: 'organisation_changed',
				summary: `Changed practice ${before.ods_code}: ${changes}`,
				practiceId,
				pcnId: before.pcn_id
			});
		}
		return { ok: true };
	});
}

/**
 * Records a practice's move to another PCN (or out of any) from a date, applied at once when
 * the date has come; `appliedNow` says which.
 */
export function movePractice(
	db: Db,
	actor: SignedInUser,
	practiceId: number,
	move: { pcnId: number | null; effectiveOn: string },
	today: string
): Promise<Outcome<{ appliedNow: boolean }>> {
	return administer(db, async (tx) => {
		const practice = await getPractice(tx, practiceId);
		if (!practice) return refuse(404, 'We could not find that practice.');
		const target = move.pcnId === null ? null : ((await getPcn(tx, move.pcnId)) ?? null);
		const { appliedNow } = await recordPracticeMove(tx, { practiceId, ...move }, today, actor.id);
		const name = `${practice.name} (${practice.ods_code})`;
		await recordAudit(tx, actor, {
			action: 'practice_moved',
			summary: appliedNow
				? `Moved practice ${name} from ${pcnLabel(practice.pcn)} to ${pcnLabel(target)}, effective ${move.effectiveOn}`
				: `Recorded that practice ${name} moves to ${pcnLabel(target)} on ${move.effectiveOn}`,
			practiceId,
			pcnId: move.pcnId
		});
		return { ok: true, appliedNow };
	});
}
