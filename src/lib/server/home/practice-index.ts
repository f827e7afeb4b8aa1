/**
 * The lists behind the Flags, Actions and Calendar links of someone with more than one practice:
 * their practices a page at a time, by name, each with how its flags, actions or survey calendar
 * stand for them. One count, one page of practices and one grouped read over that page's
 * practices, so a scope of any size costs a page.
 */
import { UNRESOLVED_STATES } from '../../npt/flag-lifecycle';
import { practiceInScope } from '../accounts/scope';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { flagActedOnBy } from '../linkworker/flags';
import { readPage } from '../platform/paging';
import type { Page } from '../../views/paging';

export type PracticeIndexPart = 'flags' | 'actions' | 'calendar';

export const PRACTICE_INDEX_PAGE_SIZE = 25;

export interface PracticeIndexRow {
	id: number;
	name: string;
	odsCode: string;
	pcnName: string | null;
	/** Flags: unresolved flags the viewer acts on. Actions: planned ones. Calendar: 1 when one is set. */
	count: number;
	/** Actions only: planned ones past their due date. */
	overdue: number;
	/** Calendar only: when the next round not yet closed opens. */
	nextOpensOn: string | null;
}

type Viewer = Pick<SignedInUser, 'id' | 'role'>;

export async function listPracticeIndex(
	db: DbOrTx,
	viewer: Viewer,
	part: PracticeIndexPart,
	today: string,
	askedPage: number
): Promise<Page<PracticeIndexRow>> {
	const total = await db
		.selectFrom('practice')
		.where(practiceInScope(db, viewer))
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return readPage(Number(total.n), askedPage, PRACTICE_INDEX_PAGE_SIZE, async (limit, offset) => {
		const practices = await db
			.selectFrom('practice')
			.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
			.where(practiceInScope(db, viewer))
			.select(['practice.id', 'practice.name', 'practice.ods_code', 'pcn.name as pcn_name'])
			.orderBy('practice.name')
			.orderBy('practice.id')
			.limit(limit)
			.offset(offset)
			.execute();
		const ids = practices.map((p) => p.id);
		const figures = ids.length ? await figuresOf(db, viewer, part, today, ids) : new Map<number, Figures>();
		return practices.map((p) => ({
			id: p.id,
			name: p.name,
			odsCode: p.ods_code,
			pcnName: p.pcn_name,
			count: figures.get(p.id)?.count ?? 0,
			overdue: figures.get(p.id)?.overdue ?? 0,
			nextOpensOn: figures.get(p.id)?.nextOpensOn ?? null
		}));
	});
}

interface Figures {
	count: number;
	overdue: number;
	nextOpensOn: string | null;
}

/** The figures of a page of practices (at most a page of ids). */
async function figuresOf(db: DbOrTx, viewer: Viewer, part: PracticeIndexPart, today: string, ids: number[]): Promise<Map<number, Figures>> {
	if (part === 'flags') {
		const rows = await db
			.selectFrom('flag')
			.where('flag.practice_id', 'in', ids)
			.where('flag.state', 'in', UNRESOLVED_STATES)
			.where(flagActedOnBy(viewer))
			.select(['flag.practice_id', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('flag.practice_id')
			.execute();
		return new Map(rows.map((r) => [r.practice_id, { count: Number(r.n), overdue: 0, nextOpensOn: null }]));
	}
	if (part === 'actions') {
		const rows = await db
			.selectFrom('practice_action')
			.leftJoin('flag', 'flag.id', 'practice_action.flag_id')
			.where('practice_action.practice_id', 'in', ids)
			.where('practice_action.state', '=', 'planned')
			// An action on a flag is seen by those who see the flag (practice-actions.ts).
			.where((eb) => eb.or([eb('practice_action.flag_id', 'is', null), flagActedOnBy(viewer)(eb as never)]))
			.select((eb) => [
				'practice_action.practice_id',
				eb.fn.countAll<number>().as('n'),
				eb.fn.countAll<number>().filterWhere('practice_action.due_on', '<', today).as('overdue')
			])
			.groupBy('practice_action.practice_id')
			.execute();
		return new Map(rows.map((r) => [r.practice_id, { count: Number(r.n), overdue: Number(r.overdue), nextOpensOn: null }]));
	}
	const [calendars, rounds] = await Promise.all([
		db.selectFrom('survey_calendar').where('survey_calendar.practice_id', 'in', ids).select('survey_calendar.practice_id').execute(),
		db
			.selectFrom('round')
			.where('round.practice_id', 'in', ids)
			.where('round.status', '!=', 'closed')
			.where('round.closes_on', '>=', today)
			.select(['round.practice_id', (eb) => eb.fn.min('round.opens_on').as('opens_on')])
			.groupBy('round.practice_id')
			.execute()
	]);
	const set = new Set(calendars.map((c) => c.practice_id));
	const next = new Map(rounds.map((r) => [r.practice_id, r.opens_on as string]));
	return new Map(ids.map((id) => [id, { count: set.has(id) ? 1 : 0, overdue: 0, nextOpensOn: next.get(id) ?? null }]));
}
