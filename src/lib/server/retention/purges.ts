/**
 * The daily purge: rows that only ever mattered until a moment that has passed. Expired sessions,
 * used or expired invitation and reset links, sign-in challenges and single sign-on attempts that
 * ran out, the single-use keys of rounds that take no more answers, revoked API tokens, sign-in
 * failures and API rate windows older than their window, survey limit counts of past days, and
 * sent mail after a month. Idempotent: a second run finds nothing.
 */
import type { DbOrTx } from '../db';
import { THROTTLE_WINDOW_MS } from '../accounts/sign-in-throttle';
import { API_RATE_WINDOW_MS } from '../api/rate-limit';
import { deleteExpiredSessions } from '../accounts/sessions';
import { forgetOldSentMail } from '../mail/outbox';
import { forgetKeysOfClosedRounds } from '../surveys/submission-keys';

export type PurgeReport = Record<
	'sessions' | 'accountLinks' | 'signInChallenges' | 'ssoAttempts' | 'surveyKeys' | 'apiTokens' | 'signInFailures' | 'apiRateWindows' | 'surveyLimitDays' | 'sentMail',
	number
>;

const counted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

export async function purgeExpired(db: DbOrTx, today: string, now: Date = new Date()): Promise<PurgeReport> {
	const at = now.toISOString();
	return {
		sessions: await deleteExpiredSessions(db, now),
		accountLinks: counted(
			await db
				.deleteFrom('account_link')
				.where((eb) => eb.or([eb('expires_at', '<=', at), eb('used_at', 'is not', null)]))
				.executeTakeFirst()
		),
		signInChallenges: counted(await db.deleteFrom('sign_in_challenge').where('expires_at', '<=', at).executeTakeFirst()),
		ssoAttempts: counted(await db.deleteFrom('sso_attempt').where('expires_at', '<=', at).executeTakeFirst()),
		surveyKeys: await forgetKeysOfClosedRounds(db, today),
		apiTokens: counted(await db.deleteFrom('api_token').where('revoked_at', 'is not', null).executeTakeFirst()),
		signInFailures: counted(
			await db
				.deleteFrom('sign_in_failure')
				.where('failed_at', '<=', new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())
				.executeTakeFirst()
		),
		apiRateWindows: counted(await db.deleteFrom('api_rate_window').where('started_ms', '<=', now.getTime() - API_RATE_WINDOW_MS).executeTakeFirst()),
		// The limit counts by the day in UTC (submission-limits.ts), not the UK's.
		surveyLimitDays: counted(await db.deleteFrom('survey_throttle').where('day', '<', at.slice(0, 10)).executeTakeFirst()),
		sentMail: await forgetOldSentMail(db, now)
	};
}
