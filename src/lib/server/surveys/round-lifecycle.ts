/**
 * Opening a round early, closing it early, and deleting one that never opened.
 */
import { formatDate } from '../../dates';
import { closingDayOn } from '../../npt/round-schedule';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import type { Db } from '../db';
import type { Round } from '../db/schema';
import type { SignedInUser } from '../identity';
import { findOpenRound, openRoundMessage, auditOpened, keepingOneOpenRound } from './round-scheduling';
import { practiceOfRound } from './rounds';
import { summariseClosedRound } from './round-summaries';
import { sealRound } from './round-sealing';

export type RoundChange = Outcome<{ round: Round }>;

const ROUND_NOT_FOUND = 'We could not find that survey round.';

/**
 * Opens a draft. Staff can answer from its opening date, or from today if that date has passed
 * (the opening date moves to today, so it says when answers could really start).
 */
export async function openRound(db: Db, roundId: number, actor: SignedInUser, today: string): Promise<RoundChange> {
	const practiceId = await practiceOfRound(db, roundId);
	if (practiceId === undefined) return refuse(404, ROUND_NOT_FOUND);
	return keepingOneOpenRound(db, practiceId, today, undefined, async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return refuse(404, ROUND_NOT_FOUND);
		if (round.status === 'open') return refuse(409, 'This round is already open.');
		if (round.status === 'closed') return refuse(409, 'This round has closed. A closed round cannot be opened again.');
		if (round.closes_on < today) {
			return refuse(409, `This round’s closing date, ${formatDate(round.closes_on)}, has passed. Create a new round with new dates instead.`);
		}
		const other = await findOpenRound(tx, round.practice_id, today, round.id);
		if (other) return refuse(409, openRoundMessage(other, today));
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
		if (!round) return refuse(404, ROUND_NOT_FOUND);
		if (round.status === 'draft') {
			return refuse(409, 'This round is still a draft: it has not opened, so there is nothing to close.');
		}
		if (round.status === 'closed') return refuse(409, 'This round has already closed.');
		// Past its closing date it has in effect closed already; record the date it really stopped.
		const closedOn = closingDayOn(round, today);
		const closed = await tx
			.updateTable('round')
			.set({ status: 'closed', closed_on: closedOn })
			.where('id', '=', round.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		await sealRound(tx, closed.id);
		await summariseClosedRound(tx, closed);
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
export async function deleteDraftRound(db: Db, roundId: number, actor: SignedInUser): Promise<RoundChange> {
	return db.transaction().execute(async (tx): Promise<RoundChange> => {
		const round = await tx.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirst();
		if (!round) return refuse(404, ROUND_NOT_FOUND);
		const responses = await tx
			.selectFrom('response')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('round_id', '=', roundId)
			.executeTakeFirstOrThrow();
		if (round.status !== 'draft' || Number(responses.n) > 0) {
			return refuse(409, 'Only a draft can be deleted. A round that has opened stays, with its answers.');
		}
		await tx.deleteFrom('round').where('id', '=', roundId).execute();
		await recordAudit(tx, actor, {
			action: 'round_deleted',
			summary: `Deleted the draft round ${round.id} “${round.title}”`,
			practiceId: round.practice_id
		});
		return { ok: true, round };
	});
}

/* ---------------------------------------------------------------------------------------------
 * Changing a round that has not closed: its title, dates and staff headcount.
 * ------------------------------------------------------------------------------------------- */
