/**
 * Opening a round early, closing it early, and deleting one that never opened.
 */
import { formatDate } from '../../dates';
import { recordAudit } from '../platform/audit';
import type { Db } from '../db';
import type { Round } from '../db/schema';
import type { SignedInUser } from '../accounts/users';
import { findOpenRound, openRoundMessage, auditOpened } from './round-scheduling';

export type RoundChange = { ok: true; round: Round } | { ok: false; status: 404 | 409; message: string };

/**
 * Opens a draft. Staff can answer from its opening date, or from today if that date has passed
 * (the opening date moves to today, so it says when answers could really start).
 */
export async function openRound(db: Db, roundId: number, actor: SignedInUser, today: string): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		if (round.status === 'open') return { ok: false, status: 409, message: 'This round is already open.' };
		if (round.status === 'closed') return { ok: false, status: 409, message: 'This round has closed. A closed round cannot be opened again.' };
		if (round.closes_on < today) {
			return {
				ok: false,
				status: 409,
				message: `This round’s closing date, ${formatDate(round.closes_on)}, has passed. Create a new round with new dates instead.`
			};
		}
		const other = await findOpenRound(tx, round.practice_id, today, round.id);
		if (other) return { ok: false, status: 409, message: openRoundMessage(other, today) };
		const opened = await tx
			.updateTable('round')
			.set({ status: 'open', opens_on: round.opens_on < today ? today : round.opens_on })
			.where('id', '=', round.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		await auditOpened(tx, actor, opened, today);
		return { ok: true, round: opened };
	});
}

/** Closes an open (or scheduled) round before its closing date. Final: a closed round stays closed. */
export async function closeRound(db: Db, roundId: number, actor: SignedInUser, today: string): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		if (round.status === 'draft') {
			return { ok: false, status: 409, message: 'This round is still a draft: it has not opened, so there is nothing to close.' };
		}
		if (round.status === 'closed') return { ok: false, status: 409, message: 'This round has already closed.' };
		// Past its closing date it has in effect closed already; record the date it really stopped.
		const closedOn = round.closes_on < today ? round.closes_on : today;
		const closed = await tx
			.updateTable('round')
			.set({ status: 'closed', closed_on: closedOn })
			.where('id', '=', round.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		await recordAudit(tx, actor, {
			action: 'round_closed',
			summary:
				closedOn < round.closes_on
					? `Closed round ${round.id} “${round.title}” early, on ${closedOn} (it was due to close on ${round.closes_on})`
					: `Closed round ${round.id} “${round.title}” on ${closedOn}`,
			practiceId: round.practice_id
		});
		return { ok: true, round: closed };
	});
}

/**
 * Deletes a draft, which nobody has been asked to answer. Anything that has opened stays: its
 * responses are part of the practice's history.
 */
export async function deleteDraftRound(db: Db, roundId: number): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return { ok: false, status: 404, message: 'We could not find that survey round.' };
		const responses = await tx
			.selectFrom('response')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('round_id', '=', roundId)
			.executeTakeFirstOrThrow();
		if (round.status !== 'draft' || Number(responses.n) > 0) {
			return { ok: false, status: 409, message: 'Only a draft can be deleted. A round that has opened stays, with its answers.' };
		}
		await tx.deleteFrom('round').where('id', '=', roundId).execute();
		return { ok: true, round };
	});
}

/* ---------------------------------------------------------------------------------------------
 * Changing a round that has not closed: its title, dates and staff headcount.
 * ------------------------------------------------------------------------------------------- */
