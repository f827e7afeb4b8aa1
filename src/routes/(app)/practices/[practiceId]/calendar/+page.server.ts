import { redirect } from '@sveltejs/kit';
import { formatDate, ukDate } from '$lib/dates';
import { FATIGUE_MONTHS } from '$lib/npt/round-schedule';
import { EVERY_MONTHS, LENGTH_DAYS, monthName } from '$lib/npt/survey-calendar';
import { guardPracticeRow, ROUND_MANAGERS } from '$lib/server/access';
import { planDueRounds } from '$lib/server/calendar/calendar-pass';
import { calendarSchema, saveCalendar, stopCalendar, viewCalendar } from '$lib/server/calendar/survey-calendar';
import { confirmationSchema } from '$lib/server/platform/confirm';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import { latestHeadcount } from '$lib/server/surveys/rounds';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
	const { practice } = await guardPracticeRow(event, ROUND_MANAGERS);
	const { db } = event.locals;
	const today = ukDate();
	const [calendar, headcount] = await Promise.all([viewCalendar(db, practice.id, today), latestHeadcount(db, practice.id)]);
	const { settings } = calendar;
	return {
		practice: { id: practice.id, name: practice.name },
		today,
		saved: event.url.searchParams.has('saved'),
		stopped: event.url.searchParams.has('stopped'),
		lastHeadcount: headcount,
		hasCalendar: settings !== null,
		// Switching off asks first (?confirm=stop), and only when there is a calendar to switch off.
		confirmStop: settings !== null && event.url.searchParams.get('confirm') === 'stop',
		// The stored calendar as the form's text fields, or sensible first choices.
		current: {
			cadence: settings?.cadence.kind ?? 'every',
			everyMonths: String(settings?.cadence.kind === 'every' ? settings.cadence.everyMonths : 6),
			anchorOn: settings?.cadence.kind === 'every' ? settings.cadence.anchorOn : '',
			months: settings?.cadence.kind === 'months' ? settings.cadence.months.map(String) : [],
			openDay: String(settings?.cadence.kind === 'months' ? settings.cadence.openDay : 1),
			lengthWeeks: String((settings?.lengthDays ?? 21) / 7),
			headcountSource: settings?.fixedHeadcount ? 'fixed' : 'last_round',
			fixedHeadcount: settings?.fixedHeadcount ? String(settings.fixedHeadcount) : '',
			requiresCode: settings?.requiresCode ?? false
		},
		drafts: calendar.drafts.map((d) => ({ ...d, opens: formatDate(d.opensOn), closes: formatDate(d.closesOn) })),
		upcoming: calendar.upcoming.map((u) => ({
			opens: formatDate(u.opensOn),
			closes: formatDate(u.closesOn),
			planned: formatDate(u.plannedOn),
			skippedFor: u.skippedFor ? `within ${FATIGUE_MONTHS} months of “${u.skippedFor.title}” (${formatDate(u.skippedFor.opensOn)})` : null
		})),
		choices: {
			everyMonths: [EVERY_MONTHS.min, 6, 12].map((n) => ({ value: String(n), label: n === 12 ? 'Every 12 months (once a year)' : `Every ${n} months` })),
			months: Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: monthName(i + 1) })),
			weeks: Array.from({ length: LENGTH_DAYS.max / 7 - LENGTH_DAYS.min / 7 + 1 }, (_, i) => {
				const weeks = LENGTH_DAYS.min / 7 + i;
				return { value: String(weeks), label: weeks === 1 ? '1 week' : `${weeks} weeks` };
			})
		}
	};
}) satisfies PageServerLoad;

export const actions = {
	save: async (event) => {
		const { user, practice } = await guardPracticeRow(event, ROUND_MANAGERS);
		const form = await readForm(event.request, calendarSchema(ukDate()), { multiple: ['months'] });
		if (!form.ok) return form.failure;
		const outcome = await saveCalendar(event.locals.db, practice.id, form.data, user);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		// An opening less than four weeks away gets its draft now, not at the next minute's check.
		await planDueRounds(event.locals.db, { today: ukDate(), now: new Date() });
		redirect(303, `/practices/${practice.id}/calendar?saved`);
	},
	stop: async (event) => {
		const { user, practice } = await guardPracticeRow(event, ROUND_MANAGERS);
		const form = await readForm(event.request, confirmationSchema('stop'));
		if (!form.ok) return form.failure;
		const outcome = await stopCalendar(event.locals.db, practice.id, user);
		if (!outcome.ok) return refusalFailure(outcome);
		redirect(303, `/practices/${practice.id}/calendar?stopped`);
	}
} satisfies Actions;
