/**
 * The instrument library (issue 29): which instrument versions a person may see, which a practice
 * may use for a new round, and who may offer a version to whom. Imported instruments belong to
 * the whole service (its administrators) or to one ICB; built-in ones to the service, offered to
 * every practice. Offering a version decides only what new rounds may choose: a round keeps the
 * version it was made with, and every stored version stays readable to those whose rounds use it.
 */
import { sql } from 'kysely';
import type { Audience, Instrument } from '../../npt/instrument';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { DEFAULT_STAFF_INSTRUMENT } from '../../npt/builtin';
import { getInstrumentVersion, versionIdOf } from './instruments';

export type Owner = { kind: 'service' } | { kind: 'icb'; icbId: number; name: string };
export type OfferedTo = { kind: 'everywhere' } | { kind: 'icbs'; icbs: { id: number; name: string }[] };

export interface LibraryVersion {
	versionId: number;
	version: string;
	source: 'built_in' | 'imported';
	createdAt: string;
	importedBy: string | null;
	offeredTo: OfferedTo;
	/** Rounds using this version among the practices the viewer may see (all for an administrator). */
	roundsUsing: number;
}

export interface LibraryInstrument {
	instrumentId: number;
	key: string;
	audience: Audience;
	title: string;
	owner: Owner;
	/** Newest first. */
	versions: LibraryVersion[];
}

/** Whether the user looks after instruments owned by `ownerIcbId` (null: the whole service). */
export function managesOwner(user: SignedInUser, ownerIcbId: number | null): boolean {
	if (user.role === 'admin') return true;
	return user.role === 'icb_lead' && ownerIcbId !== null && user.icbIds.includes(ownerIcbId);
}

/** The ICBs the user's practices are in (for practice-scoped roles), or the ICBs an ICB lead leads. */
async function icbsOfViewer(db: DbOrTx, user: SignedInUser): Promise<number[]> {
	if (user.role === 'icb_lead') return user.icbIds;
	if (user.practiceIds.length === 0) return [];
	const rows = await db
		.selectFrom('practice')
		.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.select('pcn.icb_id')
		.distinct()
		.where('practice.id', 'in', user.practiceIds)
		.execute();
	return rows.map((r) => r.icb_id);
}

/** The ids of the version rows a user may read, as a subquery-free list (null: every version). */
async function readableVersionIds(db: DbOrTx, user: SignedInUser): Promise<Set<number> | null> {
	if (user.role === 'admin') return null;
	const icbIds = await icbsOfViewer(db, user);
	const none = [-1];
	const offered = await db
		.selectFrom('instrument_version as v')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.select('v.id')
		.where((eb) => {
			const ors = [
				eb('v.offered_to', '=', 'everywhere'),
				eb(
					'v.id',
					'in',
					eb.selectFrom('instrument_version_icb').select('instrument_version_id').where('icb_id', 'in', icbIds.length ? icbIds : none)
				)
			];
			if (user.role === 'icb_lead') {
				ors.push(eb('i.owner_icb_id', 'is', null), eb('i.owner_icb_id', 'in', icbIds.length ? icbIds : none));
			} else if (user.practiceIds.length) {
				ors.push(eb('v.id', 'in', eb.selectFrom('round').select('instrument_version_id').where('practice_id', 'in', user.practiceIds)));
			}
			return eb.or(ors);
		})
		.execute();
	const ids = new Set(offered.map((r) => r.id));
	// A link-worker version is readable with the staff version it pairs with.
	const linkWorker = await db
		.selectFrom('instrument_version as v')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.select(['v.id', 'v.definition'])
		.where('i.audience', '=', 'link_worker')
		.execute();
	if (linkWorker.length) {
		const staff = await db
			.selectFrom('instrument_version as v')
			.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
			.select(['v.id', 'i.key', 'v.version'])
			.where('i.audience', '=', 'staff')
			.execute();
		const readableStaff = new Set(staff.filter((s) => ids.has(s.id)).map((s) => `${s.key}@${s.version}`));
		for (const row of linkWorker) {
			const paired = (JSON.parse(row.definition) as Instrument).pairedWith;
			if (paired && readableStaff.has(`${paired.id}@${paired.version}`)) ids.add(row.id);
		}
	}
	return ids;
}

/** Whether the user may read this stored version (its page, diff and export). */
export async function canReadInstrumentVersion(db: DbOrTx, user: SignedInUser, versionId: number): Promise<boolean> {
	const readable = await readableVersionIds(db, user);
	if (readable) return readable.has(versionId);
	return (await db.selectFrom('instrument_version').select('id').where('id', '=', versionId).executeTakeFirst()) !== undefined;
}

/** Practices whose rounds the viewer may count (null: all). */
async function practicesOfViewer(db: DbOrTx, user: SignedInUser): Promise<number[] | null> {
	if (user.role === 'admin') return null;
	if (user.role === 'icb_lead') {
		if (user.pcnIds.length === 0) return [];
		const rows = await db.selectFrom('practice').select('id').where('pcn_id', 'in', user.pcnIds).execute();
		return rows.map((r) => r.id);
	}
	return user.practiceIds;
}

async function roundCounts(db: DbOrTx, user: SignedInUser, versionIds: number[]): Promise<Map<number, number>> {
	const practices = await practicesOfViewer(db, user);
	if (versionIds.length === 0 || (practices && practices.length === 0)) return new Map();
	let query = db
		.selectFrom('round')
		.select(['instrument_version_id', sql<number>`count(*)`.as('n')])
		.where('instrument_version_id', 'in', versionIds)
		.groupBy('instrument_version_id');
	if (practices) query = query.where('practice_id', 'in', practices);
	const rows = await query.execute();
	return new Map(rows.map((r) => [r.instrument_version_id, Number(r.n)]));
}

/** The instruments and versions the user may see, with owner, availability and rounds using each. */
export async function listInstrumentLibrary(db: DbOrTx, user: SignedInUser): Promise<LibraryInstrument[]> {
	const readable = await readableVersionIds(db, user);
	if (readable && readable.size === 0) return [];
	let query = db
		.selectFrom('instrument_version as v')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.leftJoin('icb', 'icb.id', 'i.owner_icb_id')
		.leftJoin('user_account as u', 'u.id', 'v.imported_by_user_id')
		.select([
			'v.id',
			'v.version',
			'v.source',
			'v.created_at',
			'v.offered_to',
			'i.id as instrument_id',
			'i.key',
			'i.audience',
			'i.title',
			'i.owner_icb_id',
			'icb.name as owner_name',
			'u.display_name as imported_by'
		]);
	if (readable) query = query.where('v.id', 'in', [...readable]);
	const rows = await query.orderBy('i.audience', 'desc').orderBy('i.title').orderBy('v.id', 'desc').execute();
	const ids = rows.map((r) => r.id);
	const [offers, counts] = await Promise.all([offersOf(db, ids), roundCounts(db, user, ids)]);
	const byInstrument = new Map<number, LibraryInstrument>();
	for (const row of rows) {
		let entry = byInstrument.get(row.instrument_id);
		if (!entry) {
			entry = {
				instrumentId: row.instrument_id,
				key: row.key,
				audience: row.audience,
				title: row.title,
				owner: ownerOf(row.owner_icb_id, row.owner_name),
				versions: []
			};
			byInstrument.set(row.instrument_id, entry);
		}
		entry.versions.push({
			versionId: row.id,
			version: row.version,
			source: row.source,
			createdAt: row.created_at,
			importedBy: row.imported_by,
			offeredTo: row.offered_to === 'everywhere' ? { kind: 'everywhere' } : { kind: 'icbs', icbs: offers.get(row.id) ?? [] },
			roundsUsing: counts.get(row.id) ?? 0
		});
	}
	return [...byInstrument.values()];
}

function ownerOf(ownerIcbId: number | null, name: string | null): Owner {
	return ownerIcbId === null ? { kind: 'service' } : { kind: 'icb', icbId: ownerIcbId, name: name ?? `ICB ${ownerIcbId}` };
}

async function offersOf(db: DbOrTx, versionIds: number[]): Promise<Map<number, { id: number; name: string }[]>> {
	const map = new Map<number, { id: number; name: string }[]>();
	if (versionIds.length === 0) return map;
	const rows = await db
		.selectFrom('instrument_version_icb as o')
		.innerJoin('icb', 'icb.id', 'o.icb_id')
		.select(['o.instrument_version_id', 'icb.id', 'icb.name'])
		.where('o.instrument_version_id', 'in', versionIds)
		.orderBy('icb.name')
		.execute();
	for (const row of rows) {
		const list = map.get(row.instrument_version_id) ?? [];
		list.push({ id: row.id, name: row.name });
		map.set(row.instrument_version_id, list);
	}
	return map;
}

export interface PracticeVersionChoice {
	versionId: number;
	title: string;
	version: string;
	source: 'built_in' | 'imported';
	importedBy: string | null;
}

/** What a new round at this practice may use: built-in versions first, then imports, newest first. */
export async function instrumentVersionsForPractice(
	db: DbOrTx,
	practiceId: number,
	audience: Audience = 'staff'
): Promise<PracticeVersionChoice[]> {
	const rows = await db
		.selectFrom('instrument_version as v')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.leftJoin('user_account as u', 'u.id', 'v.imported_by_user_id')
		.select(['v.id', 'i.title', 'v.version', 'v.source', 'u.display_name as imported_by'])
		.where('i.audience', '=', audience)
		.where((eb) =>
			eb.or([
				eb('v.offered_to', '=', 'everywhere'),
				eb(
					'v.id',
					'in',
					eb
						.selectFrom('instrument_version_icb as o')
						.innerJoin('pcn', 'pcn.icb_id', 'o.icb_id')
						.innerJoin('practice', 'practice.pcn_id', 'pcn.id')
						.select('o.instrument_version_id')
						.where('practice.id', '=', practiceId)
				)
			])
		)
		.orderBy(sql`case when v.source = 'built_in' then 0 else 1 end`)
		.orderBy('v.id', 'desc')
		.execute();
	return rows.map((r) => ({ versionId: r.id, title: r.title, version: r.version, source: r.source, importedBy: r.imported_by }));
}

/** Whether a new round at this practice may use this version (a staff version offered there). */
export async function isOfferedToPractice(db: DbOrTx, versionId: number, practiceId: number): Promise<boolean> {
	const choices = await instrumentVersionsForPractice(db, practiceId, 'staff');
	return choices.some((c) => c.versionId === versionId);
}

export interface VersionRecord {
	versionId: number;
	instrumentId: number;
	source: 'built_in' | 'imported';
	createdAt: string;
	importedBy: string | null;
	owner: Owner;
	offeredTo: OfferedTo;
	instrument: Instrument;
}

/** One stored version with its owner and availability, or undefined when there is none. */
export async function getVersionRecord(db: DbOrTx, versionId: number): Promise<VersionRecord | undefined> {
	const row = await db
		.selectFrom('instrument_version as v')
		.innerJoin('instrument as i', 'i.id', 'v.instrument_id')
		.leftJoin('icb', 'icb.id', 'i.owner_icb_id')
		.leftJoin('user_account as u', 'u.id', 'v.imported_by_user_id')
		.select(['v.id', 'v.instrument_id', 'v.source', 'v.created_at', 'v.offered_to', 'i.owner_icb_id', 'icb.name as owner_name', 'u.display_name as imported_by'])
		.where('v.id', '=', versionId)
		.executeTakeFirst();
	if (!row) return undefined;
	const stored = await getInstrumentVersion(db, versionId);
	if (!stored) return undefined;
	const offers = await offersOf(db, [versionId]);
	return {
		versionId,
		instrumentId: row.instrument_id,
		source: row.source,
		createdAt: row.created_at,
		importedBy: row.imported_by,
		owner: ownerOf(row.owner_icb_id, row.owner_name),
		offeredTo: row.offered_to === 'everywhere' ? { kind: 'everywhere' } : { kind: 'icbs', icbs: offers.get(versionId) ?? [] },
		instrument: stored.instrument
	};
}

/** The other versions of the same instrument, newest first (for the diff's choice). */
export async function versionsOfSameInstrument(db: DbOrTx, instrumentId: number): Promise<{ versionId: number; version: string }[]> {
	const rows = await db
		.selectFrom('instrument_version')
		.select(['id', 'version'])
		.where('instrument_id', '=', instrumentId)
		.orderBy('id', 'desc')
		.execute();
	return rows.map((r) => ({ versionId: r.id, version: r.version }));
}

/** Rounds using a version among the practices the viewer may see: a count, never which ones. */
export async function roundsUsingVersion(db: DbOrTx, user: SignedInUser, versionId: number): Promise<number> {
	return (await roundCounts(db, user, [versionId])).get(versionId) ?? 0;
}

/** Whether the user may change to whom this version is offered; ICB leads only within their ICBs. */
export function canOffer(user: SignedInUser, record: Pick<VersionRecord, 'source' | 'owner'>): boolean {
	if (record.source === 'built_in') return false;
	return managesOwner(user, record.owner.kind === 'icb' ? record.owner.icbId : null);
}

export interface AvailabilityInput {
	everywhere: boolean;
	icbIds: number[];
}

/**
 * Sets to whom a version is offered for new rounds. Administrators may offer it everywhere or to
 * any ICBs; an ICB lead may offer a version their ICB owns only to their own ICBs, and leaves the
 * offers to other ICBs as they were. Built-in versions are always offered everywhere (409).
 */
export async function setAvailability(
	db: Db,
	user: SignedInUser,
	versionId: number,
	input: AvailabilityInput,
	now: Date = new Date()
): Promise<Outcome> {
	return db.transaction().execute(async (tx): Promise<Outcome> => {
		const record = await getVersionRecord(tx, versionId);
		if (!record || !(await canReadInstrumentVersion(tx, user, versionId))) return refuse(404, 'We could not find that instrument version.');
		if (record.source === 'built_in') return refuse(409, 'Built-in versions are offered to every practice; that does not change.');
		if (!canOffer(user, record)) return refuse(403, 'Only the instrument’s owner decides to whom it is offered.');
		if (user.role !== 'admin' && input.everywhere) {
			return refuse(403, 'Only an administrator can offer a version to every practice.', 'everywhere');
		}
		const known = input.icbIds.length
			? (await tx.selectFrom('icb').select('id').where('id', 'in', input.icbIds).execute()).map((r) => r.id)
			: [];
		if (known.length !== new Set(input.icbIds).size) return refuse(400, 'Choose ICBs from the list.', 'icbIds');
		const mine = user.role === 'admin' ? null : new Set(user.icbIds);
		if (mine && known.some((id) => !mine.has(id))) return refuse(403, 'You can offer it only to your own ICBs.', 'icbIds');
		const kept = record.offeredTo.kind === 'icbs' ? record.offeredTo.icbs.map((i) => i.id).filter((id) => mine && !mine.has(id)) : [];
		const next = [...new Set([...kept, ...known])];
		await tx.deleteFrom('instrument_version_icb').where('instrument_version_id', '=', versionId).execute();
		if (next.length) {
			await tx.insertInto('instrument_version_icb').values(next.map((icb_id) => ({ instrument_version_id: versionId, icb_id }))).execute();
		}
		await tx.updateTable('instrument_version').set({ offered_to: input.everywhere ? 'everywhere' : 'icbs' }).where('id', '=', versionId).execute();
		const names = next.length
			? (await tx.selectFrom('icb').select('name').where('id', 'in', next).orderBy('name').execute()).map((r) => r.name)
			: [];
		const to = input.everywhere ? 'every practice' : names.length ? `the practices of ${names.join(', ')}` : 'no practice';
		await recordAudit(
			tx,
			user,
			{ action: 'instrument_offered', summary: `Offered ${record.instrument.title} version ${record.instrument.version} (${versionId}) to ${to}` },
			now
		);
		return { ok: true };
	});
}

/** The ICBs the user may name as an owner or offer a version to: every ICB for an administrator, their own for an ICB lead. */
export async function icbChoicesFor(db: DbOrTx, user: SignedInUser): Promise<{ id: number; name: string }[]> {
	if (user.role !== 'admin' && user.role !== 'icb_lead') return [];
	let query = db.selectFrom('icb').select(['id', 'name']).orderBy('name');
	if (user.role === 'icb_lead') query = query.where('id', 'in', user.icbIds.length ? user.icbIds : [-1]);
	return query.execute();
}

/**
 * The version as its page shows it, for a user who may read it (undefined otherwise, or when
 * there is no such version): what it asks, who owns it and to whom it is offered, how many
 * rounds in the viewer's scope use it, its sibling versions, and what the viewer may do with it.
 */
export async function instrumentVersionView(db: DbOrTx, user: SignedInUser, versionId: number) {
	if (!(await canReadInstrumentVersion(db, user, versionId))) return undefined;
	const record = await getVersionRecord(db, versionId);
	if (!record) return undefined;
	const [roundsUsing, siblings, icbChoices] = await Promise.all([
		roundsUsingVersion(db, user, versionId),
		versionsOfSameInstrument(db, record.instrumentId),
		canOffer(user, record) ? icbChoicesFor(db, user) : Promise.resolve([])
	]);
	const readableSiblings = [];
	for (const sibling of siblings) {
		if (sibling.versionId !== versionId && (await canReadInstrumentVersion(db, user, sibling.versionId))) readableSiblings.push(sibling);
	}
	return {
		record,
		roundsUsing,
		otherVersions: readableSiblings,
		canOffer: canOffer(user, record),
		canOfferEverywhere: user.role === 'admin',
		canEdit: managesOwner(user, record.owner.kind === 'icb' ? record.owner.icbId : null),
		icbChoices
	};
}

/**
 * The round form's choice of staff survey at a practice: built-in versions first (the default one
 * recommended), then imports with who imported them. `keep` (a draft's current version) is listed
 * even when no longer offered, so saving a draft never changes its version unasked.
 */
export async function versionChoices(db: DbOrTx, practiceId: number, keep?: number): Promise<{ value: string; label: string }[]> {
	const [versions, defaultId] = await Promise.all([instrumentVersionsForPractice(db, practiceId), versionIdOf(db, DEFAULT_STAFF_INSTRUMENT)]);
	const choices = versions.map((v) => ({
		value: String(v.versionId),
		label: `${v.title}, version ${v.version}${
			v.versionId === defaultId ? ' (built in, recommended)' : v.source === 'built_in' ? ' (built in)' : v.importedBy ? ` (imported by ${v.importedBy})` : ' (imported)'
		}`
	}));
	if (keep !== undefined && !versions.some((v) => v.versionId === keep)) {
		const stored = await getVersionRecord(db, keep);
		if (stored) choices.push({ value: String(keep), label: `${stored.instrument.title}, version ${stored.instrument.version} (this draft’s, no longer offered)` });
	}
	return choices;
}
