/**
 * What is waiting for a practice manager, a link worker or a PCN lead, for the top of their home
 * page. Each kind of item is one query over the person's scope (the scope as SQL, so it binds one
 * id whatever its size) with a limit, so a link worker across several practices or a PCN lead of
 * several PCNs costs a few small reads, never a whole PCN's data unless they lead it. Nothing here
 * says more than the pages it links to: a round still collecting gives its count of responses only
 * once it reaches the minimum (docs/scoring.md §6), as the round page does.
 */
import { formatDate, ukDate } from '../../dates';
import { formatPercent, plural } from '../../format';
import { UNRESOLVED_STATES } from '../../npt/flag-lifecycle';
import { checklistItem, checklistVersion } from '../../npt/infrastructure';
import { supportReasonText } from '../../npt/pcn-glance';
import { summariseProgress } from '../../npt/round-results';
import { pcnsInScope, practiceInScope, practicesInScope } from '../accounts/scope';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { flagActedOnBy } from '../linkworker/flags';
import type { Config } from '../platform/config';
import { listPracticesNeedingSupport } from '../results/pcn-dashboard';
import { countResponsesIn } from '../surveys/responses';
import type { TodoItem, TodoList } from '../../views/todo';

/**
 * A link worker's checklist is due another look after this many days: a quarter, so it is fresh
 * for each round of a practice surveying twice a year, and a gap that appeared since the last
 * round has been flagged before the next one opens.
 */
export const CHECKLIST_REVIEW_DAYS = 90;
/** Nothing records when someone last looked at a flag, so "changed lately" is the last two weeks. */
export const FLAG_CHANGE_DAYS = 14;
/** Items of one kind listed at most; the list then says where the rest are. */
export const TODO_LIMIT = 10;
/** PCNs whose practices needing support are worked out on the home page, by name. */
export const SUPPORT_PCN_LIMIT = 5;

const DAY_MS = 86_400_000;

type Viewer = Pick<SignedInUser, 'id' | 'role'>;

interface Kind {
	items: TodoItem[];
	cut?: TodoList['cut'][number];
}

/** The rows of a limited read, and whether there were more than the limit. */
function capped<T>(rows: T[], limit = TODO_LIMIT): { rows: T[]; more: boolean } {
	return { rows: rows.slice(0, limit), more: rows.length > limit };
}

function gapName(checklist: string, itemId: string): string {
	const version = checklistVersion(checklist);
	return (version && checklistItem(version, itemId)?.gap) ?? itemId;
}

const daysBetween = (earlier: string, now: Date) => Math.max(0, Math.floor((now.getTime() - Date.parse(earlier)) / DAY_MS));

/** The to-do list of a practice manager, link worker or PCN lead; empty for other roles. */
export async function listTodo(db: DbOrTx, viewer: SignedInUser, config: Pick<Config, 'minResponses'>, today: string, now: Date): Promise<TodoList> {
	let kinds: Kind[];
	switch (viewer.role) {
		case 'link_worker':
			kinds = await Promise.all([staleChecklists(db, viewer, now), changedFlags(db, viewer, now), roundsToGiveAView(db, viewer, today)]);
			break;
		case 'practice_manager':
			kinds = await Promise.all([
				openRounds(db, viewer, config, today),
				practicesWithoutRound(db, viewer, today),
				overdueActions(db, viewer, today),
				flagsWaiting(db, viewer, now)
			]);
			break;
		case 'pcn_lead':
			kinds = await Promise.all([
				practicesNeedingSupport(db, viewer, config, today),
				openRounds(db, viewer, config, today),
				flagsWaiting(db, viewer, now),
				overdueActions(db, viewer, today)
			]);
			break;
		default:
			kinds = [];
	}
	return { items: kinds.flatMap((k) => k.items), cut: kinds.flatMap((k) => (k.cut ? [k.cut] : [])) };
}

/** Practices where the link worker's own checklist is missing or older than CHECKLIST_REVIEW_DAYS. */
async function staleChecklists(db: DbOrTx, viewer: Viewer, now: Date): Promise<Kind> {
	const before = new Date(now.getTime() - CHECKLIST_REVIEW_DAYS * DAY_MS).toISOString();
	const found = await db
		.selectFrom('practice')
		.leftJoin('infrastructure_answer as answer', (join) =>
			join.onRef('answer.practice_id', '=', 'practice.id').on('answer.user_id', '=', viewer.id)
		)
		.where(practiceInScope(db, viewer))
		.select(['practice.id', 'practice.name', (eb) => eb.fn.max('answer.updated_at').as('reviewed_at')])
		.groupBy(['practice.id', 'practice.name'])
		.having((eb) => eb.or([eb(eb.fn.max('answer.updated_at'), 'is', null), eb(eb.fn.max('answer.updated_at'), '<', before)]))
		.orderBy('practice.name')
		.orderBy('practice.id')
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => {
			const reviewed = row.reviewed_at as string | null;
			const days = reviewed ? daysBetween(reviewed, now) : null;
			return {
				key: `checklist-${row.id}`,
				kind: 'checklist',
				text:
					days === null
						? `You have not filled in the infrastructure checklist for ${row.name} yet.`
						: `Your infrastructure checklist for ${row.name} was last reviewed ${plural(days, 'day')} ago (on ${formatDate(ukDate(new Date(reviewed!)))}).`,
				href: `/practices/${row.id}/checklist`,
				action: `${days === null ? 'Fill in' : 'Review'} the checklist for ${row.name}`
			};
		}),
		cut: more ? { kind: 'checklist', where: `the first ${TODO_LIMIT} practices by name are listed, and the rest appear as you review these`, href: null } : undefined
	};
}

/** The link worker's own flags that someone else changed or commented on in the last FLAG_CHANGE_DAYS. */
async function changedFlags(db: DbOrTx, viewer: Viewer, now: Date): Promise<Kind> {
	const since = new Date(now.getTime() - FLAG_CHANGE_DAYS * DAY_MS).toISOString();
	const found = await db
		.selectFrom('flag')
		.innerJoin('practice', 'practice.id', 'flag.practice_id')
		.where(practiceInScope(db, viewer))
		.where(flagActedOnBy(viewer))
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('flag_event')
					.select('flag_event.id')
					.whereRef('flag_event.flag_id', '=', 'flag.id')
					.where('flag_event.at', '>=', since)
					.where((eb) => eb.or([eb('flag_event.actor_user_id', 'is', null), eb('flag_event.actor_user_id', '!=', viewer.id)]))
			)
		)
		.select(['flag.id', 'flag.item_id', 'flag.checklist_version', 'flag.state', 'practice.id as practice_id', 'practice.name as practice_name'])
		.orderBy('flag.updated_at', 'desc')
		.orderBy('flag.id')
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => ({
			key: `flag-changed-${row.id}`,
			kind: 'flag_changed',
			text: `Someone responded to your flag “${gapName(row.checklist_version, row.item_id)}” at ${row.practice_name} in the last ${FLAG_CHANGE_DAYS} days.`,
			href: `/practices/${row.practice_id}/flags#flag-${row.id}`,
			action: `See what changed at ${row.practice_name}`
		})),
		cut: more ? { kind: 'flag_changed', where: 'each practice’s flags', href: '/flags' } : undefined
	};
}

/** Rounds taking answers today at the link worker's practices that have no view of theirs yet. */
async function roundsToGiveAView(db: DbOrTx, viewer: Viewer, today: string): Promise<Kind> {
	const found = await collecting(db, viewer, today)
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('link_worker_assessment')
						.select('link_worker_assessment.id')
						.whereRef('link_worker_assessment.round_id', '=', 'round.id')
						.where('link_worker_assessment.user_id', '=', viewer.id)
				)
			)
		)
		.select(['round.id', 'round.title', 'round.closes_on', 'practice.name as practice_name'])
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => ({
			key: `give-view-${row.id}`,
			kind: 'give_view',
			text: `A round is open at ${row.practice_name} (${row.title}, until ${formatDate(row.closes_on)}): give your own view of how embedded your role is there.`,
			href: `/rounds/${row.id}/assessment`,
			action: `Give your view for ${row.practice_name}`
		})),
		cut: more ? { kind: 'give_view', where: 'the open rounds in the list of practices below', href: '#main-list' } : undefined
	};
}

/** Rounds of the viewer's practices taking answers today (surveyAvailability 'open'), soonest to close first. */
function collecting(db: DbOrTx, viewer: Viewer, today: string) {
	return db
		.selectFrom('round')
		.innerJoin('practice', 'practice.id', 'round.practice_id')
		.where('round.practice_id', 'in', practicesInScope(db, viewer))
		.where('round.status', '=', 'open')
		.where('round.opens_on', '<=', today)
		.where('round.closes_on', '>=', today)
		.orderBy('round.closes_on')
		.orderBy('round.id');
}

/** The open rounds, with their progress as the round page gives it while open. */
async function openRounds(db: DbOrTx, viewer: Viewer, config: Pick<Config, 'minResponses'>, today: string): Promise<Kind> {
	const open = collecting(db, viewer, today).limit(TODO_LIMIT + 1);
	const [found, counts] = await Promise.all([
		open.select(['round.id', 'round.title', 'round.closes_on', 'round.staff_headcount', 'practice.name as practice_name']).execute(),
		countResponsesIn(db, open.select('round.id as id'))
	]);
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => {
			const progress = summariseProgress(counts.get(row.id) ?? 0, row.staff_headcount, config);
			const sofar = progress.sofar.shown
				? `${plural(progress.sofar.respondents, 'response')} so far${progress.sofar.responseRate === null ? '' : ` (${formatPercent(progress.sofar.responseRate)} of staff)`}`
				: `it needs ${plural(progress.respondentsNeeded, 'more response')} before any result can be shown`;
			return {
				key: `open-round-${row.id}`,
				kind: 'open_round',
				text: `${row.title} at ${row.practice_name} is open until ${formatDate(row.closes_on)}: ${sofar}.`,
				href: `/rounds/${row.id}`,
				action: `Follow ${row.title} at ${row.practice_name}`
			};
		}),
		cut: more ? { kind: 'open_round', where: 'the open rounds in the list of practices below', href: '#main-list' } : undefined
	};
}

/** Practices with no round open, scheduled or in draft and no survey calendar planning one. */
async function practicesWithoutRound(db: DbOrTx, viewer: Viewer, today: string): Promise<Kind> {
	const found = await db
		.selectFrom('practice')
		.where(practiceInScope(db, viewer))
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('round')
						.select('round.id')
						.whereRef('round.practice_id', '=', 'practice.id')
						.where('round.status', '!=', 'closed')
						.where('round.closes_on', '>=', today)
				)
			)
		)
		.where(({ not, exists, selectFrom }) =>
			not(exists(selectFrom('survey_calendar').select('survey_calendar.practice_id').whereRef('survey_calendar.practice_id', '=', 'practice.id')))
		)
		.select(['practice.id', 'practice.name'])
		.orderBy('practice.name')
		.orderBy('practice.id')
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => ({
			key: `no-round-${row.id}`,
			kind: 'no_round',
			text: `No round is open or planned at ${row.name}, and no survey calendar plans one.`,
			href: `/practices/${row.id}/rounds/new`,
			action: `Start a round at ${row.name}`
		})),
		cut: more ? { kind: 'no_round', where: 'the list of practices below', href: '#main-list' } : undefined
	};
}

/** Planned actions past their due date, the oldest first, among those the viewer may see. */
async function overdueActions(db: DbOrTx, viewer: Viewer, today: string): Promise<Kind> {
	const found = await db
		.selectFrom('practice_action')
		.innerJoin('practice', 'practice.id', 'practice_action.practice_id')
		.leftJoin('flag', 'flag.id', 'practice_action.flag_id')
		.where(practiceInScope(db, viewer))
		.where('practice_action.state', '=', 'planned')
		.where('practice_action.due_on', '<', today)
		// An action on a flag is seen by those who see the flag (practice-actions.ts).
		.where((eb) => eb.or([eb('practice_action.flag_id', 'is', null), flagActedOnBy(viewer)(eb as never)]))
		.select(['practice_action.id', 'practice_action.what', 'practice_action.owner', 'practice_action.due_on', 'practice.id as practice_id', 'practice.name as practice_name'])
		.orderBy('practice_action.due_on')
		.orderBy('practice_action.id')
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => ({
			key: `action-${row.id}`,
			kind: 'overdue_action',
			text: `“${row.what}” at ${row.practice_name} (${row.owner}) was due on ${formatDate(row.due_on)} and is not marked done.`,
			href: `/practices/${row.practice_id}/actions#action-${row.id}`,
			action: `Update the action at ${row.practice_name}`
		})),
		cut: more ? { kind: 'overdue_action', where: 'each practice’s actions', href: '/actions' } : undefined
	};
}

/** Flags still open (nobody has acknowledged them) with no action recorded on them, the oldest first. */
async function flagsWaiting(db: DbOrTx, viewer: Viewer, now: Date): Promise<Kind> {
	const found = await db
		.selectFrom('flag')
		.innerJoin('practice', 'practice.id', 'flag.practice_id')
		.where(practiceInScope(db, viewer))
		.where('flag.state', '=', UNRESOLVED_STATES[0]!)
		.where(flagActedOnBy(viewer))
		.where(({ not, exists, selectFrom }) =>
			not(exists(selectFrom('practice_action').select('practice_action.id').whereRef('practice_action.flag_id', '=', 'flag.id')))
		)
		.select(['flag.id', 'flag.item_id', 'flag.checklist_version', 'flag.created_at', 'practice.id as practice_id', 'practice.name as practice_name'])
		.orderBy('flag.created_at')
		.orderBy('flag.id')
		.limit(TODO_LIMIT + 1)
		.execute();
	const { rows, more } = capped(found);
	return {
		items: rows.map((row) => {
			const days = daysBetween(row.created_at, now);
			return {
				key: `flag-waiting-${row.id}`,
				kind: 'flag_waiting',
				text: `A link worker flagged “${gapName(row.checklist_version, row.item_id)}” at ${row.practice_name} ${days === 0 ? 'today' : `${plural(days, 'day')} ago`} and it has no response yet.`,
				href: `/practices/${row.practice_id}/flags#flag-${row.id}`,
				action: `Respond to the flag at ${row.practice_name}`
			};
		}),
		cut: more ? { kind: 'flag_waiting', where: 'each practice’s flags', href: '/flags' } : undefined
	};
}

/** The practices that may need support in the PCNs a lead leads, by their dashboard's own rule. */
async function practicesNeedingSupport(db: DbOrTx, viewer: SignedInUser, config: Pick<Config, 'minResponses'>, today: string): Promise<Kind> {
	const led = await db
		.selectFrom('pcn')
		.where('pcn.id', 'in', pcnsInScope(db, viewer))
		.select(['pcn.id', 'pcn.name'])
		.orderBy('pcn.name')
		.orderBy('pcn.id')
		.limit(SUPPORT_PCN_LIMIT + 1)
		.execute();
	const { rows: pcns, more } = capped(led, SUPPORT_PCN_LIMIT);
	const perPcn = await Promise.all(pcns.map((pcn) => listPracticesNeedingSupport(db, viewer, pcn.id, config, today)));
	const items = pcns.flatMap((pcn, i) =>
		perPcn[i]!.map(
			(practice): TodoItem => ({
				key: `support-${practice.practiceId}`,
				kind: 'needs_support',
				// The PCN is named only when the lead has more than one.
				text: `${practice.name}${pcns.length > 1 ? `, in ${pcn.name},` : ''} may need support: ${practice.reasons.map(supportReasonText).join('; ')}.`,
				href: `/practices/${practice.practiceId}`,
				action: `Open ${practice.name}’s dashboard`
			})
		)
	);
	return {
		items,
		cut: more ? { kind: 'needs_support', where: `the first ${SUPPORT_PCN_LIMIT} of your PCNs by name are checked here; open the others’ dashboards from the list below`, href: null } : undefined
	};
}
