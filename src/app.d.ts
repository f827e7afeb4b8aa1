import type { Config } from '$lib/server/platform/config';
import type { Db } from '$lib/server/db';
import type { MailService } from '$lib/server/mail/mail-worker';
import type { SignedInUser } from '$lib/server/identity';
import type { SurveyPageFacts } from '$lib/server/surveys/survey-page';
import type { SurveyPostOutcome } from '$lib/server/surveys/survey-posts';
import type { Metrics } from '$lib/server/platform/metrics';

declare global {
	namespace App {
		interface Locals {
			db: Db;
			config: Config;
			/** The outbox worker of this instance: nudge it after a change has queued mail. */
			mail: MailService;
			/** Resolved once per request in hooks.server.ts; null when nobody is signed in. */
			user: SignedInUser | null;
			sessionId: string | null;
			/** Set by a download route (api/downloads.ts) fetched with a personal API token: which token, for the audit log. */
			apiToken?: { id: number; name: string };
			/** That an administrator reset this person's password, until they have read it (people.ts). */
			adminResetNotice: string | null;
			/**
			 * Set by a page or action whose answer shows a secret (an authenticator key, recovery
			 * codes, a token or link shown once): that answer is never compressed (platform/compression.ts).
			 */
			carriesSecret?: boolean;
			/**
			 * Set by the survey page cache (surveys/survey-page-cache.ts) when it has the page
			 * rendered once as a template: the facts it read, and the marker to write for the key.
			 */
			surveyPage?: { facts: SurveyPageFacts; submissionKey: string };
			/** The request's id, in its log line, its X-Request-Id header and any line logged on its behalf (platform/logging.ts). */
			requestId?: string;
			/** This instance's metrics (platform/metrics.ts), for what a request counts (a stored submission). */
			metrics?: Metrics;
			/** Set by the survey post hook (surveys/survey-posts.ts) for a post it did not answer itself: what it came to. */
			surveyPost?: SurveyPostOutcome;
		}
		interface Error {
			message: string;
			/** The database could not be reached: the request is answered 503 (platform/database-away.ts). */
			unavailable?: boolean;
		}
	}
}

export {};
