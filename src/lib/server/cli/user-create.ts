/**
 * `npm run user:create -- --email you@example.nhs.uk --name "Your Name" --role admin
 *  [--icb QE1 ...] [--pcn U12345 ...] [--practice A81001 ...]`
 *
 * Creates an account with its scope and prints a single-use invitation link where the person
 * chooses their own password, so no password ever appears on a command line or in shell history.
 * This is how the first administrator is made.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ICB_ODS_PATTERN, normaliseOdsCode, PCN_ODS_PATTERN, PRACTICE_ODS_PATTERN } from '../../ods';
import { ConfigError, loadConfig } from '../platform/config';
import { originOrLocal } from '../platform/origin';
import { openDatabase, type DbOrTx } from '../db';
import { migrateToLatest } from '../db/migrations';
import { inviteUser } from '../accounts/invitations';
import { roleSchema } from '../accounts/users';
import { ROLES, ROLE_NAMES, SCOPE_KIND, type Role } from '../identity';
import { CONTENTS_KEY } from '../app';
import { formatWhen } from '../../dates';

export const USAGE = [
	'Usage: npm run user:create -- --email <address> --name "<full name>" --role <role> [--icb <ODS code> ...] [--pcn <ODS code> ...] [--practice <ODS code> ...]',
	`  --role is one of: ${ROLES.join(', ')}`,
	'  icb_lead needs one or more --icb codes (like QE1);',
	'  pcn_lead needs one or more --pcn codes (like U12345);',
	'  practice_manager and link_worker need one or more --practice codes (like A81001);',
	'  admin takes none of them.',
	'It prints a single-use link where the person chooses their password.'
];

export type CommandResult = { ok: true; lines: string[] } | { ok: false; problems: string[] };

export interface CommandOptions {
	/** Where the printed link points: ORIGIN, or the local server. */
	origin: string;
	/** DEMO is switched on in the environment. */
	demo?: boolean;
	now?: Date;
}

const CODE_KINDS = {
	icb: { label: 'ICB', pattern: ICB_ODS_PATTERN, shape: 'three letters or digits, like QE1' },
	pcn: { label: 'PCN', pattern: PCN_ODS_PATTERN, shape: 'U and five digits, like U12345' },
	practice: { label: 'practice', pattern: PRACTICE_ODS_PATTERN, shape: 'a letter and five digits, like A81001' }
} as const;

/** Looks up ODS codes, naming every one that is malformed or not in the database. */
async function resolveCodes(
	db: DbOrTx,
	table: 'icb' | 'pcn' | 'practice',
	codes: readonly string[],
	problems: string[]
): Promise<number[]> {
	const { label, pattern, shape } = CODE_KINDS[table];
	const normalised = [...new Set(codes.map(normaliseOdsCode))];
	const malformed = normalised.filter((code) => !pattern.test(code));
	for (const code of malformed) {
		problems.push(`“${code}” is not ${table === 'icb' ? 'an' : 'a'} ${label} ODS code: ${shape}.`);
	}
	const wellFormed = normalised.filter((code) => pattern.test(code));
	if (wellFormed.length === 0) return [];
	const rows = await db.selectFrom(table).select(['id', 'ods_code']).where('ods_code', 'in', wellFormed).execute();
	for (const code of wellFormed) {
		if (!rows.some((row) => row.ods_code === code)) {
			problems.push(`No ${label} with ODS code ${code} is in this database. Check the code, or add the ${label} first.`);
		}
	}
	return rows.map((row) => row.id);
}

interface CodeFlags {
	icb: readonly string[];
	pcn: readonly string[];
	practice: readonly string[];
}

/** The flags a role must leave out, in words. */
const NOT_FOR = { icb: 'no --pcn or --practice', pcn: 'no --icb or --practice', practice: 'no --icb or --pcn' } as const;

function scopeFlagProblem(role: Role, flags: CodeFlags): string | undefined {
	const kind = SCOPE_KIND[role];
	const others = (Object.keys(flags) as (keyof CodeFlags)[]).some((k) => k !== kind && flags[k].length > 0);
	if (kind === 'none') return others ? 'An administrator manages the whole system: leave out --icb, --pcn and --practice.' : undefined;
	if (flags[kind].length && !others) return undefined;
	if (kind === 'icb') return `An ICB lead needs one or more --icb codes and ${NOT_FOR.icb}.`;
	if (kind === 'pcn') return `A PCN lead needs one or more --pcn codes and ${NOT_FOR.pcn}.`;
	return `A ${ROLE_NAMES[role].toLowerCase()} needs one or more --practice codes and ${NOT_FOR.practice}.`;
}

/** Everything the command does except opening the database and printing, so tests can call it. */
export async function createUserFromCommandLine(db: DbOrTx, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
	let parsed;
	try {
		parsed = parseArgs({
			args: [...args],
			options: {
				email: { type: 'string' },
				name: { type: 'string' },
				role: { type: 'string' },
				icb: { type: 'string', multiple: true },
				pcn: { type: 'string', multiple: true },
				practice: { type: 'string', multiple: true },
				help: { type: 'boolean' }
			},
			strict: true,
			allowPositionals: false
		}).values;
	} catch (error) {
		return { ok: false, problems: [(error as Error).message, ...USAGE] };
	}
	if (parsed.help) return { ok: true, lines: USAGE };

	const problems: string[] = [];
	if (!parsed.email?.trim()) problems.push('Give the person’s email address with --email.');
	if (!parsed.name?.trim()) problems.push('Give the person’s full name with --name "First Last".');
	const role = roleSchema.safeParse(parsed.role);
	if (!parsed.role) problems.push(`Give a role with --role: one of ${ROLES.join(', ')}.`);
	else if (!role.success) problems.push(`“${parsed.role}” is not a role. Use one of: ${ROLES.join(', ')}.`);
	const codes: CodeFlags = { icb: parsed.icb ?? [], pcn: parsed.pcn ?? [], practice: parsed.practice ?? [] };
	if (role.success) {
		const problem = scopeFlagProblem(role.data, codes);
		if (problem) problems.push(problem);
	}
	if (problems.length) return { ok: false, problems: [...problems, '', ...USAGE] };

	const contents = await db.selectFrom('app_meta').select('value').where('key', '=', CONTENTS_KEY).executeTakeFirst();
	if (options.demo || contents?.value === 'demo') {
		return {
			ok: false,
			problems: [
				'This is a demo database (or DEMO is switched on). Accounts for real people belong in a real database:',
				'set DATABASE_PATH to it and leave DEMO unset.'
			]
		};
	}

	const icbIds = await resolveCodes(db, 'icb', codes.icb, problems);
	const pcnIds = await resolveCodes(db, 'pcn', codes.pcn, problems);
	const practiceIds = await resolveCodes(db, 'practice', codes.practice, problems);
	if (problems.length) return { ok: false, problems };

	const outcome = await inviteUser(
		db,
		{ system: 'command line' },
		{ email: parsed.email!, displayName: parsed.name!, role: role.data!, scope: { icbIds, pcnIds, practiceIds } },
		{ origin: options.origin, mail: false, now: options.now }
	);
	if (!outcome.ok) return { ok: false, problems: outcome.problems.map((p) => p.message) };

	// An account for a real person makes this a real database, so the demo can never be seeded into it.
	await db
		.insertInto('app_meta')
		.values({ key: CONTENTS_KEY, value: 'real' })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();

	const { user, link } = outcome;
	return {
		ok: true,
		lines: [
			`Created an account for ${user.display_name} <${user.email}> as ${ROLE_NAMES[user.role]}.`,
			`Send them this link to choose their password. It works once, until ${formatWhen(link.expiresAt)}:`,
			'',
			`  ${link.url}`,
			'',
			'Anyone with the link can set the password, so send it only to them.'
		]
	};
}

async function main(): Promise<number> {
	const config = loadConfig(process.env, 'command');
	const origin = originOrLocal({ ORIGIN: config.origin, PORT: process.env.PORT });
	const db = openDatabase(config);
	try {
		await migrateToLatest(db);
		const result = await createUserFromCommandLine(db, process.argv.slice(2), { origin, demo: config.demo });
		if (!result.ok) {
			for (const line of result.problems) console.error(line);
			return 1;
		}
		for (const line of result.lines) console.log(line);
		return 0;
	} finally {
		await db.destroy();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof ConfigError ? error.message : `Could not create the account: ${(error as Error).message}`);
			process.exit(1);
		}
	);
}
