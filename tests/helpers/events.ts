/**
 * Fake request events for calling load functions and actions directly, as a signed-in user
 * (or nobody), against a test database.
 */
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { DEFAULT_RETENTION, type Config } from '../../src/lib/server/platform/config';
import type { Db } from '../../src/lib/server/db';
import { hashPassword, type ScryptCost } from '../../src/lib/server/accounts/passwords';
import { createUser, getUser, toSignedInUser, type Scope } from '../../src/lib/server/accounts/users';
import type { Role, SignedInUser } from '../../src/lib/server/identity';

/** Cheap scrypt parameters for tests that create many accounts; real hashes use RECOMMENDED_COST. */
export const TEST_COST: ScryptCost = { logN: 10, r: 8, p: 1 };
export const TEST_PASSWORD = 'a perfectly ordinary test passphrase';
/** The survey limit's key, as SURVEY_LIMIT_SECRET would give it: one for every test. */
export const TEST_SURVEY_LIMIT_KEY = new Uint8Array(32).fill(7);

export type CookieJar = Map<string, { value: string; options: Record<string, unknown> }>;

export interface EventOptions {
	db: Db;
	user?: SignedInUser | null;
	path?: string;
	method?: string;
	/** A form body: an object is URL-encoded. */
	form?: Record<string, string | string[]> | string | FormData;
	params?: Record<string, string>;
	cookies?: CookieJar;
	headers?: Record<string, string>;
	config?: Partial<Config>;
	clientAddress?: string;
	/** The scheme and host the request came to (its Host header): http://localhost unless said. */
	requestOrigin?: string;
}

export function fakeEvent(options: EventOptions) {
	const url = new URL(`${options.requestOrigin ?? 'http://localhost'}${options.path ?? '/'}`);
	let body: BodyInit | null = null;
	const headers: Record<string, string> = { ...options.headers };
	if (options.form instanceof FormData) body = options.form;
	else if (typeof options.form === 'string') body = options.form;
	else if (options.form) {
		const encoded = new URLSearchParams();
		for (const [name, value] of Object.entries(options.form)) {
			for (const v of Array.isArray(value) ? value : [value]) encoded.append(name, v);
		}
		body = encoded.toString();
	}
	if (typeof body === 'string') headers['content-type'] ??= 'application/x-www-form-urlencoded';
	const method = options.method ?? (body === null ? 'GET' : 'POST');
	const jar = options.cookies ?? new Map();
	return {
		request: new Request(url, { method, body, headers, duplex: 'half' } as RequestInit),
		url,
		params: options.params ?? {},
		route: { id: null },
		locals: {
			db: options.db,
			config: { minResponses: 5, minBenchmarkPractices: 10, demo: false, databasePath: ':memory:', surveyLimitKey: TEST_SURVEY_LIMIT_KEY, origin: 'http://localhost', secureCookies: false, retention: { ...DEFAULT_RETENTION }, ...options.config },
			mail: { bySmtp: true, description: 'the test outbox', nudge: () => {} },
			user: options.user ?? null,
			sessionId: null,
			adminResetNotice: null
		},
		cookies: {
			get: (name: string) => jar.get(name)?.value,
			getAll: () => [...jar.entries()].map(([name, c]) => ({ name, value: c.value })),
			set: (name: string, value: string, opts: Record<string, unknown>) => void jar.set(name, { value, options: opts }),
			delete: (name: string) => void jar.delete(name)
		},
		getClientAddress: () => options.clientAddress ?? '192.0.2.1',
		setHeaders: () => {}
	} as never as import('@sveltejs/kit').RequestEvent;
}

let counter = 0;

/** Creates an account with a password and returns it as the guard sees it. */
export async function createSignedInUser(db: Db, role: Role, scope: Partial<Scope> = {}, email?: string): Promise<SignedInUser> {
	counter += 1;
	const account = await createUser(db, {
		email: email ?? `${role}.${counter}@test.example`,
		displayName: `Test ${role} ${counter}`,
		role,
		scope,
		passwordHash: await hashPassword(TEST_PASSWORD, TEST_COST)
	});
	return toSignedInUser(db, (await getUser(db, account.id))!);
}

/** Calls a load or action and returns what it returned or threw (redirects and errors are thrown). */
export async function outcomeOf<T>(run: () => Promise<T> | T): Promise<{ result?: T; thrown?: unknown }> {
	try {
		return { result: await run() };
	} catch (thrown) {
		return { thrown };
	}
}

/** The status a load or action ends in, as the access matrix would see it over HTTP. */
export function statusOf(outcome: { result?: unknown; thrown?: unknown }): number {
	if (outcome.thrown !== undefined) {
		if (isRedirect(outcome.thrown)) return outcome.thrown.status;
		if (isHttpError(outcome.thrown)) return outcome.thrown.status;
		throw outcome.thrown;
	}
	if (isActionFailure(outcome.result)) return outcome.result.status;
	return 200;
}
