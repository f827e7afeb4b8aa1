/**
 * Server configuration from the environment, validated once at start-up.
 * The only place MIN_RESPONSES and friends are read; everything else receives a `Config`.
 */
import { z } from 'zod';

export const DEFAULT_DATABASE_PATH = './data/belonging.db';
/** SCORING.md §6: never show a group smaller than this, whatever the configuration says. */
export const MIN_RESPONSES_FLOOR = 3;

const flag = z
	.string()
	.trim()
	.toLowerCase()
	.refine((v) => ['', '0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), {
		error: 'must be 1 or 0 (true/false, yes/no, on/off also work)'
	})
	.transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
	DATABASE_PATH: z.string().trim().min(1, 'must not be empty').default(DEFAULT_DATABASE_PATH),
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
	MIN_RESPONSES: z
		.string()
		.trim()
		.regex(/^\d+$/, 'must be a whole number')
		.transform(Number)
		.refine((n) => n >= MIN_RESPONSES_FLOOR, {
			error: `must be at least ${MIN_RESPONSES_FLOOR}: smaller groups could identify people`
		})
		.default(5),
	DEMO: flag.default(false)
});

export interface Config {
	databasePath: string;
	minResponses: number;
	demo: boolean;
	/** The address people use, for links shown to copy (invitations, resets); unset in development. */
	origin: string | undefined;
	/** Session cookies carry `Secure` whenever the site is served over https. */
	secureCookies: boolean;
}

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Belonging cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

/** Reads and checks the environment; empty variables count as unset. */
export function loadConfig(env: Record<string, string | undefined>): Config {
	const present = Object.fromEntries(
		Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== '')
	);
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => {
				const name = String(issue.path[0]);
				return `${name}=${JSON.stringify(present[name] ?? '')} ${issue.message}`;
			})
		);
	}
	const { DATABASE_PATH, MIN_RESPONSES, DEMO, ORIGIN } = parsed.data;
	return {
		databasePath: DATABASE_PATH,
		minResponses: MIN_RESPONSES,
		demo: DEMO,
		origin: ORIGIN,
		secureCookies: ORIGIN?.startsWith('https://') ?? false
	};
}
