/**
 * Benchmarks (docs/scoring.md §8) as a practice sees them: for each score, its ICB and every practice
 * in this Belonging service over the last twelve months, each practice on its latest closed
 * round in them. The groups are read from the rounds' stored scores (round_score), never from
 * their answers or summaries, so the whole service costs one read of narrow rows; and that read
 * is kept in memory until the service's rounds or practices change.
 *
 * How it stays correct when a round closes: a round's scores are written with its summary, in
 * the transaction that closes it (by hand, or by the daily pass for its closing date), and the
 * first read of a period gives any closed round in it still without scores its row. Every write of
 * scores counts up a version in app_meta, in its own transaction, and stamps its rows with it;
 * every read compares the version with the one its kept copy was read at and reads the rows
 * stamped since, so a round closed on another instance is seen on the next read here, at the cost
 * of its own rows. Which practices are in the ICB is read each time, so moves need no version.
 */
import {
	benchmarkScore,
	entryOfResult,
	entryOfScores,
	groupBenchmark,
	placementSentence,
	type BenchmarkEntry,
	type BenchmarkGroupKind,
	type BenchmarkPlace,
	type BenchmarkRules,
	type GroupBenchmark,
	type ScoreBenchmark
} from '../../npt/benchmarks';
import type { DisclosureRules } from '../../npt/disclosure';
import { CONSTRUCT_NAMES, CONSTRUCTS, type Construct, SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import { pcnEntriesOf, pcnGroup, type IcbReference } from '../../npt/icb';
import type { PcnBenchmarksView, PracticeBenchmarksView } from '../../views/benchmarks';
import type { Period, PracticeResult } from '../../npt/pcn';
import type { GroupScore } from '../../npt/scoring';
import { databaseIdentity, type DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';
import type { Config } from '../platform/config';
import { practicesOfIcb } from '../accounts/scope';
import { instrumentLabelOf, mainSeries, type InstrumentLabel } from '../../npt/instrument-comparability';
import { instrumentsOf } from '../surveys/instruments';
import { ensureRoundScores, ROUND_SCORES_VERSION_KEY, scoresOfRow } from '../surveys/round-summaries';
import { defaultPeriod } from './pcn-dashboard';

/** One practice's latest closed round in the period, as stored: before disclosure. */
interface StoredPracticeScores {
	roundId: number;
	closedOn: string;
	respondents: number;
	scores: Record<ScoreKey, GroupScore>;
	/** The round's instrument as pages name it; its series decides which group the practice is in. */
	instrument: InstrumentLabel;
}

interface KeptPeriod {
	/** The count of score writes (app_meta) when the rows were read. */
	version: number;
	practices: Map<number, StoredPracticeScores>;
	/** What the disclosure rules make of them, per pair of rules: worked out once per read of the rows. */
	disclosed: Map<string, DisclosedPeriod>;
}

/**
 * The period's practices as benchmarks read them under one pair of rules, and the whole service's
 * groups, one per instrument series: a group only ever holds practices whose round in the period
 * used an instrument of one series (instrument-comparability.ts), so no quartile mixes scores of
 * different instruments.
 */
interface DisclosedPeriod {
	entries: Map<number, BenchmarkEntry>;
	/** Each practice's series in the period, by practice id. */
	seriesOf: Map<number, string>;
	/** The series most of the period's practices used: a practice with no round there is shown that one's groups. */
	main: string | undefined;
	service: Map<string, Record<ScoreKey, GroupBenchmark>>;
	/** The group of every PCN, per series, with which PCN each practice was in and the confidence level it was worked out at. */
	pcns: Map<string, { placement: string; confidenceLevel: number; group: Record<ScoreKey, GroupBenchmark> }>;
}

function disclosedUnder(kept: KeptPeriod, disclosure: DisclosureRules, rules: BenchmarkRules): DisclosedPeriod {
	const key = `${disclosure.minResponses}:${rules.minPractices}`;
	let found = kept.disclosed.get(key);
	if (!found) {
		const entries = new Map<number, BenchmarkEntry>();
		const seriesOf = new Map<number, string>();
		for (const [practiceId, scores] of kept.practices) {
			entries.set(practiceId, entryOfScores(scores, disclosure));
			seriesOf.set(practiceId, scores.instrument.series);
		}
		const byRecency = [...kept.practices.values()].sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.roundId - b.roundId);
		const main = mainSeries(byRecency.map((p) => p.instrument.series));
		kept.disclosed.set(key, (found = { entries, seriesOf, main, service: new Map(), pcns: new Map() }));
	}
	return found;
}

/** The entries of the practices on one series. */
function entriesOn(disclosed: DisclosedPeriod, series: string | undefined): BenchmarkEntry[] {
	return [...disclosed.entries].flatMap(([id, entry]) => (disclosed.seriesOf.get(id) === series ? [entry] : []));
}

function serviceGroupOn(disclosed: DisclosedPeriod, series: string | undefined, rules: BenchmarkRules): Record<ScoreKey, GroupBenchmark> {
	const key = series ?? '';
	let found = disclosed.service.get(key);
	if (!found) {
		const all = entriesOn(disclosed, series);
		found = {} as Record<ScoreKey, GroupBenchmark>;
		for (const score of SCORE_KEYS) found[score] = groupBenchmark(all, score, rules);
		disclosed.service.set(key, found);
	}
	return found;
}

/** Per database, per period: the last read of every practice's latest round in it, by practice id. */
const kept = new WeakMap<object, Map<string, KeptPeriod>>();
/** Periods kept per database: the benchmarks' own period moves once a day. */
const MAX_KEPT_PERIODS = 4;

/** The count that goes up with every write of round scores, on any instance. */
async function scoresVersion(db: DbOrTx): Promise<number> {
	const row = await db.selectFrom('app_meta').select('value').where('key', '=', ROUND_SCORES_VERSION_KEY).executeTakeFirst();
	return Number(row?.value ?? 0);
}

/**
 * Reads the period's score rows (only those written after count `since`, when given) into
 * `latest`, keeping for each practice its latest round in the period: on the same date the
 * later-created one, as chooseRoundInPeriod. A row of the round already kept replaces it.
 */
async function readPracticeScores(db: DbOrTx, period: Period, latest: Map<number, StoredPracticeScores>, since?: number): Promise<void> {
	const rows = await db
		.selectFrom('round_score')
		.innerJoin('round', 'round.id', 'round_score.round_id')
		.selectAll('round_score')
		.select(['round.practice_id', 'round.instrument_version_id'])
		.where('round_score.closed_on', '>=', period.from)
		.where('round_score.closed_on', '<=', period.to)
		.$if(since !== undefined, (q) => q.where('round_score.version', '>', since!))
		.execute();
	const instruments = await instrumentsOf(db, rows.map((row) => row.instrument_version_id));
	for (const row of rows) {
		const had = latest.get(row.practice_id);
		if (had && had.roundId !== row.round_id && (had.closedOn > row.closed_on || (had.closedOn === row.closed_on && had.roundId > row.round_id))) continue;
		latest.set(row.practice_id, {
			roundId: row.round_id,
			closedOn: row.closed_on,
			respondents: Number(row.respondents),
			scores: scoresOfRow(row),
			instrument: instrumentLabelOf(instruments.get(row.instrument_version_id)!)
		});
	}
}

/**
 * The period's practices: the kept copy when no scores were written since it was read, the kept
 * copy with the rows written since when some were, and a whole read the first time.
 */
async function practiceScoresIn(db: DbOrTx, period: Period, today: string): Promise<KeptPeriod> {
	const identity = databaseIdentity(db);
	let periods = kept.get(identity);
	if (!periods) kept.set(identity, (periods = new Map()));
	const key = `${period.from}..${period.to}`;
	const found = periods.get(key);
	// Once per period: a round closed by its date closed before the day the period ends began,
	// and a round closed since writes its scores as it closes.
	if (!found) await ensureRoundScores(db, period, today);
	// Read before the rows: rows written meanwhile are read now and again next time, which is harmless.
	const version = await scoresVersion(db);
	if (found?.version === version) return found;
	const practices = new Map(found?.practices);
	await readPracticeScores(db, period, practices, found?.version);
	const fresh: KeptPeriod = { version, practices, disclosed: new Map() };
	periods.delete(key);
	periods.set(key, fresh);
	if (periods.size > MAX_KEPT_PERIODS) periods.delete(periods.keys().next().value!);
	return fresh;
}

export interface BenchmarkGroup {
	kind: BenchmarkGroupKind;
	/** The ICB's name, or the service's. */
	name: string;
	scores: Record<ScoreKey, ScoreBenchmark>;
}

/** A group's figures for each score, before any one practice is set against them. */
export interface PeriodGroup {
	kind: BenchmarkGroupKind;
	name: string;
	scores: Record<ScoreKey, GroupBenchmark>;
}

/** The groups of a period as the practices of one ICB are set against them. */
export interface PeriodBenchmarks {
	period: Period;
	/** Each practice's entry, by practice id, for those with a round closed in the period. */
	entries: ReadonlyMap<number, BenchmarkEntry>;
	/** The round a practice is on in the period; null when it has none there. */
	roundOf: (practiceId: number) => { id: number; closedOn: string } | null;
	/** The ICB's group (when there is an ICB), then the whole service's (unless it is the same). */
	groups: PeriodGroup[];
	/** Whether every practice with a round in the period on the groups' series is in the ICB: then the service group, the same, is left out. */
	serviceIsIcb: boolean;
	/** The instrument series the groups are on: only practices whose round used it are in them. */
	series: string | undefined;
	/** The instrument the groups' practices used (the latest round's version on the series); null when no practice has a round there. */
	instrument: InstrumentLabel | null;
	/** The series of a practice's round in the period; undefined when it has none there. */
	seriesOf: (practiceId: number) => string | undefined;
}

/**
 * The benchmark groups of a period for the practices of one ICB (or of none): the ICB's practices
 * now, through their PCNs (read each time, so a practice that moved counts where it is), and every
 * practice in the service, each on its latest round closed in the period, and only those whose
 * round used an instrument on `series` (else on the series most practices used).
 */
export async function benchmarkGroupsIn(
	db: DbOrTx,
	icb: { id: number; name: string } | null,
	period: Period,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string,
	series?: string
): Promise<PeriodBenchmarks> {
	const kept = await practiceScoresIn(db, period, today);
	const rules: BenchmarkRules = { minPractices: config.minBenchmarkPractices };
	const disclosed = disclosedUnder(kept, { minResponses: config.minResponses }, rules);
	const { entries, seriesOf } = disclosed;
	const on = series ?? disclosed.main;
	const service = serviceGroupOn(disclosed, on, rules);
	const inIcb =
		icb === null
			? []
			: (await practicesOfIcb(db, icb.id).execute()).flatMap(({ id }) => (entries.has(id) && seriesOf.get(id) === on ? [entries.get(id)!] : []));
	const serviceIsIcb = icb !== null && inIcb.length === entriesOn(disclosed, on).length;
	const groups: PeriodGroup[] = [];
	if (icb) {
		const scores = {} as Record<ScoreKey, GroupBenchmark>;
		for (const score of SCORE_KEYS) scores[score] = groupBenchmark(inIcb, score, rules);
		groups.push({ kind: 'icb', name: icb.name, scores });
	}
	if (!serviceIsIcb) groups.push({ kind: 'service', name: 'Every practice using Belonging', scores: service });
	const roundOf = (practiceId: number) => {
		const stored = kept.practices.get(practiceId);
		return stored ? { id: stored.roundId, closedOn: stored.closedOn } : null;
	};
	const latestOn = [...kept.practices.values()]
		.filter((p) => p.instrument.series === on)
		.sort((a, b) => a.closedOn.localeCompare(b.closedOn) || a.roundId - b.roundId)
		.at(-1);
	return {
		period,
		entries,
		roundOf,
		groups,
		serviceIsIcb,
		series: on,
		instrument: latestOn?.instrument ?? null,
		seriesOf: (practiceId) => seriesOf.get(practiceId)
	};
}

/** Which PCN each practice is in now, prepared once: read on every ICB page. */
const practicePlacement = preparedQuery<never, { id: number; pcn_id: number }>((db) =>
	db.selectFrom('practice').select(['id', 'pcn_id']).where('pcn_id', 'is not', null).orderBy('id') as never
);

/**
 * Every PCN of the service as one benchmark group per score over the period (§8 one level up):
 * each PCN's figure is the mean of its practices' shown scores, from the same kept entries as the
 * practices' groups. Which PCN a practice is in is read each time, so a move counts at once.
 */
export async function pcnBenchmarksIn(
	db: DbOrTx,
	period: Period,
	reference: IcbReference,
	series: string | undefined,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string
): Promise<Record<ScoreKey, GroupBenchmark>> {
	const kept = await practiceScoresIn(db, period, today);
	const disclosed = disclosedUnder(kept, { minResponses: config.minResponses }, { minPractices: config.minBenchmarkPractices });
	const placed = (await practicePlacement.execute(db, {})).rows;
	// The group is worked out again only when a score was written (a new kept copy) or a practice moved.
	const placement = placed.map((p) => `${p.id}:${p.pcn_id}`).join(',');
	const on = series ?? disclosed.main;
	const found = disclosed.pcns.get(on ?? '');
	if (found && found.placement === placement && found.confidenceLevel === reference.confidenceLevel) return found.group;
	const byPcn = new Map<number, BenchmarkEntry[]>();
	for (const practice of placed) {
		const entry = disclosed.entries.get(practice.id);
		// A PCN's figure here, as on its own page, holds only practices on one instrument series.
		if (!entry || disclosed.seriesOf.get(practice.id) !== on) continue;
		const list = byPcn.get(practice.pcn_id);
		if (list) list.push(entry);
		else byPcn.set(practice.pcn_id, [entry]);
	}
	const group = pcnGroup(pcnEntriesOf(byPcn, reference.bands, reference.confidenceLevel).values(), { minPractices: config.minBenchmarkPractices });
	disclosed.pcns.set(on ?? '', { placement, confidenceLevel: reference.confidenceLevel, group });
	return group;
}

/** One practice's entry set against each of the period's groups. */
export function setAgainst(entry: BenchmarkEntry, groups: readonly PeriodGroup[]): BenchmarkGroup[] {
	return groups.map((group) => {
		const scores = {} as Record<ScoreKey, ScoreBenchmark>;
		for (const score of SCORE_KEYS) scores[score] = benchmarkScore(entry, score, group.scores[score]);
		return { kind: group.kind, name: group.name, scores };
	});
}

export interface PracticeBenchmarks {
	period: Period;
	/** The practice's own latest closed round in the period; null when it has none there. */
	round: { id: number; closedOn: string } | null;
	/** Its scores as the groups read them: null when nothing of it is shown, and null for each score withheld. */
	own: BenchmarkEntry;
	groups: BenchmarkGroup[];
	/** Whether every practice with a round in the period is in the practice's ICB: then the service group, the same, is left out. */
	serviceIsIcb: boolean;
	/** The instrument the groups' practices used: only practices on the practice's own round's series are in them. */
	instrument: InstrumentLabel | null;
}

/**
 * A practice's benchmarks over the last twelve months: its ICB (when it is in one) and the whole
 * service, for the overall score and each construct. Undefined for a practice that does not exist.
 */
export async function getPracticeBenchmarks(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string
): Promise<PracticeBenchmarks | undefined> {
	const practice = await db
		.selectFrom('practice')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.leftJoin('icb', 'icb.id', 'pcn.icb_id')
		.select(['practice.id', 'icb.id as icb_id', 'icb.name as icb_name'])
		.where('practice.id', '=', practiceId)
		.executeTakeFirst();
	if (!practice) return undefined;
	const icb = practice.icb_id === null ? null : { id: practice.icb_id, name: practice.icb_name! };
	const period = defaultPeriod(today);
	// The practice is set only beside practices whose round used an instrument of its own round's series.
	const ownSeries = (await practiceScoresIn(db, period, today)).practices.get(practiceId)?.instrument.series;
	const { entries, roundOf, groups, serviceIsIcb, instrument } = await benchmarkGroupsIn(db, icb, period, config, today, ownSeries);
	const own = entries.get(practiceId) ?? null;
	return { period, round: roundOf(practiceId), own, groups: setAgainst(own, groups), serviceIsIcb, instrument };
}

const SCORE_LABELS: Record<ScoreKey, string> = {
	overall: 'Overall',
	...(Object.fromEntries(CONSTRUCTS.map((construct) => [construct, CONSTRUCT_NAMES[construct].name])) as Record<Construct, string>)
};

/** The benchmarks as the practice dashboard shows them. Undefined for a practice that does not exist. */
export async function viewPracticeBenchmarks(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string
): Promise<PracticeBenchmarksView | undefined> {
	const benchmarks = await getPracticeBenchmarks(db, practiceId, config, today);
	if (!benchmarks) return undefined;
	return {
		period: benchmarks.period,
		roundClosedOn: benchmarks.round?.closedOn ?? null,
		minPractices: config.minBenchmarkPractices,
		serviceIsIcb: benchmarks.serviceIsIcb,
		instrument: benchmarks.instrument,
		groups: benchmarks.groups.map((group) => ({
			kind: group.kind,
			name: group.name,
			rows: SCORE_KEYS.map((key) => {
				const scored = group.scores[key];
				return {
					key,
					label: SCORE_LABELS[key],
					own: benchmarks.own?.[key] ?? null,
					group: scored,
					placement: scored.shown && scored.place ? placementSentence(scored.place, group.kind) : null
				};
			})
		}))
	};
}

/**
 * The PCN dashboard's benchmarks: over its period, the middle half of the ICB's practices and of
 * the whole service for each score, and where each of the PCN's practices lies against them. A
 * practice's own scores are the dashboard's (`practices`, already through the disclosure rules).
 */
export async function viewPcnBenchmarks(
	db: DbOrTx,
	icb: { id: number; name: string },
	practices: readonly (PracticeResult & { id: number; name: string; inFigures: boolean })[],
	period: Period,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	today: string,
	series?: string
): Promise<PcnBenchmarksView> {
	const { groups, serviceIsIcb, instrument } = await benchmarkGroupsIn(db, icb, period, config, today, series);
	return {
		period,
		minPractices: config.minBenchmarkPractices,
		serviceIsIcb,
		instrument,
		groups: groups.map((group) => ({
			kind: group.kind,
			name: group.name,
			rows: SCORE_KEYS.map((key) => ({ key, label: SCORE_LABELS[key], group: group.scores[key] }))
		})),
		practices: practices.map((practice) => ({
			id: practice.id,
			name: practice.name,
			// A practice on another instrument is not placed against groups of this one.
			otherInstrument: practice.state !== 'no_round' && !practice.inFigures,
			places: setAgainst(practice.inFigures ? entryOfResult(practice) : null, groups).map((against) => ({
				kind: against.kind,
				places: Object.fromEntries(
					SCORE_KEYS.map((key) => {
						const scored = against.scores[key];
						return [key, scored.shown ? scored.place : null];
					})
				) as Record<ScoreKey, BenchmarkPlace | null>
			}))
		}))
	};
}
