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
 * Only a keyed hash is stored: HMAC-SHA256 of the round, the address and the hour (or the day),
 * with a key that is never stored (Config.surveyLimitKey: from SURVEY_LIMIT_SECRET, which every
 * instance on one PostgreSQL database shares so they count alike, or made afresh when a single
 * SQLite server starts). The table has no address, no round id and no time finer than the day,
 * nothing that points at a response, and each row is deleted once its day is over. A copy of
 * the database therefore cannot tell which addresses answered; a restart with a fresh key
 * starts the counts afresh, which errs towards letting people answer.
 */
import { createHmac } from 'node:crypto';
import { atomically, databaseIdentity, type DbOrTx } from '../db';
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

/** One more submission under a key, only while under its limit: the check and the count in one statement. */
const countUnderLimit = preparedQuery<'key' | 'day' | 'limit', { submissions: number }>((db, slot) =>
	db
		.insertInto('survey_throttle')
		.values({ key_hash: slot('key'), day: slot('day'), submissions: 1 })
		.onConflict((oc) =>
			oc
				.column('key_hash')
				.doUpdateSet((eb) => ({ submissions: eb('survey_throttle.submissions', '+', 1) }))
				.where('survey_throttle.submissions', '<', slot('limit'))
		)
		.returning('submissions')
);

/** The day each database's counts were last cleared of earlier days. */
const purgedOn = new WeakMap<object, string>();

class OverLimit extends Error {
	constructor(readonly retryAfterSeconds: number) {
		super('over the survey submission limit');
	}
}

/**
 * Counts one submission from this address to this round, or refuses it when the hour's or the
 * day's allowance is used up. Both counts go up in one transaction, each only while under its
 * limit (checked in the same statement that adds one), so concurrent submissions cannot pass
 * the limit together. In a caller's transaction (the submission's own), a refusal may leave one
 * count raised: the caller rolls back, as submitResponse does.
 */
export async function claimSurveySubmission(
	db: DbOrTx,
	round: { id: number; staffHeadcount: number | null },
	{ clientAddress, limitKey }: SubmittingFrom,
	now: Date = new Date()
): Promise<Outcome> {
	const limits = submissionLimits(round.staffHeadcount);
	const iso = now.toISOString();
	const day = iso.slice(0, 10);
	const hour = iso.slice(0, 13);
	const nextHour = 3600 - Math.floor((now.getTime() % 3_600_000) / 1000);
	const nextDay = 86_400 - Math.floor((now.getTime() % 86_400_000) / 1000);
	const count = async (tx: DbOrTx, key: string, limit: number, wait: number) => {
		if ((await countUnderLimit.execute(tx, { key, day, limit })).rows.length === 0) throw new OverLimit(wait);
	};
	// Earlier days' counts go once a day, not with every submission.
	if (purgedOn.get(databaseIdentity(db)) !== day) {
		await db.deleteFrom('survey_throttle').where('day', '<', day).execute();
		purgedOn.set(databaseIdentity(db), day);
	}
	try {
		const work = async (tx: DbOrTx) => {
			await count(tx, keyFor(limitKey, round.id, clientAddress, day), limits.perDay, nextDay);
			await count(tx, keyFor(limitKey, round.id, clientAddress, hour), limits.perHour, nextHour);
		};
		await atomically(db, work);
		return { ok: true };
	} catch (error) {
		if (error instanceof OverLimit) return refuseForNow(429, TOO_MANY, error.retryAfterSeconds);
		throw error;
	}
}
