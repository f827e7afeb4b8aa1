/**
 * The signed-in home page of everyone but administrators (whose home is administration): an ICB
 * lead's ICBs, or for the others what is theirs to do and then the practices in their scope.
 */
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { listOverseenIcbs } from '../organisations/overseen';
import type { Config } from '../platform/config';
import { getNetworkOverview } from '../results/overview';
import { listTodo } from './todo';

/** `page` is the page of ICBs or PCNs asked for; `now` times the to-do list's reminders. */
export async function viewHome(db: DbOrTx, viewer: SignedInUser, config: Pick<Config, 'minResponses'>, today: string, now: Date, page: number) {
	// ICB leads open no practice's own pages: their home is the ICBs they oversee.
	if (viewer.role === 'icb_lead') return { home: 'icbs' as const, icbs: await listOverseenIcbs(db, viewer, page) };
	const [todo, overview] = await Promise.all([listTodo(db, viewer, config, today, now), getNetworkOverview(db, config, today, viewer, page)]);
	return {
		home: 'practices' as const,
		role: viewer.role,
		canSeePcns: viewer.role === 'pcn_lead',
		todo,
		overview,
		minResponses: config.minResponses
	};
}
