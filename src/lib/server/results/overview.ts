/** The home page's view of the network: every PCN's practices, their rounds and where they sit. */
import { describePlacement } from '../../npt/continuum';
import { respondentsNeeded } from '../../npt/disclosure';
import { summariseRound } from '../../npt/round-results';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../db';
import type { Round } from '../db/schema';
import { instrumentsOf } from '../surveys/instruments';
import { listPcnsWithPractices } from '../organisations/organisations';
import { countResponsesOfRounds, loadRespondentsOfRounds } from '../surveys/responses';
import { listRoundsOfPractices } from '../surveys/rounds';
import { surveyAvailability } from '../../npt/round-schedule';
import type { RoundSummary, RoundLine, PcnOverview } from '../../views/overview';

export async function getNetworkOverview(
	db: DbOrTx,
	config: Pick<Config, 'minResponses'>,
	today: string,
	/** Only these practices (the viewer's scope); PCNs left with none are dropped. */
	practiceIds: readonly number[]
): Promise<PcnOverview[]> {
	const inScope = new Set(practiceIds);
	const pcns = (await listPcnsWithPractices(db))
		.map((pcn) => ({ ...pcn, practices: pcn.practices.filter((p) => inScope.has(p.id)) }))
		.filter((pcn) => pcn.practices.length > 0);
	const rounds = await listRoundsOfPractices(db, pcns.flatMap((pcn) => pcn.practices.map((p) => p.id)));
	const rules = { minResponses: config.minResponses };
	const availability = new Map(rounds.map((r) => [r.id, surveyAvailability(r, today)]));
	const closedIds = rounds.filter((r) => availability.get(r.id) === 'closed').map((r) => r.id);
	const collectingIds = rounds
		.filter((r) => !['closed', 'draft'].includes(availability.get(r.id)!))
		.map((r) => r.id);
	const [respondents, counts] = await Promise.all([
		loadRespondentsOfRounds(db, closedIds),
		countResponsesOfRounds(db, collectingIds)
	]);
	const instruments = await instrumentsOf(db, rounds.map((r) => r.instrument_version_id));

	function summarise(round: Round): RoundSummary {
		const state = availability.get(round.id)!;
		if (state === 'draft') return { kind: 'draft' };
		if (state !== 'closed') return { kind: 'collecting', respondentsNeeded: respondentsNeeded(counts.get(round.id)!, rules) };
		const results = summariseRound(
			{
				instrument: instruments.get(round.instrument_version_id)!,
				respondents: respondents.get(round.id)!,
				comments: [],
				staffHeadcount: null
			},
			rules,
			Math.random
		);
		if (!results.shown) return { kind: 'withheld' };
		if (!results.placement) return { kind: 'unplaced' };
		return { kind: 'placed', band: results.placement.band, description: describePlacement(results.placement) };
	}

	function line(round: Round): RoundLine {
		const state = availability.get(round.id)!;
		return {
			id: round.id,
			title: round.title,
			opensOn: round.opens_on,
			closesOn: round.closes_on,
			availability: state,
			surveyPath: state === 'open' ? `/s/${round.public_token}` : null,
			summary: summarise(round)
		};
	}

	return pcns.map((pcn) => ({
		id: pcn.id,
		odsCode: pcn.ods_code,
		name: pcn.name,
		icbName: pcn.icb.name,
		practices: pcn.practices.map((practice) => {
			const lines = rounds.filter((r) => r.practice_id === practice.id).map(line);
			return {
				id: practice.id,
				odsCode: practice.ods_code,
				name: practice.name,
				rounds: lines,
				latest: lines.find((l) => l.availability === 'closed') ?? null
			};
		})
	}));
}
