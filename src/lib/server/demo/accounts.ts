/**
 * The demo's accounts, one per role, and the password the sign-in page publishes for them.
 */
import type { DbOrTx } from '../db';
import type { Role, SignedInUser } from '../identity';
import { hashPassword, type ScryptCost } from '../accounts/passwords';
import { createUser, findUserByEmail, toSignedInUser } from '../accounts/users';

/**
 * Published on the sign-in page when DEMO is on, so anyone trying the demo can sign in as each
 * role. These accounts are only ever created by seedDemoData, which only runs on a demo database.
 */
export const DEMO_PASSWORD = 'belonging-demo-2026';

/**
 * The cost the demo's accounts store that password at: scrypt with N = 2^10, a few milliseconds
 * a check. A costly hash exists to slow down guessing a secret, and this password is printed on
 * the sign-in page, so the recommended cost (a few hundred milliseconds of a core for every
 * sign-in) would guard nothing and only make the demo slower to use. A password someone chooses
 * in the demo (an invitation, a reset, a change) is stored at the recommended cost, as anywhere.
 */
export const DEMO_PASSWORD_COST: ScryptCost = { logN: 10, r: 8, p: 1 };

export interface DemoAccount {
	email: string;
	displayName: string;
	role: Role;
	/** What the account can see, in words for the sign-in page. */
	sees: string;
	practiceCodes?: string[];
	pcnCodes?: string[];
	icbCodes?: string[];
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
	{
		email: 'admin@demo.belonging.example',
		displayName: 'Alex Morgan',
		role: 'admin',
		sees: 'organisations, users and the audit log; no survey results'
	},
	{
		email: 'icb.lead@demo.belonging.example',
		displayName: 'Dana Whitfield',
		role: 'icb_lead',
		sees: 'the five PCNs in the demo ICB, side by side; no practice’s own pages',
		icbCodes: ['QZZ']
	},
	{
		email: 'pcn.lead@demo.belonging.example',
		displayName: 'Priya Shah',
		role: 'pcn_lead',
		sees: 'all five practices in Riverside and Canal PCN',
		pcnCodes: ['U99001']
	},
	{
		email: 'practice.manager@demo.belonging.example',
		displayName: 'Jo Evans',
		role: 'practice_manager',
		sees: 'Riverside Surgery only',
		practiceCodes: ['X99001']
	},
	{
		email: 'link.worker@demo.belonging.example',
		displayName: 'Sam Okafor',
		role: 'link_worker',
		sees: 'Riverside Surgery and Hillview Medical Centre, the two practices Sam serves',
		practiceCodes: ['X99001', 'X99002']
	}
];

/** The demo's organisations by ODS code, for the accounts' scopes. */
export interface DemoIds {
	icbs: Map<string, number>;
	pcns: Map<string, number>;
	practices: Map<string, number>;
}

export async function seedDemoAccounts(db: DbOrTx, ids: DemoIds): Promise<void> {
	// One hash for every account: the password is public anyway, and start-up stays quick.
	const passwordHash = await hashPassword(DEMO_PASSWORD, DEMO_PASSWORD_COST);
	for (const account of DEMO_ACCOUNTS) {
		await createUser(db, {
			email: account.email,
			displayName: account.displayName,
			role: account.role,
			passwordHash,
			scope: {
				icbIds: (account.icbCodes ?? []).map((code) => ids.icbs.get(code)!),
				pcnIds: (account.pcnCodes ?? []).map((code) => ids.pcns.get(code)!),
				practiceIds: (account.practiceCodes ?? []).map((code) => ids.practices.get(code)!)
			}
		});
	}
}

/** Seeds the demo network into an empty database, as of `today` (a UK date). */

/** A demo account as the server functions see a signed-in person, so the demo acts as people do. */
export async function actAs(db: DbOrTx, email: string): Promise<SignedInUser> {
	const account = await findUserByEmail(db, email);
	if (!account) throw new Error(`The demo account ${email} must be seeded first`);
	return toSignedInUser(db, account);
}

/** Demo data that a rule refuses is a mistake in the demo data, not something to skip. */
export function accepted(outcome: { ok: boolean }, what: string): void {
	if (!outcome.ok) throw new Error(`Demo data: ${what} was refused: ${JSON.stringify(outcome)}`);
}
