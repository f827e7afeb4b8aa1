/**
 * A practice's survey calendar: the form the practice manager fills in, storing it, switching it
 * off, and what it plans next, for the calendar page and the dashboard.
 */
import { z } from 'zod';
import { addDays, formatDate, isIsoDate } from '../../dates';
import {
	cadenceProblem,
	EVERY_MONTHS,
	LENGTH_DAYS,
	PLAN_AHEAD_DAYS,
	upcomingOpenings,
	type Cadence,
	type CalendarRules,
	type PlannedOpening
} from '../../npt/survey-calendar';
import type { DbOrTx, Db } from '../db';
import type { SurveyCalendarTable } from '../db/schema';
import type { Selectable } from 'kysely';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';

export type StoredCalendar = Selectable<SurveyCalendarTable>;

export interface CalendarSettings extends CalendarRules {
	/** Null: the headcount of the practice's last round. */
	fixedHeadcount: number | null;
	requiresCode: boolean;
}

export function settingsOf(row: StoredCalendar): CalendarSettings {
	const cadence: Cadence =
		row.cadence === 'every'
			? { kind: 'every', everyMonths: row.every_months!, anchorOn: row.anchor_on! }
			: { kind: 'months', months: row.months!.split(',').map(Number), openDay: row.open_day! };
	return { cadence, lengthDays: row.length_days, fixedHeadcount: row.fixed_headcount, requiresCode: row.requires_code === 1 };
}

export async function getCalendar(db: DbOrTx, practiceId: number): Promise<StoredCalendar | undefined> {
	return db.selectFrom('survey_calendar').selectAll().where('practice_id', '=', practiceId).executeTakeFirst();
}

const wholeNumber = (message: string, min: number, max: number) =>
	z
		.string(message)
		.trim()
		.regex(/^\d{1,4}$/, { error: message, abort: true })
		.transform(Number)
		.pipe(z.int().min(min, message).max(max, message));

const WEEKS = { min: LENGTH_DAYS.min / 7, max: LENGTH_DAYS.max / 7 };
const HEADCOUNT_MESSAGE = 'Enter the number of staff as a whole number from 1 to 5,000';

/** The calendar form, as text fields; `today` (UK) is the earliest first opening. */
export function calendarSchema(today: string) {
	return z
		.object({
			cadence: z.enum(['every', 'months'], { error: 'Choose how often rounds run' }),
			everyMonths: z.string().optional(),
			anchorOn: z.string().optional(),
			months: z.array(z.string()).max(12, 'Choose each month once'),
			openDay: z.string().optional(),
			lengthWeeks: wholeNumber(`Choose a length of ${WEEKS.min} to ${WEEKS.max} weeks`, WEEKS.min, WEEKS.max),
			headcountSource: z.enum(['last_round', 'fixed'], { error: 'Choose where each round’s headcount comes from' }),
			fixedHeadcount: z.string().optional(),
			requiresCode: z.enum(['yes', 'on']).optional().transform((v) => v !== undefined)
		})
		.transform((form, ctx) => {
			const problem = (path: string, message: string) => {
				ctx.addIssue({ code: 'custom', path: [path], message });
				return z.NEVER;
			};
			let cadence: Cadence;
			if (form.cadence === 'every') {
				const every = wholeNumber(`Choose a gap of ${EVERY_MONTHS.min} to ${EVERY_MONTHS.max} months`, 1, 99).safeParse(form.everyMonths ?? '');
				if (!every.success) return problem('everyMonths', every.error.issues[0]!.message);
				const anchorOn = (form.anchorOn ?? '').trim();
				if (!anchorOn) return problem('anchorOn', 'Enter the date the next round opens');
				if (!isIsoDate(anchorOn)) return problem('anchorOn', 'Enter the date the next round opens as a real date, for example 2027-03-01');
				if (anchorOn < today) return problem('anchorOn', 'The next round cannot open in the past');
				cadence = { kind: 'every', everyMonths: every.data, anchorOn };
			} else {
				const months: number[] = [];
				for (const m of form.months) {
					if (!/^(?:[1-9]|1[0-2])$/.test(m.trim())) return problem('months', 'Choose months from the list');
					months.push(Number(m));
				}
				const day = wholeNumber('Choose an opening day from 1 to 28', 1, 28).safeParse(form.openDay ?? '');
				if (!day.success) return problem('openDay', day.error.issues[0]!.message);
				cadence = { kind: 'months', months: months.sort((a, b) => a - b), openDay: day.data };
			}
			const wrong = cadenceProblem(cadence);
			if (wrong) return problem(cadence.kind === 'every' ? (wrong.startsWith('Choose a first') ? 'anchorOn' : 'everyMonths') : wrong.includes('day') ? 'openDay' : 'months', wrong);
			let fixedHeadcount: number | null = null;
			if (form.headcountSource === 'fixed') {
				const headcount = wholeNumber(HEADCOUNT_MESSAGE, 1, 5000).safeParse(form.fixedHeadcount ?? '');
				if (!headcount.success) return problem('fixedHeadcount', headcount.error.issues[0]!.message);
				fixedHeadcount = headcount.data;
			}
			return { cadence, lengthDays: form.lengthWeeks * 7, fixedHeadcount, requiresCode: form.requiresCode } satisfies CalendarSettings;
		});
}

function describeCadence(cadence: Cadence): string {
	if (cadence.kind === 'every') return `every ${cadence.everyMonths} months from ${cadence.anchorOn}`;
	return `on day ${cadence.openDay} of months ${cadence.months.join(', ')}`;
}

/**
 * Stores the practice's calendar (new, or changed). The openings it has already planned stay
 * planned: changing the cadence changes what comes after them.
 */
export async function saveCalendar(
	db: Db,
	practiceId: number,
	settings: CalendarSettings,
	actor: SignedInUser,
	now = new Date()
): Promise<Outcome<{ calendar: StoredCalendar }>> {
	const wrong = cadenceProblem(settings.cadence);
	if (wrong) return refuse(400, wrong, 'cadence');
	const { cadence } = settings;
	const values = {
		cadence: cadence.kind,
		every_months: cadence.kind === 'every' ? cadence.everyMonths : null,
		anchor_on: cadence.kind === 'every' ? cadence.anchorOn : null,
		months: cadence.kind === 'months' ? cadence.months.join(',') : null,
		open_day: cadence.kind === 'months' ? cadence.openDay : null,
		length_days: settings.lengthDays,
		fixed_headcount: settings.fixedHeadcount,
		requires_code: settings.requiresCode ? 1 : 0,
		updated_at: now.toISOString(),
		updated_by: actor.id
	};
	return db.transaction().execute(async (tx) => {
		const calendar = await tx
			.insertInto('survey_calendar')
			.values({ practice_id: practiceId, ...values })
			.onConflict((oc) => oc.column('practice_id').doUpdateSet(values))
			.returningAll()
			.executeTakeFirstOrThrow();
		await recordAudit(
			tx,
			actor,
			{
				action: 'calendar_changed',
				summary: `Set the survey calendar: rounds ${describeCadence(cadence)}, ${settings.lengthDays / 7} weeks long, headcount ${settings.fixedHeadcount ?? 'from the last round'}${settings.requiresCode ? ', with codes' : ''}`,
				practiceId
			},
			now
		);
		return { ok: true as const, calendar };
	});
}

/**
 * Switches the calendar off. Drafts it made and has not opened stay, as ordinary drafts: they no
 * longer open by themselves.
 */
export async function stopCalendar(db: Db, practiceId: number, actor: SignedInUser, now = new Date()): Promise<Outcome<{ drafts: number }>> {
	return db.transaction().execute(async (tx): Promise<Outcome<{ drafts: number }>> => {
		const removed = await tx.deleteFrom('survey_calendar').where('practice_id', '=', practiceId).executeTakeFirst();
		if (Number(removed.numDeletedRows) === 0) return refuse(409, 'This practice has no survey calendar to switch off.');
		const kept = await tx
			.updateTable('round')
			.set({ planned_by_calendar: 0 })
			.where('practice_id', '=', practiceId)
			.where('planned_by_calendar', '=', 1)
			.where('status', '=', 'draft')
			.executeTakeFirst();
		const drafts = Number(kept.numUpdatedRows);
		await recordAudit(
			tx,
			actor,
			{
				action: 'calendar_changed',
				summary: `Switched off the survey calendar${drafts > 0 ? `; ${drafts} planned draft${drafts === 1 ? '' : 's'} kept, to open by hand` : ''}`,
				practiceId
			},
			now
		);
		return { ok: true, drafts };
	});
}

export interface CalendarView {
	settings: CalendarSettings | null;
	/** The rounds the calendar has made and not yet opened. */
	drafts: { id: number; title: string; opensOn: string; closesOn: string }[];
	/** The next openings it will plan, each PLAN_AHEAD_DAYS before it opens. */
	upcoming: (PlannedOpening & { plannedOn: string })[];
}

/** What the calendar has planned and will plan next, for the calendar page and the dashboard. */
export async function viewCalendar(db: DbOrTx, practiceId: number, today: string, count = 3): Promise<CalendarView> {
	const row = await getCalendar(db, practiceId);
	const rounds = await db
		.selectFrom('round')
		.select(['id', 'title', 'opens_on', 'closes_on', 'status', 'planned_by_calendar'])
		.where('practice_id', '=', practiceId)
		.orderBy('opens_on')
		.execute();
	const drafts = rounds
		.filter((r) => r.planned_by_calendar === 1 && r.status === 'draft')
		.map((r) => ({ id: r.id, title: r.title, opensOn: r.opens_on, closesOn: r.closes_on }));
	if (!row) return { settings: null, drafts, upcoming: [] };
	const settings = settingsOf(row);
	const upcoming = upcomingOpenings(settings, row.planned_through, today, othersThan(rounds), count).map((o) => ({
		...o,
		plannedOn: maxDate(today, addDays(o.opensOn, -PLAN_AHEAD_DAYS))
	}));
	return { settings, drafts, upcoming };
}

/** The rounds a calendar opening must keep its distance from: those the manager ran by hand. */
export function othersThan(rounds: readonly { title: string; opens_on: string; planned_by_calendar: number }[]) {
	return rounds.filter((r) => r.planned_by_calendar === 0).map((r) => ({ title: r.title, opensOn: r.opens_on }));
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

export function describeOpening(opening: PlannedOpening): string {
	return `${formatDate(opening.opensOn)} to ${formatDate(opening.closesOn)}`;
}
