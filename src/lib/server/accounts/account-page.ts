/**
 * The account page as its owner sees it: their access, their API tokens (for the roles that may
 * have them), their reminder mails, two-step sign-in and how they sign in, and the question the
 * page was asked to put before an irreversible step.
 */
import { formatWhen } from '../../dates';
import { idFromParam } from '../platform/ids';
import { API_RATE_LIMIT } from '../api/rate-limit';
import { API_TOKEN_ROLES, listApiTokens, MAX_ACTIVE_TOKENS } from '../api/tokens';
import type { DbOrTx } from '../db';
import { ROLE_NAMES, type SignedInUser } from '../identity';
import type { Config } from '../platform/config';
import { noticeChoices } from './mail-preferences';
import { describeAccess } from './people-list';
import { pendingSetupKey, secondFactorState } from './second-factor';
import { getUser } from './users';

export interface AccountToken {
	id: number;
	name: string;
	created: string;
	lastUsed: string | null;
}

/** What the page was asked to confirm: `?confirm=signOutEverywhere`, or `?confirm=revokeToken&token=3`. */
export interface AccountQuestion {
	confirm: string | null;
	token: string | null;
}

/** Only a question that fits (a token of theirs); any other asks nothing, and the page shows as usual. */
function askedAbout(asked: AccountQuestion, tokens: AccountToken[] | null) {
	if (asked.confirm === 'signOutEverywhere') return { kind: 'signOutEverywhere' } as const;
	const token = asked.confirm === 'revokeToken' ? tokens?.find((t) => t.id === idFromParam(asked.token)) : undefined;
	return token ? ({ kind: 'revokeToken', token } as const) : null;
}

/** How this person signs in: whether they have password sign-in at all, and through which provider otherwise. */
async function signInView(db: DbOrTx, user: SignedInUser, ssoName: string | undefined) {
	const account = await getUser(db, user.id);
	return {
		password: account?.password_hash != null && account.sso_required_at === null,
		ssoRequired: account?.sso_required_at != null,
		ssoLinked: account?.sso_subject != null,
		ssoName: ssoName ?? null
	};
}

/** Two-step sign-in as the account page shows it; the waiting secret only to its owner, while set-up is under way. */
async function twoStepView(db: DbOrTx, user: SignedInUser) {
	const state = await secondFactorState(db, user.id);
	if (state.state === 'on') return { state: 'on' as const, since: formatWhen(new Date(state.since)), recoveryCodesLeft: state.recoveryCodesLeft };
	if (state.state === 'pending') return { state: 'pending' as const, key: (await pendingSetupKey(db, user))! };
	return { state: 'off' as const };
}

/** The caller has signed the viewer in; the page is theirs alone. */
export async function viewAccount(db: DbOrTx, viewer: SignedInUser, config: Pick<Config, 'sso'>, asked: AccountQuestion = { confirm: null, token: null }) {
	// Administrators see no survey results, so the API would have nothing to give them.
	const tokens: AccountToken[] | null = API_TOKEN_ROLES.includes(viewer.role)
		? (await listApiTokens(db, viewer.id)).map((t) => ({
				id: t.id,
				name: t.name,
				created: formatWhen(new Date(t.createdAt)),
				lastUsed: t.lastUsedAt ? formatWhen(new Date(t.lastUsedAt)) : null
			}))
		: null;
	const [access, reminders, twoStep, signIn] = await Promise.all([
		describeAccess(db, viewer),
		noticeChoices(db, viewer),
		twoStepView(db, viewer),
		signInView(db, viewer, config.sso?.name)
	]);
	return {
		me: { displayName: viewer.displayName, email: viewer.email, role: viewer.role, roleName: ROLE_NAMES[viewer.role] },
		access,
		tokens,
		confirm: askedAbout(asked, tokens),
		reminders,
		twoStep,
		signIn,
		maxTokens: MAX_ACTIVE_TOKENS,
		rateLimit: API_RATE_LIMIT
	};
}
