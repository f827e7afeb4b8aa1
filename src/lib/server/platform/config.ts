/**
 * Server configuration from the environment, validated once at start-up.
 * The only place MIN_RESPONSES and friends are read; everything else receives a `Config`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_POOL_SIZE, type SqliteSynchronous } from '../db';
import { DEFAULT_MIN_BENCHMARK_PRACTICES } from '../../npt/benchmarks';
import { LOG_LEVELS, type LogLevel } from './logging';
import { originOrLocal } from './origin';

export const DEFAULT_DATABASE_PATH = './data/belonging.db';
/** docs/scoring.md §6: never show a group smaller than this, whatever the configuration says. */
export const MIN_RESPONSES_FLOOR = 3;
/**
 * The fewest practices a benchmark group may be allowed to have. Below five, a group's quartiles
 * and median, with a practice's own score, can be solved for every other practice's score.
 */
export const MIN_BENCHMARK_PRACTICES_FLOOR = 5;

/**
 * How long Belonging keeps what it keeps, in months (retention.ts enforces it; /privacy shows it).
 * Comments go first: they are in people's own words. Then a round's answers are reduced to its
 * summary, which keeps the trend and nothing about one person. Audit entries stay longest.
 */
export const DEFAULT_RETENTION = { commentsMonths: 24, answersMonths: 36, auditMonths: 72 } as const;
export type RetentionConfig = { commentsMonths: number; answersMonths: number; auditMonths: number };

const months = (fallback: number) =>
	z
		.string()
		.trim()
		.regex(/^\d+$/, { error: 'must be a whole number of months', abort: true })
		.transform(Number)
		.refine((n) => n >= 1 && n <= 600, 'must be between 1 and 600 months')
		.default(fallback);

const flag = z
	.string()
	.trim()
	.toLowerCase()
	.refine((v) => ['', '0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), {
		error: 'must be 1 or 0 (true/false, yes/no, on/off also work)'
	})
	.transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
	DATABASE_PATH: z.string().trim().min(1, 'must not be empty').optional(),
	DATABASE_URL: z
		.string()
		.trim()
		.refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'must be a PostgreSQL address, like postgres://belonging:secret@db.example.nhs.uk:5432/belonging')
		.optional(),
	DATABASE_POOL_SIZE: z
		.string()
		.trim()
		.regex(/^\d+$/, { error: 'must be a whole number', abort: true })
		.transform(Number)
		.refine((n) => n >= 1 && n <= 100, 'must be between 1 and 100')
		.optional(),
	SQLITE_SYNCHRONOUS: z
		.string()
		.trim()
		.toLowerCase()
		.refine((v): v is SqliteSynchronous => v === 'full' || v === 'normal', 'must be full or normal')
		.optional(),
	SURVEY_LIMIT_SECRET: z.string().trim().min(32, 'must be at least 32 characters (for example the output of: openssl rand -base64 32)').optional(),
	// Read by adapter-node, which listens on every interface without it; here only to say where the demo answers.
	HOST: z.string().trim().optional(),
	PORT: z
		.string()
		.trim()
		.regex(/^\d+$/, { error: 'must be a port number', abort: true })
		.refine((v) => Number(v) >= 1 && Number(v) <= 65535, 'must be between 1 and 65535')
		.optional(),
	ORIGIN: z
		.string()
		.trim()
		.refine((v) => /^https?:\/\/[^/\s]+$/.test(v), 'must be the address people use, like https://belonging.example.org (no path)')
		.optional(),
	SMTP_URL: z
		.string()
		.trim()
		.refine((v) => {
			if (!/^smtps?:\/\/\S+$/.test(v)) return false;
			try {
				return new URL(v).hostname !== '';
			} catch {
				return false;
			}
		}, 'must be an SMTP address, like smtp://user:password@smtp.example.nhs.uk:587 (STARTTLS) or smtps://…:465 (TLS)')
		.optional(),
	MAIL_FROM: z
		.string()
		.trim()
		.refine(
			(v) => /^[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+$/.test(v) || /^[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>$/.test(v),
			'must be an address whose domain has a dot in it, like belonging@nhs.net or "Belonging <belonging@nhs.net>" (an address at localhost is refused)'
		)
		.optional(),
	MIN_RESPONSES: z
		.string()
		.trim()
		.regex(/^\d+$/, 'must be a whole number')
		.transform(Number)
		.refine((n) => n >= MIN_RESPONSES_FLOOR, {
			error: `must be at least ${MIN_RESPONSES_FLOOR}: smaller groups could identify people`
		})
		.default(5),
	MIN_BENCHMARK_PRACTICES: z
		.string()
		.trim()
		.regex(/^\d+$/, 'must be a whole number')
		.transform(Number)
		.refine((n) => n >= MIN_BENCHMARK_PRACTICES_FLOOR, {
			error: `must be at least ${MIN_BENCHMARK_PRACTICES_FLOOR}: in smaller groups the quartiles give away other practices' scores`
		})
		.default(DEFAULT_MIN_BENCHMARK_PRACTICES),
	DEMO: flag.default(false),
	SECURITY_CONTACT: z
		.string()
		.trim()
		.refine((v) => {
			try {
				const url = new URL(v);
				return (url.protocol === 'mailto:' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(url.pathname)) || (url.protocol === 'https:' && url.hostname !== '');
			} catch {
				return false;
			}
		}, 'must be where to report a security problem, as mailto:security@example.nhs.uk or an https:// address')
		.optional(),
	RETENTION_COMMENTS_MONTHS: months(DEFAULT_RETENTION.commentsMonths),
	RETENTION_ANSWERS_MONTHS: months(DEFAULT_RETENTION.answersMonths),
	RETENTION_AUDIT_MONTHS: months(DEFAULT_RETENTION.auditMonths),
	SSO_ISSUER: z
		.string()
		.trim()
		.refine((v) => {
			try {
				const url = new URL(v);
				return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
			} catch {
				return false;
			}
		}, 'must be the provider’s https issuer address, like https://login.microsoftonline.com/<tenant id>/v2.0 (plain http only on this machine, for testing)')
		.optional(),
	SSO_CLIENT_ID: z.string().trim().max(200, 'must be at most 200 characters').optional(),
	SSO_CLIENT_SECRET: z.string().trim().max(500, 'must be at most 500 characters').optional(),
	SSO_NAME: z
		.string()
		.trim()
		.max(40, 'must be at most 40 characters, like NHSmail')
		.refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
		.optional(),
	LOG_LEVEL: z
		.string()
		.trim()
		.toLowerCase()
		.refine((v): v is LogLevel => (LOG_LEVELS as readonly string[]).includes(v), `must be one of ${LOG_LEVELS.join(', ')}`)
		.default('info'),
	METRICS_TOKEN: z
		.string()
		.trim()
		.min(32, 'must be at least 32 characters (for example the output of: openssl rand -hex 32)')
		.refine((v) => /^[\x21-\x7e]+$/.test(v), 'must be printable characters without spaces, as it is sent in an Authorization header')
		.optional()
});

/** localhost and the loopback addresses: the only places a provider may be reached over plain http. */
export function isLoopbackHost(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Single sign-on with the organisation's OpenID Connect provider (single-sign-on.ts). */
export interface SingleSignOnConfig {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** What people call the provider, for the button: "Sign in with NHSmail". */
	name: string;
	/** Where the provider sends people back: ORIGIN + /sign-in/sso/callback, registered with the provider. */
	redirectUri: string;
	/** Where the provider's sign-out sends people back: ORIGIN + /sign-in. */
	signedOutUri: string;
}

const SSO_VARIABLES = ['SSO_ISSUER', 'SSO_CLIENT_ID', 'SSO_CLIENT_SECRET'] as const;

export interface Config {
	/** The SQLite file, when PostgreSQL is not configured. */
	databasePath: string;
	/** PostgreSQL instead of SQLite when set. */
	databaseUrl?: string;
	databasePoolSize?: number;
	/** SQLITE_SYNCHRONOUS: when SQLite's commits wait for the disk (db/index.ts says what each costs); unset, the default there. */
	sqliteSynchronous?: SqliteSynchronous;
	minResponses: number;
	/** The fewest practices with a score shown that a benchmark group needs to be shown (docs/scoring.md §8). */
	minBenchmarkPractices: number;
	/**
	 * The key of the survey limit's hashes (submission-limits.ts): from SURVEY_LIMIT_SECRET, so
	 * every instance counts alike, or made afresh at start-up for a single SQLite server.
	 */
	surveyLimitKey: Uint8Array;
	demo: boolean;
	/** The address people use, for links shown to copy (invitations, resets); unset in development. */
	origin: string | undefined;
	/** Session cookies carry `Secure` whenever the site is served over https. */
	secureCookies: boolean;
	/** RETENTION_COMMENTS_MONTHS, RETENTION_ANSWERS_MONTHS, RETENTION_AUDIT_MONTHS: counted from a round's closing (or an entry's date). */
	retention: RetentionConfig;
	/** SMTP_URL and MAIL_FROM: mail goes out through SMTP; without them, to the server log. */
	smtp?: { url: string; from: string };
	/** SSO_ISSUER, SSO_CLIENT_ID, SSO_CLIENT_SECRET (and SSO_NAME): sign-in through the provider too. */
	sso?: SingleSignOnConfig;
	/** SECURITY_CONTACT: where to report a vulnerability (mailto: or https:), for /security and security.txt. */
	securityContact?: string;
	/** LOG_LEVEL: the least severe log lines written (logging.ts); `info` writes one line per request. */
	logLevel: LogLevel;
	/** METRICS_TOKEN: `/metrics` answers a scrape bearing it (metrics.ts); unset, there is no `/metrics`. */
	metricsToken?: string;
	/** HOST: the interface the server listens on (adapter-node's default, every one, when unset). */
	listenHost?: string;
}

/** Variables whose values a configuration error never repeats. */
const SECRET_VARIABLES = new Set(['SURVEY_LIMIT_SECRET', 'SSO_CLIENT_SECRET', 'METRICS_TOKEN']);
/** Addresses that may carry a password (`scheme://user:password@host`), which is left out of messages. */
const ADDRESS_VARIABLES = new Set(['DATABASE_URL', 'SMTP_URL']);

/** The address with any password replaced by "…", even when the rest does not parse as an address. */
function withoutPassword(address: string): string {
	return address.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1…@');
}

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Belonging cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

/**
 * Reads and checks the environment; empty variables count as unset. A command (migrate, a
 * rebuild) serves no survey, so it needs no SURVEY_LIMIT_SECRET.
 */
export function loadConfig(env: Record<string, string | undefined>, use: 'server' | 'command' = 'server'): Config {
	const present = Object.fromEntries(
		Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')
	);
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => {
				const name = String(issue.path[0]);
				const value = present[name] ?? '';
				// The message goes to the log: a secret is described, never written out.
				const shown = SECRET_VARIABLES.has(name)
					? `(${value.trim().length} characters, not shown)`
					: JSON.stringify(ADDRESS_VARIABLES.has(name) ? withoutPassword(value) : value);
				return `${name}=${shown} ${issue.message}`;
			})
		);
	}
	const { DATABASE_PATH, DATABASE_URL, DATABASE_POOL_SIZE, SURVEY_LIMIT_SECRET, MIN_RESPONSES, MIN_BENCHMARK_PRACTICES, DEMO, ORIGIN, SMTP_URL, MAIL_FROM } =
		parsed.data;
	const retention = {
		commentsMonths: parsed.data.RETENTION_COMMENTS_MONTHS,
		answersMonths: parsed.data.RETENTION_ANSWERS_MONTHS,
		auditMonths: parsed.data.RETENTION_AUDIT_MONTHS
	};
	// A comment belongs to the respondent-level data a reduced round no longer holds.
	if (retention.commentsMonths > retention.answersMonths) {
		throw new ConfigError([
			`RETENTION_COMMENTS_MONTHS (${retention.commentsMonths}) is longer than RETENTION_ANSWERS_MONTHS (${retention.answersMonths}): comments go when a round's answers are reduced to its summary, so keep them no longer than the answers.`
		]);
	}
	const sso = singleSignOn(parsed.data, use);
	if (SMTP_URL && !MAIL_FROM) {
		throw new ConfigError(['SMTP_URL is set but MAIL_FROM is not: set MAIL_FROM to the address mail comes from (with NHSmail, the account SMTP_URL signs in as).']);
	}
	if (MAIL_FROM && !SMTP_URL) {
		throw new ConfigError(['MAIL_FROM is set but SMTP_URL is not: mail goes to the server log without SMTP_URL, so set both or neither.']);
	}
	if (DATABASE_URL && DATABASE_PATH) {
		throw new ConfigError([
			'DATABASE_URL and DATABASE_PATH are both set: set DATABASE_URL for PostgreSQL or DATABASE_PATH for an SQLite file, not both.'
		]);
	}
	if (DATABASE_POOL_SIZE !== undefined && !DATABASE_URL) {
		throw new ConfigError(['DATABASE_POOL_SIZE is set, but it is for PostgreSQL only: set DATABASE_URL too, or leave it out.']);
	}
	// Several instances share a PostgreSQL database, and each must hash an address alike for the
	// survey limit to hold across them; the key is never stored, so it comes from the environment.
	if (DATABASE_URL && !SURVEY_LIMIT_SECRET && use === 'server') {
		throw new ConfigError([
			'SURVEY_LIMIT_SECRET is not set: on PostgreSQL every instance needs the same secret to count survey submissions per network alike. Set it to at least 32 random characters (for example the output of: openssl rand -base64 32), the same on every instance.'
		]);
	}
	return {
		databasePath: DATABASE_PATH ?? DEFAULT_DATABASE_PATH,
		...(DATABASE_URL ? { databaseUrl: DATABASE_URL, databasePoolSize: DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE } : {}),
		...(parsed.data.SQLITE_SYNCHRONOUS ? { sqliteSynchronous: parsed.data.SQLITE_SYNCHRONOUS } : {}),
		minResponses: MIN_RESPONSES,
		minBenchmarkPractices: MIN_BENCHMARK_PRACTICES,
		surveyLimitKey: SURVEY_LIMIT_SECRET ? createHash('sha256').update(`survey-limit\u0000${SURVEY_LIMIT_SECRET}`).digest() : randomBytes(32),
		demo: DEMO,
		origin: ORIGIN,
		secureCookies: ORIGIN?.startsWith('https://') ?? false,
		retention,
		...(SMTP_URL && MAIL_FROM ? { smtp: { url: SMTP_URL, from: MAIL_FROM } } : {}),
		...(sso ? { sso } : {}),
		...(parsed.data.SECURITY_CONTACT ? { securityContact: parsed.data.SECURITY_CONTACT } : {}),
		logLevel: parsed.data.LOG_LEVEL,
		...(parsed.data.METRICS_TOKEN ? { metricsToken: parsed.data.METRICS_TOKEN } : {}),
		...(parsed.data.HOST ? { listenHost: parsed.data.HOST } : {})
	};
}

/** The three SSO variables come together, and the provider must be told one fixed return address: ORIGIN's. */
function singleSignOn(env: z.infer<typeof envSchema>, use: 'server' | 'command'): SingleSignOnConfig | undefined {
	const missing = SSO_VARIABLES.filter((name) => !env[name]);
	if (missing.length === SSO_VARIABLES.length) {
		if (env.SSO_NAME) throw new ConfigError(['SSO_NAME is set but SSO_ISSUER is not: single sign-on needs SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET.']);
		return undefined;
	}
	if (missing.length) {
		throw new ConfigError([`Single sign-on needs SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET together; ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`]);
	}
	if (!env.ORIGIN) {
		if (use === 'command') return undefined;
		throw new ConfigError(['Single sign-on needs ORIGIN, the address people use (like https://belonging.example.org): the provider sends them back to ORIGIN/sign-in/sso/callback.']);
	}
	return {
		issuer: env.SSO_ISSUER!,
		clientId: env.SSO_CLIENT_ID!,
		clientSecret: env.SSO_CLIENT_SECRET!,
		name: env.SSO_NAME ?? 'your organisation’s account',
		redirectUri: `${env.ORIGIN}/sign-in/sso/callback`,
		signedOutUri: `${env.ORIGIN}/sign-in`
	};
}

/** Where the data lives, for messages: the SQLite file, or the PostgreSQL address without its password. */
export function describeDatabase(config: Pick<Config, 'databasePath' | 'databaseUrl'>): string {
	if (!config.databaseUrl) return config.databasePath;
	try {
		const url = new URL(config.databaseUrl);
		url.password = url.password ? '…' : '';
		return `PostgreSQL ${url.toString()}`;
	} catch {
		return 'PostgreSQL';
	}
}

/** The address links in background mail point to: ORIGIN, or the local server when it is unset. */
export function mailOrigin(config: Pick<Config, 'origin'>, env: Record<string, string | undefined> = process.env): string {
	return originOrLocal({ ORIGIN: config.origin, PORT: env.PORT });
}
