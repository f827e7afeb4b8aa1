/**
 * A practice's survey rounds as an iCalendar file, for Outlook or another calendar: the open
 * round, the drafts the survey calendar has made, and its next planned openings. Each round is one
 * all-day event from its opening day to its closing day: a practice manager sees in their diary,
 * as a band across those days, when staff can answer, and one event per round is one thing to
 * move or delete when a date changes. It is marked free, so it never blocks the diary.
 *
 * What it shows (docs/scoring.md §6): round titles and dates only, never a count or a score.
 */
import { suggestRoundTitle } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import { findOpenRound } from '../surveys/round-scheduling';
import { serialiseCalendar, type AllDayEvent } from './ics';
import { viewCalendar } from './survey-calendar';

export interface CalendarDownload {
	filename: string;
	body: string;
}

/**
 * The UID is the practice and the round's opening day, not the round's id: an opening the calendar
 * has only planned becomes a draft four weeks ahead, and then opens, and a second import must
 * update the same event through all three rather than add another.
 */
const uidOf = (practiceId: number, opensOn: string, host: string) => `survey-round-${practiceId}-${opensOn}@${host}`;

/** A file name from the practice's name: letters, digits and hyphens only. */
export function downloadName(practiceName: string): string {
	const slug = practiceName
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return `${slug || 'practice'}-survey-rounds.ics`;
}

export async function practiceCalendarDownload(
	db: DbOrTx,
	practice: { id: number; name: string },
	options: { origin: string; today: string; now: Date }
): Promise<CalendarDownload> {
	const { origin, today, now } = options;
	const host = new URL(origin).hostname;
	const [open, calendar] = await Promise.all([findOpenRound(db, practice.id, today), viewCalendar(db, practice.id, today)]);
	const summary = (title: string) => `${title}, ${practice.name}`;
	const event = (opensOn: string, closesOn: string, title: string, url: string, what: string): AllDayEvent => ({
		uid: uidOf(practice.id, opensOn, host),
		firstDay: opensOn,
		lastDay: closesOn,
		summary: summary(title),
		description: `${what}\n${url}`,
		url
	});
	const events: AllDayEvent[] = [
		...(open ? [event(open.opens_on, open.closes_on, open.title, `${origin}/rounds/${open.id}`, 'The staff survey is open in Belonging.')] : []),
		...calendar.drafts.map((d) =>
			event(d.opensOn, d.closesOn, d.title, `${origin}/rounds/${d.id}`, 'Planned by the survey calendar in Belonging: it opens by itself.')
		),
		...calendar.upcoming
			.filter((u) => !u.skippedFor)
			.map((u) =>
				event(
					u.opensOn,
					u.closesOn,
					suggestRoundTitle(u.opensOn),
					`${origin}/practices/${practice.id}/calendar`,
					'Planned by the survey calendar in Belonging: its draft appears four weeks before it opens.'
				)
			)
	];
	return {
		filename: downloadName(practice.name),
		body: serialiseCalendar({ name: `Staff survey rounds, ${practice.name}`, events, stamp: now })
	};
}
