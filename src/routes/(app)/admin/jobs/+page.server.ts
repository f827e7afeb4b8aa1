import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formatWhen } from '$lib/dates';
import { guard } from '$lib/server/access';
import { datedJobs } from '$lib/server/app';
import { TICK_MS, readJobStates, requestRun } from '$lib/server/jobs/job-runner';
import { readForm, refusalFailure } from '$lib/server/platform/forms';
import type { Actions, PageServerLoad } from './$types';

/** "every minute", "every 10 minutes", "every hour", "every day". */
function period(ms: number): string {
	const minutes = ms / 60_000;
	if (minutes < 60) return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
	const hours = minutes / 60;
	if (hours < 24) return hours === 1 ? 'every hour' : `every ${hours} hours`;
	return hours === 24 ? 'every day' : `every ${hours / 24} days`;
}

/** A report's counts in words: "rounds 2, responses 41"; "nothing to do" when all are nought. */
function reportWords(report: Readonly<Record<string, unknown>> | null): string | null {
	if (report === null) return null;
	if ('error' in report) return String(report.error);
	const done = Object.entries(report).filter(([, n]) => typeof n === 'number' && n > 0);
	if (done.length === 0) return 'nothing to do';
	return done.map(([what, n]) => `${what.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${(n as number).toLocaleString('en-GB')}`).join(', ');
}

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db, config } = event.locals;
	const states = await readJobStates(db);
	return {
		checkSeconds: TICK_MS / 1000,
		requested: event.url.searchParams.get('requested'),
		jobs: datedJobs(db, config).map((job) => {
			const state = states.get(job.name);
			return {
				name: job.name,
				does: job.does,
				every: period(job.everyMs),
				runs: state?.runs ?? 0,
				failures: state?.failures ?? 0,
				running: state?.running ?? false,
				lastStarted: state?.lastStartedAt ? formatWhen(new Date(state.lastStartedAt)) : null,
				lastDuration: state?.lastDurationMs ?? null,
				lastOutcome: state?.lastOutcome ?? null,
				lastReport: reportWords(state?.lastReport ?? null)
			};
		})
	};
}) satisfies PageServerLoad;

export const actions = {
	run: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const { db, config } = event.locals;
		const names = datedJobs(db, config).map((job) => job.name) as [string, ...string[]];
		const form = await readForm(event.request, z.object({ job: z.enum(names, { error: 'Choose one of the jobs listed' }) }));
		if (!form.ok) return form.failure;
		const outcome = await requestRun(db, user, form.data.job);
		if (!outcome.ok) return refusalFailure(outcome, form.values);
		redirect(303, `/admin/jobs?requested=${encodeURIComponent(form.data.job)}#job-${form.data.job}`);
	}
} satisfies Actions;
