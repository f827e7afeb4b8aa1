/**
 * The home page's view of the network: the PCNs in the viewer's scope a page at a time, each with
 * the practices of it in scope, their rounds and where they sit. Only the page's PCNs and the
 * viewer's practices in them are read, in the database, so the page costs what its scope holds
 * up to a page, never the whole country.
 */
import { describePlacement } from '../../npt/continuum';
import { distinctLabels, instrumentLabelOf } from '../../npt/instrument-comparability';
import { respondentsNeeded } from '../../npt/disclosure';
import { headingOf, scoreClosedRound } from '../../npt/practice-rounds';
import { placementOf } from '../../npt/round-results';
import { sql } from 'kysely';
import { practiceInScope } from '../accounts/scope';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import type { Config } from '../platform/config';
import type { NetworkOverview, RoundLine, RoundSummary } from '../../views/overview';
import { loadRoundData, type LoadedRound } from './round-data';

/** PCNs on one page of the home overview: a PCN holds 2–10 practices, so a page holds a few dozen. */
export const OVERVIEW_PAGE_SIZE = 10;

/**
 * One page (counted from 1; past the last, the last) of the PCNs holding practices in the
 * viewer's scope, by name; a practice in no PCN is not on the home page.
 */
export async function getNetworkOverview(
	db: DbOrTx,
	config: Pick<Config, 'minResponses'>,
	today: string,
	viewer: Pick<SignedInUser, 'id' | 'role'>,
	askedPage = 1
): Promise<NetworkOverview> {
	const inScope = practiceInScope(db, viewer);
	const pcnsInView = db
		.selectFrom('pcn')
		.innerJoin('icb', 'icb.id', 'pcn.icb_id')
		.where('pcn.id', 'in', db.selectFrom('practice').select('practice.pcn_id').where(inScope))
		.select(['pcn.id', 'pcn.ods_code', 'pcn.name', 'icb.name as icb_name', sql<number>`count(*) over ()`.as('pcn_count')])
		.orderBy('pcn.name')
		.orderBy('pcn.id')
		.limit(OVERVIEW_PAGE_SIZE);
	const pageOf = (page: number) => pcnsInView.offset((page - 1) * OVERVIEW_PAGE_SIZE).execute();
	let page = Math.max(1, Math.trunc(askedPage) || 1);
	let pcns = await pageOf(page);
	// Past the last page (the count comes with a page's rows): the first page says how many there are.
	if (pcns.length === 0 && page > 1) {
		const count = Number((await pageOf(1))[0]?.pcn_count ?? 0);
		page = Math.max(1, Math.ceil(count / OVERVIEW_PAGE_SIZE));
		pcns = await pageOf(page);
	}
	const pcnCount = Number(pcns[0]?.pcn_count ?? 0);
	const pages = Math.max(1, Math.ceil(pcnCount / OVERVIEW_PAGE_SIZE));
	const overview = { page, pages, pcnCount, firstShown: pcnCount === 0 ? 0 : (page - 1) * OVERVIEW_PAGE_SIZE + 1 };
	if (pcns.length === 0) return { ...overview, pcns: [], instruments: [] };
	// The page's PCNs: a list of at most OVERVIEW_PAGE_SIZE ids.
	const onPage = db
		.selectFrom('practice')
		.where(
			'practice.pcn_id',
			'in',
			pcns.map((p) => p.id)
		)
		.where(inScope);
	const [shown, data] = await Promise.all([
		onPage.select(['practice.id', 'practice.ods_code', 'practice.name', 'practice.pcn_id']).orderBy('practice.name').orderBy('practice.id').execute(),
		loadRoundData(db, { practices: onPage.select('practice.id as id') }, today)
	]);
	const rules = { minResponses: config.minResponses };

	function summarise(record: LoadedRound): RoundSummary {
		if (record.availability === 'draft') return { kind: 'draft' };
		if (record.availability !== 'closed') return { kind: 'collecting', respondentsNeeded: respondentsNeeded({ respondents: record.responses }, rules) };
		const scored = scoreClosedRound(record, rules);
		if (!scored.shown) return { kind: 'withheld' };
		const placement = placementOf(scored.scores, record.instrument.bands);
		if (!placement) return { kind: 'unplaced' };
		return { kind: 'placed', band: placement.band, description: describePlacement(placement) };
	}

	function line(record: LoadedRound): RoundLine {
		const { round, availability } = record;
		return {
			...headingOf(round),
			availability,
			surveyPath: availability === 'open' ? `/s/${round.public_token}` : null,
			summary: summarise(record),
			instrument: { title: record.instrument.title, version: record.instrument.version }
		};
	}

	const shownIds = new Set(shown.map((p) => p.id));
	return {
		...overview,
		instruments: distinctLabels(
			data.rounds.filter((r) => r.availability === 'closed' && shownIds.has(r.round.practice_id)).map((r) => instrumentLabelOf(r.instrument))
		),
		pcns: pcns.map((pcn) => ({
			id: pcn.id,
			odsCode: pcn.ods_code,
			name: pcn.name,
			icbName: pcn.icb_name,
			practices: shown
				.filter((practice) => practice.pcn_id === pcn.id)
				.map((practice) => {
					const lines = data.roundsOf(practice.id).map(line);
					return {
						id: practice.id,
						odsCode: practice.ods_code,
						name: practice.name,
						rounds: lines,
						latest: lines.find((l) => l.availability === 'closed') ?? null
					};
				})
		}))
	};
}
