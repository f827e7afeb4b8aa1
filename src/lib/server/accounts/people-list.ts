/**
 * Reading people: the list an administrator, ICB lead or PCN lead sees, one person's page, and
 * the roles, ICBs, PCNs and practices an actor may grant.
 */
import { sql } from 'kysely';
import { formatWhen } from '../../dates';
import { type DbOrTx } from '../db';
import type { UserAccount } from '../db/schema';
import type { Scope } from './users';
import { ROLE_NAMES, SCOPE_KIND, type Role, type SignedInUser } from '../identity';
import { type Manager, isAdmin, grantableRoles, canManagePerson, findTarget, visibleRoles } from './people-rules';
import { icbsInScope, pcnsInScope, practicesInScope, type IdQuery } from './scope';
import { containsPattern, readPage } from '../platform/paging';
import type { Page } from '../../views/paging';

export interface OrganisationName {
	id: number;
	odsCode: string;
	name: string;
}

export interface PracticeName extends OrganisationName {
	pcnId: number | null;
}

/** The organisations a scope names, by kind. */
export interface ScopeNames {
	icbs: readonly OrganisationName[];
	pcns: readonly OrganisationName[];
	practices: readonly OrganisationName[];
}

export async function organisationNames(
	db: DbOrTx,
	scope: Scope
): Promise<{ icbs: OrganisationName[]; pcns: OrganisationName[]; practices: PracticeName[] }> {
	const [icbs, pcns, practices] = await Promise.all([
		scope.icbIds.length
			? db.selectFrom('icb').select(['id', 'ods_code', 'name']).where('id', 'in', scope.icbIds).orderBy('name').execute()
			: [],
		scope.pcnIds.length
			? db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', 'in', scope.pcnIds).orderBy('name').execute()
			: [],
		scope.practiceIds.length
			? db
					.selectFrom('practice')
					.select(['id', 'ods_code', 'name', 'pcn_id'])
					.where('id', 'in', scope.practiceIds)
					.orderBy('name')
					.execute()
			: []
	]);
	return {
		icbs: icbs.map((i) => ({ id: i.id, odsCode: i.ods_code, name: i.name })),
		pcns: pcns.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name })),
		practices: practices.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, pcnId: p.pcn_id }))
	};
}

export type PersonStatus = 'active' | 'invited' | 'invitation_expired' | 'switched_off';

export const STATUS_NAMES: Record<PersonStatus, string> = {
	active: 'Active',
	invited: 'Invitation pending',
	invitation_expired: 'Invitation expired',
	switched_off: 'Switched off'
};

/** A person as a particular viewer may see them: scope outside a lead's own PCNs is only counted. */
export interface Person {
	id: number;
	email: string;
	displayName: string;
	role: Role;
	roleName: string;
	status: PersonStatus;
	statusName: string;
	/** When the pending invitation stops working, in words; null unless an invitation is pending. */
	invitationExpires: string | null;
	/** An ICB lead's ICBs; only administrators see ICB leads. */
	icbs: OrganisationName[];
	pcns: OrganisationName[];
	practices: PracticeName[];
	/** ICBs, PCNs or practices in the person's scope that the viewer does not see. */
	elsewhere: number;
	/** Whether the viewer may act on the whole account (send its invitation again). */
	manageable: boolean;
	scopeInWords: string;
	createdOn: string;
	passwordChangedOn: string | null;
	switchedOffOn: string | null;
	/** How they sign in: with a password, through the identity provider (linked at their first single sign-on), or only through it. */
	hasPassword: boolean;
	ssoLinked: boolean;
	ssoRequired: boolean;
}

export function listInWords(names: readonly string[]): string {
	if (names.length <= 1) return names[0] ?? '';
	return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** ICBs, PCNs or practices a person's scope names in the list and on their page; a national scope is counted beyond. */
export const SCOPE_NAMED = 10;

const NOUNS = { icb: 'ICB', pcn: 'PCN', practice: 'practice' } as const;

export function scopeInWords(role: Role, names: ScopeNames, elsewhere = 0, named = Infinity): string {
	const kind = SCOPE_KIND[role];
	if (kind === 'none') return 'All organisations and accounts';
	const all = (kind === 'icb' ? names.icbs : kind === 'pcn' ? names.pcns : names.practices).map((o) => o.name);
	const shown = all.slice(0, named);
	const more = all.length - shown.length;
	const noun = NOUNS[kind];
	const nouns = (n: number) => (n === 1 ? noun : `${noun}s`);
	const other = [
		...(more === 0 ? [] : [`${more.toLocaleString('en-GB')} more ${nouns(more)}`]),
		...(elsewhere === 0 ? [] : [kind === 'practice' ? `${elsewhere} ${nouns(elsewhere)} in other PCNs` : `${elsewhere} other ${nouns(elsewhere)}`])
	];
	if (shown.length + other.length === 0) return `No ${noun}s`;
	return listInWords([...shown, ...other]);
}

const ukDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' });
const dayOf = (iso: string | null) => (iso ? ukDay.format(new Date(iso)) : null);

/**
 * Status, names and scope for a batch of accounts, trimmed to what the viewer may see; `ids` is
 * the query that chose them, so the scope rows are read by it rather than by a list of ids.
 */
export async function describePeople(
	db: DbOrTx,
	accounts: readonly UserAccount[],
	ids: IdQuery,
	viewer: SignedInUser | null,
	now: Date
): Promise<Person[]> {
	if (accounts.length === 0) return [];
	const [icbRows, pcnRows, practiceRows, invitations] = await Promise.all([
		db
			.selectFrom('user_icb')
			.innerJoin('icb', 'icb.id', 'user_icb.icb_id')
			.select(['user_icb.user_id', 'icb.id', 'icb.ods_code', 'icb.name'])
			.where('user_icb.user_id', 'in', ids)
			.orderBy('icb.name')
			.execute(),
		db
			.selectFrom('user_pcn')
			.innerJoin('pcn', 'pcn.id', 'user_pcn.pcn_id')
			.select(['user_pcn.user_id', 'pcn.id', 'pcn.ods_code', 'pcn.name'])
			.where('user_pcn.user_id', 'in', ids)
			.orderBy('pcn.name')
			.execute(),
		db
			.selectFrom('user_practice')
			.innerJoin('practice', 'practice.id', 'user_practice.practice_id')
			.select(['user_practice.user_id', 'practice.id', 'practice.ods_code', 'practice.name', 'practice.pcn_id'])
			.where('user_practice.user_id', 'in', ids)
			.orderBy('practice.name')
			.execute(),
		db
			.selectFrom('account_link')
			.select(['user_id', (eb) => eb.fn.max('expires_at').as('expires_at')])
			.where('user_id', 'in', ids)
			.where('purpose', '=', 'invitation')
			.where('used_at', 'is', null)
			.groupBy('user_id')
			.execute()
	]);
	const seesAll = !viewer || viewer.role === 'admin';
	return accounts.map((account) => {
		const allIcbs = icbRows.filter((r) => r.user_id === account.id);
		const allPcns = pcnRows.filter((r) => r.user_id === account.id);
		const allPractices = practiceRows.filter((r) => r.user_id === account.id);
		const icbs = allIcbs.filter((r) => seesAll || viewer.icbIds.includes(r.id)).map((r) => ({ id: r.id, odsCode: r.ods_code, name: r.name }));
		const pcns = allPcns
			.filter((r) => seesAll || viewer.pcnIds.includes(r.id))
			.map((r) => ({ id: r.id, odsCode: r.ods_code, name: r.name }));
		const practices = allPractices
			.filter((r) => seesAll || viewer.practiceIds.includes(r.id))
			.map((r) => ({ id: r.id, odsCode: r.ods_code, name: r.name, pcnId: r.pcn_id }));
		const elsewhere = allIcbs.length - icbs.length + (allPcns.length - pcns.length) + (allPractices.length - practices.length);
		const invitationEnds = invitations.find((i) => i.user_id === account.id)?.expires_at;
		let status: PersonStatus = 'active';
		if (account.disabled_at) status = 'switched_off';
		else if (!account.accepted_at) status = invitationEnds && new Date(invitationEnds) > now ? 'invited' : 'invitation_expired';
		return {
			id: account.id,
			email: account.email,
			displayName: account.display_name,
			role: account.role,
			roleName: ROLE_NAMES[account.role],
			status,
			statusName: STATUS_NAMES[status],
			invitationExpires: status === 'invited' && invitationEnds ? formatWhen(new Date(invitationEnds)) : null,
			icbs,
			pcns,
			practices,
			elsewhere,
			manageable:
				seesAll ||
				canManagePerson(viewer, account.role, {
					icbIds: allIcbs.map((r) => r.id),
					pcnIds: allPcns.map((r) => r.id),
					practiceIds: allPractices.map((r) => r.id)
				}),
			scopeInWords: scopeInWords(account.role, { icbs, pcns, practices }, elsewhere, SCOPE_NAMED),
			createdOn: dayOf(account.created_at)!,
			passwordChangedOn: dayOf(account.password_changed_at),
			switchedOffOn: dayOf(account.disabled_at),
			hasPassword: account.password_hash !== null,
			ssoLinked: account.sso_subject !== null,
			ssoRequired: account.sso_required_at !== null
		};
	});
}

/** People on a page of the list. */
export const PEOPLE_PAGE_SIZE = 50;

export interface PeopleFilter {
	/** Words in the name or email address (any case); '' for everyone. */
	search?: string;
	role?: Role | null;
	page?: number;
}

/**
 * A page of the people the viewer may see (canSeePerson, as SQL), by name, filtered and counted
 * in the database: administrators see everyone; a PCN lead sees the people whose scope touches
 * their PCNs, never administrators or ICB leads; an ICB lead sees only the PCN leads of PCNs in
 * their ICBs.
 */
export async function listPeopleFor(db: DbOrTx, viewer: SignedInUser, now: Date = new Date(), filter: PeopleFilter = {}): Promise<Page<Person>> {
	const roles = visibleRoles(viewer);
	if (roles.length === 0) return readPage(0, 1, PEOPLE_PAGE_SIZE, async () => []);
	// An erased account stays only as what records point at: it is nobody to list.
	let seen = db.selectFrom('user_account').where('erased_at', 'is', null);
	if (viewer.role !== 'admin') {
		const inPcns = db.selectFrom('user_pcn').select('user_id').where('pcn_id', 'in', pcnsInScope(db, viewer));
		const inPractices = db.selectFrom('user_practice').select('user_id').where('practice_id', 'in', practicesInScope(db, viewer));
		seen = seen
			.where('role', 'in', [...roles])
			.where((eb) => (viewer.role === 'icb_lead' ? eb('id', 'in', inPcns) : eb.or([eb('id', 'in', inPcns), eb('id', 'in', inPractices)])));
	}
	if (filter.search) {
		const pattern = containsPattern(filter.search);
		seen = seen.where((eb) =>
			eb.or([
				eb(sql`lower(display_name)`, 'like', sql`${pattern} escape '\\'`),
				eb(sql`lower(email)`, 'like', sql`${pattern} escape '\\'`)
			])
		);
	}
	if (filter.role) seen = seen.where('role', '=', filter.role);
	const total = Number((await seen.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	return readPage(total, filter.page ?? 1, PEOPLE_PAGE_SIZE, async (limit, offset) => {
		const accounts = await seen.selectAll().orderBy(sql`lower(display_name)`).orderBy('email').orderBy('id').limit(limit).offset(offset).execute();
		// At most a page of ids.
		const onPage = db.selectFrom('user_account').select('user_account.id as id').where('id', 'in', accounts.length ? accounts.map((a) => a.id) : [0]);
		return describePeople(db, accounts, onPage, viewer, now);
	});
}

/** One person, or undefined when they do not exist or the viewer may not see them (both become a 404). */
export async function getPersonFor(db: DbOrTx, viewer: SignedInUser, userId: number, now: Date = new Date()): Promise<Person | undefined> {
	const target = await findTarget(db, viewer, userId);
	if (!target) return undefined;
	const one = db.selectFrom('user_account').select('user_account.id as id').where('user_account.id', '=', userId);
	return (await describePeople(db, [target.account], one, viewer, now))[0];
}

export interface PracticeGroup {
	/** Null for practices that are not in any PCN. */
	pcn: OrganisationName | null;
	practices: PracticeName[];
}

export interface GrantableChoices {
	roles: { value: Role; label: string }[];
	/** Empty when there are more than SCOPE_CHECKBOXES (they are typed as ODS codes), or when no role offered uses them. */
	icbs: OrganisationName[];
	pcns: OrganisationName[];
	practiceGroups: PracticeGroup[];
	icbsByCode: boolean;
	pcnsByCode: boolean;
	practicesByCode: boolean;
}

/** Most ICBs, PCNs or practices a form offers as checkboxes; beyond, they are typed as ODS codes. */
export const SCOPE_CHECKBOXES = 50;

/**
 * The roles, ICBs, PCNs and practices an actor may give someone: the options an invitation form
 * offers. Only the kinds of organisation the offered roles use are read: an ICB lead, who gives
 * only PCNs, is offered no practices and no ICBs.
 */
export async function listGrantableChoices(db: DbOrTx, actor: Manager): Promise<GrantableChoices> {
	const granted = grantableRoles(actor);
	const roles = granted.map((value) => ({ value, label: ROLE_NAMES[value] }));
	const uses = (kind: 'icb' | 'pcn' | 'practice') => granted.some((role) => SCOPE_KIND[role] === kind);
	let icbQuery = db.selectFrom('icb').select(['id', 'ods_code', 'name']).orderBy('name');
	let pcnQuery = db.selectFrom('pcn').select(['id', 'ods_code', 'name']).orderBy('name');
	let practiceQuery = db.selectFrom('practice').select(['id', 'ods_code', 'name', 'pcn_id']).orderBy('name');
	if (!isAdmin(actor)) {
		const lead = actor as SignedInUser;
		icbQuery = icbQuery.where('id', 'in', icbsInScope(db, lead));
		pcnQuery = pcnQuery.where('id', 'in', pcnsInScope(db, lead));
		practiceQuery = practiceQuery.where('pcn_id', 'in', pcnsInScope(db, lead));
	}
	// One more than the limit tells whether there are more than the limit, without counting a nation.
	const [icbRows, pcnRows, practiceRows] = await Promise.all([
		uses('icb') ? icbQuery.limit(SCOPE_CHECKBOXES + 1).execute() : [],
		uses('pcn') || uses('practice') ? pcnQuery.limit(SCOPE_CHECKBOXES + 1).execute() : [],
		uses('practice') ? practiceQuery.limit(SCOPE_CHECKBOXES + 1).execute() : []
	]);
	const icbsByCode = icbRows.length > SCOPE_CHECKBOXES;
	const pcnsByCode = pcnRows.length > SCOPE_CHECKBOXES;
	// Practices are grouped under their PCNs: with the PCNs typed, so are the practices.
	const practicesByCode = uses('practice') && (pcnsByCode || practiceRows.length > SCOPE_CHECKBOXES);
	if (icbsByCode) icbRows.length = 0;
	if (pcnsByCode) pcnRows.length = 0;
	if (practicesByCode) practiceRows.length = 0;
	const icbs = icbRows.map((i) => ({ id: i.id, odsCode: i.ods_code, name: i.name }));
	const pcns = pcnRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name }));
	const practices = practiceRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, pcnId: p.pcn_id }));
	const practiceGroups: PracticeGroup[] = pcns
		.map((pcn) => ({ pcn, practices: practices.filter((p) => p.pcnId === pcn.id) }))
		.filter((group) => group.practices.length > 0);
	const unattached = practices.filter((p) => p.pcnId === null || !pcns.some((pcn) => pcn.id === p.pcnId));
	if (unattached.length) practiceGroups.push({ pcn: null, practices: unattached });
	return { roles, icbs, pcns: uses('pcn') ? pcns : [], practiceGroups, icbsByCode, pcnsByCode: uses('pcn') && pcnsByCode, practicesByCode };
}

/** ICBs, PCNs and practices an account page names: a national scope is counted, not listed. */
export const ACCESS_LISTED = 50;

export interface Access {
	/** The first ACCESS_LISTED by name, and how many there are in all. */
	icbs: OrganisationName[];
	icbCount: number;
	pcns: OrganisationName[];
	pcnCount: number;
	practices: PracticeName[];
	practiceCount: number;
}

/** What a signed-in user can see, for their account page. */
export async function describeAccess(db: DbOrTx, user: SignedInUser): Promise<Access> {
	const icbs = db.selectFrom('icb').where('id', 'in', icbsInScope(db, user));
	const pcns = db.selectFrom('pcn').where('id', 'in', pcnsInScope(db, user));
	const practices = db.selectFrom('practice').where('id', 'in', practicesInScope(db, user));
	const count = async (query: Promise<{ n: number | string | bigint }>) => Number((await query).n);
	const oversees = user.role === 'icb_lead';
	const [icbRows, icbCount, pcnRows, pcnCount, practiceRows, practiceCount] = await Promise.all([
		oversees ? icbs.select(['id', 'ods_code', 'name']).orderBy('name').orderBy('id').limit(ACCESS_LISTED).execute() : [],
		oversees ? count(icbs.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()) : 0,
		pcns.select(['id', 'ods_code', 'name']).orderBy('name').orderBy('id').limit(ACCESS_LISTED).execute(),
		count(pcns.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()),
		practices.select(['id', 'ods_code', 'name', 'pcn_id']).orderBy('name').orderBy('id').limit(ACCESS_LISTED).execute(),
		count(practices.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow())
	]);
	return {
		icbs: icbRows.map((i) => ({ id: i.id, odsCode: i.ods_code, name: i.name })),
		icbCount,
		pcns: pcnRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name })),
		pcnCount,
		practices: practiceRows.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name, pcnId: p.pcn_id })),
		practiceCount
	};
}
