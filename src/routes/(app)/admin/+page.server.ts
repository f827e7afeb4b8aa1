import { guard } from '$lib/server/access';
import { countOrganisations } from '$lib/server/organisations/organisations';
import { countAccounts } from '$lib/server/accounts/users';
import { outboxOverview } from '$lib/server/mail/outbox';
import { readJobStates } from '$lib/server/jobs/job-runner';
import { listAdminTodo } from '$lib/server/home/admin-todo';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
	guard(event, { roles: ['admin'] });
	const { db } = event.locals;
	const [todo, organisations, accounts, outbox, jobs, holds] = await Promise.all([
		listAdminTodo(db, new Date()),
		countOrganisations(db),
		countAccounts(db),
		outboxOverview(db),
		readJobStates(db),
		db
			.selectFrom('legal_hold')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('released_at', 'is', null)
			.executeTakeFirstOrThrow()
	]);
	return {
		todo,
		organisations,
		accounts,
		mail: { ...outbox.counts, description: event.locals.mail.description },
		jobsFailing: [...jobs.values()].filter((job) => job.lastOutcome === 'failed').length,
		holdsInPlace: Number(holds.n),
		retention: event.locals.config.retention
	};
}) satisfies PageServerLoad;
