/**
 * Personal API tokens: what an analyst gives Power BI or Excel instead of a password. A token is
 * shown once when it is made; the database keeps only its SHA-256, like session tokens, so a copy
 * of the database cannot call the API. A token acts exactly as its owner: same role, same scope,
 * and it stops working the moment the owner's account is switched off.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { atomically, lockFor, type DbOrTx } from '../db';
import { hashToken } from '../accounts/sessions';
import { getUser, toSignedInUser } from '../accounts/users';
import type { Role, SignedInUser } from '../identity';
import { lineText } from '../../text';

/** Makes a token recognisable in a config file or a leaked-secret scan. */
export const API_TOKEN_PREFIX = 'blg_';
/** Enough for a few reports and tools each; revoking one frees its place. */
export const MAX_ACTIVE_TOKENS = 10;
export const MAX_TOKEN_NAME_LENGTH = 60;
/** Record use at most this often, to spare a database write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Who may have tokens: the people who read results (an ICB lead reads ICB and PCN figures, never a
 * practice's own). Administrators see no survey results, so the API would have nothing to give them.
 */
export const API_TOKEN_ROLES: readonly Role[] = ['icb_lead', 'pcn_lead', 'practice_manager', 'link_worker'];

export const tokenNameSchema = lineText({
	max: MAX_TOKEN_NAME_LENGTH,
	tooLong: `Keep the name to ${MAX_TOKEN_NAME_LENGTH} characters or fewer`,
	required: 'Enter a name for the token, for example “Power BI report”'
});

export interface ApiTokenSummary {
	id: number;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}

export interface NewApiToken extends ApiTokenSummary {
	/** The only time the token itself exists outside the person's own copy. */
	token: string;
}


function newApiToken(): string {
	return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

async function countActiveTokens(db: DbOrTx, userId: number): Promise<number> {
	const row = await db
		.selectFrom('api_token')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('user_id', '=', userId)
		.where('revoked_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function createApiToken(
	db: DbOrTx,
	user: SignedInUser,
	name: string,
	now: Date = new Date()
): Promise<Outcome<{ token: NewApiToken }>> {
	if (!API_TOKEN_ROLES.includes(user.role)) return refuse(403, 'Your role does not use API tokens.');
	const parsed = tokenNameSchema.safeParse(name);
	if (!parsed.success) return refuse(400, parsed.error.issues[0]!.message, 'name');
	// Counted and written in one transaction holding the person's lock, so two at once (on one
	// instance or several) cannot both take the last place.
	return atomically(db, async (tx) => {
		await lockFor(tx, `api-tokens:${user.id}`);
		if ((await countActiveTokens(tx, user.id)) >= MAX_ACTIVE_TOKENS) {
			return refuse(400, `You already have ${MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use before creating another.`);
		}
		const token = newApiToken();
		const createdAt = now.toISOString();
		const row = await tx
			.insertInto('api_token')
			.values({ user_id: user.id, name: parsed.data, token_hash: hashToken(token), created_at: createdAt })
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(tx, user, { action: 'api_token_created', summary: `Created the API token “${parsed.data}”` }, now);
		return { ok: true, token: { id: row.id, name: parsed.data, createdAt, lastUsedAt: null, token } };
	});
}

/** The person's tokens that still work, newest first. Never the hashes. */
export async function listApiTokens(db: DbOrTx, userId: number): Promise<ApiTokenSummary[]> {
	const rows = await db
		.selectFrom('api_token')
		.select(['id', 'name', 'created_at', 'last_used_at'])
		.where('user_id', '=', userId)
		.where('revoked_at', 'is', null)
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export const TOKEN_NOT_FOUND = 'We could not find that token. It may already have been revoked.';

/** Only the owner revokes, and only a token that still works; anything else reads as "not there". */
export async function revokeApiToken(
	db: DbOrTx,
	user: SignedInUser,
	tokenId: number,
	now: Date = new Date()
): Promise<Outcome<{ name: string }>> {
	return atomically(db, async (tx) => {
		const token = await tx
			.updateTable('api_token')
			.set({ revoked_at: now.toISOString() })
			.where('id', '=', tokenId)
			.where('user_id', '=', user.id)
			.where('revoked_at', 'is', null)
			.returning(['id', 'name'])
			.executeTakeFirst();
		if (!token) return refuse(404, TOKEN_NOT_FOUND);
		await recordAudit(tx, user, { action: 'api_token_revoked', summary: `Revoked the API token “${token.name}”` }, now);
		return { ok: true, name: token.name };
	});
}

export interface ApiCaller {
	tokenId: number;
	tokenName: string;
	user: SignedInUser;
}

/**
 * The person a token acts for, with their scope resolved now; null for a token that is unknown,
 * revoked, malformed, or whose owner is switched off, has no password yet, or lost their role's
 * right to tokens.
 */
export async function authenticateApiToken(db: DbOrTx, token: string, now: Date = new Date()): Promise<ApiCaller | null> {
	// Checked before hashing, so obvious rubbish costs no database read.
	if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
	const row = await db
		.selectFrom('api_token')
		.select(['id', 'name', 'user_id', 'last_used_at'])
		.where('token_hash', '=', hashToken(token))
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	if (!row) return null;
	const account = await getUser(db, row.user_id);
	if (!account || account.disabled_at || !account.accepted_at || !API_TOKEN_ROLES.includes(account.role)) return null;
	if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= LAST_USED_RESOLUTION_MS) {
		await db.updateTable('api_token').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
	}
	return { tokenId: row.id, tokenName: row.name, user: await toSignedInUser(db, account) };
}
