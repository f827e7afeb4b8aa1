/** The home page's view of the network: every PCN's practices, their rounds and where they sit. */
import { describePlacement, type Band } from '../npt/continuum';
import type { Instrument } from '../npt/instrument';
import { respondentsNeeded } from '../npt/disclosure';
import { summariseRound } from '../npt/round-results';
import type { Config } from './config';
import type { DbOrTx } from './db';
import type { Round } from './db/schema';
import { getInstrumentVersion } from './instruments';
import { listPcnsWithPractices } from './organisations';
import { countResponses, loadRespondents } from './responses';
import { listRoundsOfPractices, surveyAvailability, type SurveyAvailability } from './rounds';

export type RoundSummary =
	| { kind: 'draft' }
	| { kind: 'collecting'; respondentsNeeded: number }
	| { kind: 'withheld' }
	| { kind: 'unplaced' }
	| { kind: 'placed'; band: Band; description: string };

export interface RoundLine {
	id: number;
	title: string;
	opensOn: string;
	closesOn: string;
	availability: SurveyAvailability;
	/** The public survey link, only while the round takes answers. */
	surveyPath: string | null;
	summary: RoundSummary;
}

export interface PracticeOverview {
	id: number;
	odsCode: string;
	name: string;
	rounds: RoundLine[];
	/** The most recent closed round's summary. */
	latest: RoundLine | null;
}

export interface PcnOverview {
	id: number;
	odsCode: string;
	name: string;
	icbName: string;
	practices: PracticeOverview[];
}

export async function getNetworkOverview(
	db: DbOrTx,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<PcnOverview[]> {
	const pcns = await listPcnsWithPractices(db);
	const rounds = await listRoundsOfPractices(db, pcns.flatMap((pcn) => pcn.practices.map((p) => p.id)));
	const instruments = new Map<number, Instrument>();
	const rules = { minResponses: config.minResponses };

	async function summarise(round: Round, availability: SurveyAvailability): Promise<RoundSummary> {
		if (availability === 'draft') return { kind: 'draft' };
		if (availability !== 'closed') {
			const respondents = await countResponses(db, round.id);
			return { kind: 'collecting', respondentsNeeded: respondentsNeeded(respondents, rules) };
		}
		let instrument = instruments.get(round.instrument_version_id);
		if (!instrument) {
			instrument = (await getInstrumentVersion(db, round.instrument_version_id))!.instrument;
			instruments.set(round.instrument_version_id, instrument);
		}
		const results = summariseRound(
			{ instrument, respondents: await loadRespondents(db, round.id), comments: [], staffHeadcount: null },
			rules,
			Math.random
		);
		if (!results.shown) return { kind: 'withheld' };
		if (!results.placement) return { kind: 'unplaced' };
		return { kind: 'placed', band: results.placement.band, description: describePlacement(results.placement) };
	}

	async function line(round: Round): Promise<RoundLine> {
		const availability = surveyAvailability(round, today);
		return {
			id: round.id,
			title: round.title,
			opensOn: round.opens_on,
			closesOn: round.closes_on,
			availability,
			surveyPath: availability === 'open' ? `/s/${round.public_token}` : null,
			summary: await summarise(round, availability)
		};
	}

	const overview: PcnOverview[] = [];
	for (const pcn of pcns) {
		const practices: PracticeOverview[] = [];
		for (const practice of pcn.practices) {
			const lines: RoundLine[] = [];
			for (const round of rounds.filter((r) => r.practice_id === practice.id)) lines.push(await line(round));
			practices.push({
				id: practice.id,
				odsCode: practice.ods_code,
				name: practice.name,
				rounds: lines,
				latest: lines.find((l) => l.availability === 'closed') ?? null
			});
		}
		overview.push({ id: pcn.id, odsCode: pcn.ods_code, name: pcn.name, icbName: pcn.icb.name, practices });
	}
	return overview;
}
