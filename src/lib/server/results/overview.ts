/** The home page's view of the network: every PCN's practices, their rounds and where they sit. */
import { describePlacement } from '../../npt/continuum';
import { respondentsNeeded } from '../../npt/disclosure';
import { headingOf, scoreClosedRound } from '../../npt/practice-rounds';
import { placementOf } from '../../npt/round-results';
import type { DbOrTx } from '../db';
import { listPcnsWithPractices } from '../organisations/organisations';
import type { Config } from '../platform/config';
import type { PcnOverview, RoundLine, RoundSummary } from '../../views/overview';
import { loadRoundData, type LoadedRound } from './round-data';

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
	const data = await loadRoundData(db, { practiceIds: pcns.flatMap((pcn) => pcn.practices.map((p) => p.id)) }, today);
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
			summary: summarise(record)
		};
	}

	return pcns.map((pcn) => ({
		id: pcn.id,
		odsCode: pcn.ods_code,
		name: pcn.name,
		icbName: pcn.icb.name,
		practices: pcn.practices.map((practice) => {
			const lines = data.roundsOf(practice.id).map(line);
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
