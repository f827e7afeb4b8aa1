/**
 * A limit on survey submissions per client address and round, so that one address cannot stuff
 * a round with answers (the survey has no accounts to limit instead).
 *
 * The limit must never refuse honest staff. A whole practice, or several practices behind one of
 * the NHS network's shared gateways, can reach Belonging from a single address, and the staff of
 * a practice may all answer in the same hour (a team meeting, a lunchtime nudge). So the limit
 * is per round, and is sized from the round's staff headcount: an address may send one and a
 * half times the headcount in an hour (at least 10), and twice that in a day. More than that
 * cannot be the practice's own staff answering once each. An address is counted as
 * platform/client-address.ts says: an IPv6 address by its /64, which one household or line may
 * use whole.
 *
 * One row per network, round and day holds the counts, and only keyed hashes name it: key_hash
 * is HMAC-SHA256 of the round, the address and the day, hour_hash the same of the round, the
 * address and the hour, with a key that is never stored (Config.surveyLimitKey: from
 * SURVEY_LIMIT_SECRET, which every instance on one PostgreSQL database shares so they count
 * alike, or made afresh when a single SQLite server starts). Beside them the row holds the day in
 * clear, the day's count and the count since the hour named by hour_hash began. The table has no
 * address, no round id and no time finer than the day (the hour's hash cannot be told from any
 * other without the key), nothing that points at a response, and each row is deleted once its
 * day is over. A copy of the database therefore cannot tell which addresses answered; a restart
 * with a fresh key starts the counts afresh, which errs towards letting people answer.
 */
import { createHmac } from 'node:crypto';
import type { DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';
import { addressKey } from '../platform/client-address';
import { refuseForNow, type Outcome } from '../platform/outcome';

/** Staff headcount assumed when the practice manager entered none. */
const DEFAULT_HEADCOUNT = 50;

export interface SubmissionLimits {
	perHour: number;
	perDay: number;
}

export function submissionLimits(staffHeadcount: number | null): SubmissionLimits {
	const perHour = Math.max(10, Math.ceil((staffHeadcount ?? DEFAULT_HEADCOUNT) * 1.5));
	return { perHour, perDay: 2 * perHour };
}

/** Who is answering, as far as the limit needs to know. */
export interface SubmittingFrom {
	clientAddress: string;
	/** Config.surveyLimitKey. */
	limitKey: Uint8Array;
}

const keyFor = (limitKey: Uint8Array, roundId: number, clientAddress: string, period: string) =>
	createHmac('sha256', limitKey).update(`${roundId}\u0000${addressKey(clientAddress)}\u0000${period}`).digest('base64url');

const TOO_MANY =
	'Far more answers than this practice has staff have come from your network, so yours were not saved this time. Please try again later. If this keeps happening, ask your practice manager for an invitation code.';

/**
 * One more submission for the day's row, only while under both limits: the check and the count
 * in one statement. A row whose hour_hash is another hour's starts the hour's count afresh at 1.
 * Returns nothing when either limit is reached, and then changes nothing.
 */
const countUnderLimits = preparedQuery<'key' | 'day' | 'hourKey' | 'perDay' | 'perHour', { submissions: number }>((db, slot) =>
	db
		.insertInto('survey_throttle')
		.values({ key_hash: slot('key'), day: slot('day'), submissions: 1, hour_hash: slot('hourKey'), hour_submissions: 1 })
		.onConflict((oc) =>
			oc
				.column('key_hash')
				.doUpdateSet((eb) => ({
					submissions: eb('survey_throttle.submissions', '+', 1),
					hour_hash: eb.ref('excluded.hour_hash'),
					hour_submissions: eb
						.case()
						.when('survey_throttle.hour_hash', '=', eb.ref('excluded.hour_hash'))
						.then(eb('survey_throttle.hour_submissions', '+', 1))
						.else(1)
						.end()
				}))
				.where((eb) =>
					eb.and([
						eb('survey_throttle.submissions', '<', slot('perDay')),
						eb.or([
							eb('survey_throttle.hour_hash', '<>', eb.ref('excluded.hour_hash')),
							eb('survey_throttle.hour_submissions', '<', slot('perHour'))
						])
					])
				)
		)
		.returning('submissions')
);

/** The day's count of a row that refused, to tell whether the day's limit or the hour's answered. */
const dayCount = preparedQuery<'key', { submissions: number }>((db, slot) =>
	db.selectFrom('survey_throttle').select('submissions').where('key_hash', '=', slot('key'))
);

/**
 * Counts one submission from this address to this round, or refuses it when the hour's or the
 * day's allowance is used up. Both counts are in one row and go up in one statement, only while
 * under both limits (checked in the statement that adds one), so concurrent submissions cannot
 * pass the limit together, and a refusal changes nothing.
 */
export async function claimSurveySubmission(
	db: DbOrTx,
	round: { id: number; staffHeadcount: number | null },
	{ clientAddress, limitKey }: SubmittingFrom,
	now: Date = new Date()
): Promise<Outcome> {
	const { perHour, perDay } = submissionLimits(round.staffHeadcount);
	const iso = now.toISOString();
	const day = iso.slice(0, 10);
	const key = keyFor(limitKey, round.id, clientAddress, day);
	const hourKey = keyFor(limitKey, round.id, clientAddress, iso.slice(0, 13));
	if ((await countUnderLimits.execute(db, { key, day, hourKey, perDay, perHour })).rows.length > 0) return { ok: true };
	const [row] = (await dayCount.execute(db, { key })).rows;
	const dayIsOver = row !== undefined && Number(row.submissions) >= perDay;
	const retryAfter = dayIsOver
		? 86_400 - Math.floor((now.getTime() % 86_400_000) / 1000)
		: 3600 - Math.floor((now.getTime() % 3_600_000) / 1000);
	return refuseForNow(429, TOO_MANY, retryAfter);
}
