/**
 * The figures the public assurance pages (/privacy, /accessibility, /assurance, /security) state
 * about this instance, read from its running configuration and from the constants the code
 * enforces, never typed again. The pages print only what this module returns, each figure marked
 * with its name, so a test can compare every figure a page shows with the instance behind it.
 */
import { LINK_LIFETIME_MS } from '../accounts/account-links';
import { MAX_RESET_REQUESTS_PER_HOUR } from '../accounts/invitations';
import { MIN_PASSWORD_LENGTH } from '../accounts/passwords';
import { rolesRequiringSecondStep } from '../accounts/second-factor';
import { SESSION_IDLE_MS } from '../accounts/sessions';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW_MS } from '../accounts/sign-in-throttle';
import { API_RATE_LIMIT, API_RATE_WINDOW_MS } from '../api/rate-limit';
import type { DbOrTx } from '../db';
import { LOG_EMPTIED_WITHIN_MS } from '../db/checkpoints';
import { ROLES, ROLE_NAMES, type Role } from '../identity';
import type { AssuranceFacts, SignInPolicy } from '../../views/assurance';
import { MIN_RESPONSES_FLOOR, type Config } from '../platform/config';
import { submissionLimits } from '../surveys/submission-limits';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The facts that need only the configuration: every page can show them without a query. */
export function assuranceFacts(config: Config): AssuranceFacts {
	const unlimited = 10_000;
	const withoutHeadcount = submissionLimits(null);
	return {
		minResponses: config.minResponses,
		minResponsesFloor: MIN_RESPONSES_FLOOR,
		minBenchmarkPractices: config.minBenchmarkPractices,
		retention: { ...config.retention },
		sessionIdleHours: SESSION_IDLE_MS / HOUR_MS,
		invitationDays: LINK_LIFETIME_MS.invitation / DAY_MS,
		resetLinkMinutes: LINK_LIFETIME_MS.password_reset / 60_000,
		resetRequestsPerHour: MAX_RESET_REQUESTS_PER_HOUR,
		passwordMinLength: MIN_PASSWORD_LENGTH,
		signInThrottle: { windowMinutes: THROTTLE_WINDOW_MS / 60_000, perAccount: MAX_FAILURES_PER_ACCOUNT, perAddress: MAX_FAILURES_PER_ADDRESS },
		api: { requests: API_RATE_LIMIT, windowSeconds: API_RATE_WINDOW_MS / 1000 },
		surveyLimit: {
			// The rule's own factor, read off a headcount large enough to be past its floor.
			perStaffPerHour: submissionLimits(unlimited).perHour / unlimited,
			leastPerHour: submissionLimits(0).perHour,
			withoutHeadcount
		},
		logEmptiedWithinMs: LOG_EMPTIED_WITHIN_MS,
		securityContact: config.securityContact ? { href: config.securityContact, label: config.securityContact.replace(/^mailto:/, '') } : null,
		singleSignOn: config.sso?.name ?? null
	};
}

/** The two-step policy as set on /admin/security, read when a page states the MFA plan. */
export async function readSignInPolicy(db: DbOrTx): Promise<SignInPolicy> {
	const required = new Set(await rolesRequiringSecondStep(db));
	const named = (role: Role) => ({ role, name: ROLE_NAMES[role] });
	return { required: ROLES.filter((role) => required.has(role)).map(named), optional: ROLES.filter((role) => !required.has(role)).map(named) };
}
