/**
 * A PCN's dashboard (docs/scoring.md §7): its practices side by side, each on its latest closed round
 * inside the chosen period, the PCN figures, the constructs weak across the network, a small
 * trend per practice and where each practice's surveying stands. The same handful of queries
 * serve any number of practices and rounds. Every figure passes through the disclosure rules
 * first: a practice below MIN_RESPONSES carries no number at all.
 */
import { z } from 'zod';
import { addMonths, isIsoDate } from '../../dates';
import { BUILT_IN_INSTRUMENTS } from '../../npt/builtin';
import { constructMeans } from '../../npt/constructs';
import { canShow } from '../../npt/disclosure';
import { commonGaps, comparePracticesIn, HEATMAP_SORTS, sortPractices, type HeatmapSort, type Period } from '../../npt/pcn';
import { lastChangeOf, pcnGlance, previousPeriod, type PcnGlance, type PracticeNeedingSupport } from '../../npt/pcn-glance';
import {
	currentRoundOf,
	describeCurrentRound,
	disclosedResponseRate,
	scoreClosedRounds,
	surveyedInPeriod,
	trendOf
} from '../../npt/practice-rounds';
import { distinctLabels, instrumentLabelOf } from '../../npt/instrument-comparability';
import { closeDateOf } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import { getPcn } from '../organisations/organisations';
import type { Config } from '../platform/config';
import type { SignedInUser } from '../identity';
import { getPcnGapMatrix, getPcnPerceptionGaps, readPcnGapMatrix } from '../linkworker/pcn-gaps';
import { countActionsAcrossPcn } from '../linkworker/practice-actions';
import type {
	ContinuumPractice,
	HeatmapGaps,
	PcnDashboard,
	PcnDashboardPage,
	PcnPageAccess,
	PcnPractice,
	PracticeRounds,
	PracticeTrend
} from '../../views/pcn-dashboard';
import { recordAudit } from '../platform/audit';
import type { GapMatrix, GapMatrixFlagState, GapMatrixItem } from '../../views/pcn-gaps';
import { viewPcnBenchmarks } from './benchmarks';
import { loadRoundData } from './round-data';
import { practicesOfPcn } from '../accounts/scope';

/** Undefined when there is no such PCN. */
export async function getPcnDashboard(
	db: DbOrTx,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	period: Period,
	today: string
): Promise<PcnDashboard | undefined> {
	const [pcn, practices] = await Promise.all([
		getPcn(db, pcnId),
		db.selectFrom('practice').select(['id', 'name', 'ods_code']).where('pcn_id', '=', pcnId).orderBy('name').orderBy('id').execute()
	]);
	if (!pcn) return undefined;
	const rules = { minResponses: config.minResponses };
	const data = await loadRoundData(db, { practices: practicesOfPcn(db, pcnId) }, today);

	const roundsByPractice = practices.map((practice) => data.roundsOf(practice.id));
	// Bands come from the most recently closed chosen round; with none in the period, from the latest round at all.
	const fallback = data.rounds[0]?.instrument ?? BUILT_IN_INSTRUMENTS[0]!;
	const now = comparePracticesIn(roundsByPractice, period, rules, fallback);
	const before = previousPeriod(period);
	// The period before is read on the series shown now: its figure is set beside this one.
	const then = comparePracticesIn(roundsByPractice, before, rules, fallback, now.series);

	const rows: PcnPractice[] = [];
	const trends: PracticeTrend[] = [];
	const overview: PracticeRounds[] = [];
	practices.forEach((practice, i) => {
		const own = roundsByPractice[i]!;
		const chosen = now.chosen[i];
		const base = { id: practice.id, name: practice.name, odsCode: practice.ods_code };
		rows.push(
			chosen
				? {
						...base,
						round: { id: chosen.record.round.id, title: chosen.record.round.title, closedOn: chosen.closedOn },
						instrument: instrumentLabelOf(chosen.record.instrument),
						inFigures: chosen.inFigures,
						...chosen.result
					}
				: { ...base, round: null, instrument: null, inFigures: false, state: 'no_round' }
		);

		const closed = scoreClosedRounds(own, rules);
		trends.push({
			practiceId: practice.id,
			name: practice.name,
			points: trendOf(closed, ['overall'] as const),
			change: lastChangeOf(closed)
		});

		const current = currentRoundOf(own);
		const last = closed.at(-1)?.record;
		overview.push({
			practiceId: practice.id,
			name: practice.name,
			current: current ? describeCurrentRound(current, rules) : null,
			lastClosed: last
				? {
						id: last.round.id,
						title: last.round.title,
						closedOn: closeDateOf(last.round),
						shown: canShow({ respondents: last.responses }, rules),
						responseRate: disclosedResponseRate(last, rules)
					}
				: null,
			surveyedInPeriod: surveyedInPeriod(own, period, today)
		});
	});
	const bands = now.reference.bands;

	const closedDates = data.rounds
		.filter((r) => r.availability === 'closed')
		.map((r) => closeDateOf(r.round))
		.sort();
	return {
		pcn: { id: pcn.id, name: pcn.name, odsCode: pcn.ods_code, icbId: pcn.icb_id, icbName: pcn.icb.name },
		period: { from: period.from, to: period.to },
		bands,
		practices: rows,
		figures: now.figures,
		figuresInstrument: now.series === undefined ? null : instrumentLabelOf(now.reference),
		otherInstruments: now.otherInstruments,
		instruments: distinctLabels([...rows.map((row) => row.instrument), ...trends.flatMap((t) => t.points.map((p) => p.instrument))]),
		before: { period: before, practiceMean: then.figures.practiceMean.overall, otherInstruments: then.otherInstruments },
		alphaMinimum: now.reference.scoring.minRespondentsForAlpha,
		commonGaps: commonGaps(
			// Weak across the network: over the practices in the PCN figures only (one instrument series).
			rows.map((row) => constructMeans(row.state === 'shown' && row.inFigures ? row.scores : undefined)),
			bands.belongingConstructMinimum
		),
		trends,
		trendRange: closedDates.length > 0 ? { from: closedDates[0]!, to: closedDates.at(-1)! } : null,
		rounds: overview
	};
}

/** A PCN's own lead acts on its page; anyone else let in (an ICB lead over it) only reads it. */
export function pcnPageAccess(viewer: SignedInUser): PcnPageAccess {
	return viewer.role === 'pcn_lead' ? 'lead' : 'reader';
}

/** Which page of the PCN dashboard is read: the audit entry names it. */
export type PcnDashboardRead = 'PCN dashboard' | 'printable PCN summary';

/**
 * Everything the PCN dashboard page shows this viewer: the dashboard with its heatmap rows in the
 * order asked for, the gap matrix (flags through their visibility rules), the actions across the
 * PCN, the glance and, for the PCN's lead only, each practice's perception gap on its chosen round
 * (the staff side is the dashboard's own, already disclosed, scores). A reader's page is built
 * without the rest, never built whole and trimmed. The read is audited once, here. Undefined
 * (and nothing audited) when there is no such PCN; the caller has checked the viewer's scope.
 */
export async function viewPcnDashboard(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	query: { period: Period; sort?: HeatmapSort },
	today: string,
	page: PcnDashboardRead = 'PCN dashboard'
): Promise<PcnDashboardPage | undefined> {
	const { period, sort = 'name' } = query;
	const dashboard = await getPcnDashboard(db, pcnId, config, period, today);
	if (!dashboard) return undefined;
	const audited = recordAudit(db, viewer, {
		action: 'results_viewed',
		summary: `Viewed the ${page} of ${dashboard.pcn.name} (${dashboard.pcn.odsCode}), ${period.from} to ${period.to}`,
		pcnId
	});
	const shared = Promise.all([
		countActionsAcrossPcn(db, viewer, pcnId, period, today),
		viewPcnBenchmarks(db, { id: dashboard.pcn.icbId, name: dashboard.pcn.icbName }, dashboard.practices, period, config, today, dashboard.figuresInstrument?.series),
		audited
	]);
	// The glance reads practices in name order; the heatmap and the continuum in the order asked for.
	const practices = sortPractices(dashboard.practices, sort);
	const ordered = { ...dashboard, practices, sort, heatmapGaps: heatmapGapsOf(practices), continuum: continuumOf(practices) };
	if (pcnPageAccess(viewer) === 'reader') {
		const [gapMatrix, [actionCounts, benchmarks]] = await Promise.all([readPcnGapMatrix(db, viewer, pcnId, dashboard.practices), shared]);
		return { ...ordered, access: 'reader', gapMatrix, actionCounts, glance: glanceOf(dashboard, gapMatrix), benchmarks };
	}
	const [gapMatrix, perceptionGaps, [actionCounts, benchmarks]] = await Promise.all([
		getPcnGapMatrix(db, viewer, pcnId, dashboard.practices),
		getPcnPerceptionGaps(db, dashboard.practices),
		shared
	]);
	return { ...ordered, access: 'lead', gapMatrix, perceptionGaps, actionCounts, glance: glanceOf(dashboard, gapMatrix), benchmarks };
}

/** How many heatmap rows carry no figure, and why: too few responses, or no round in the period. */
function heatmapGapsOf(practices: readonly PcnPractice[]): HeatmapGaps {
	return {
		withheld: practices.filter((p) => p.state === 'withheld').length,
		noRound: practices.filter((p) => p.state === 'no_round').length
	};
}

/** The practices drawn on the continuum: one scale, one instrument series, so a practice on another instrument is left out. */
function continuumOf(practices: readonly PcnPractice[]): ContinuumPractice[] {
	return practices.flatMap((p) =>
		p.state === 'shown' && p.inFigures && p.scores.overall
			? [{ id: p.id, name: p.name, mean: p.scores.overall.mean, interval: p.scores.overall.interval, band: p.scores.overall.band, n: p.scores.overall.n, placement: p.placement }]
			: []
	);
}

/**
 * The practices of one PCN that may need support, by the rule and on the figures of its
 * dashboard's glance over the default period (the last twelve months): the round data and the
 * flag states the dashboard reads, without its benchmarks, actions or perception gaps.
 */
export async function listPracticesNeedingSupport(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<PracticeNeedingSupport[]> {
	const dashboard = await getPcnDashboard(db, pcnId, config, defaultPeriod(today), today);
	if (!dashboard) return [];
	// Open gaps are counted per practice; the flag states alone give the same count as the lead's own matrix.
	const gapMatrix = await readPcnGapMatrix(db, viewer, pcnId, dashboard.practices);
	return glanceOf(dashboard, gapMatrix).needingSupport;
}

function glanceOf<F extends GapMatrixFlagState>(dashboard: PcnDashboard, gapMatrix: GapMatrix<F>): PcnGlance<GapMatrixItem<F>> {
	return pcnGlance({
		practices: dashboard.practices.map((p) => ({
			id: p.id,
			name: p.name,
			result: p,
			change: dashboard.trends.find((t) => t.practiceId === p.id)?.change ?? null,
			surveyedInPeriod: dashboard.rounds.find((r) => r.practiceId === p.id)?.surveyedInPeriod ?? false
		})),
		figure: { now: dashboard.figures.practiceMean.overall, before: dashboard.before.period, then: dashboard.before.practiceMean },
		commonGaps: dashboard.commonGaps,
		matrix: gapMatrix
	});
}

const isoDate = (label: string) =>
	z
		.string()
		.trim()
		.refine(isIsoDate, `Enter the ${label} date as a real date in the form YYYY-MM-DD, like 2026-04-30.`);

export const periodQuerySchema = z
	.object({ from: isoDate('start'), to: isoDate('end') })
	.refine((p) => !isIsoDate(p.from) || !isIsoDate(p.to) || p.from <= p.to, { message: 'The start of the period must be on or before its end.', path: ['from'] });

export const heatmapSortSchema = z.enum(HEATMAP_SORTS);

/** The last twelve months up to and including today. */
export function defaultPeriod(today: string): Period {
	return { from: addMonths(today, -12), to: today };
}

export interface PeriodAsked {
	period: Period;
	/** What was wrong with the asked-for period, in words; the default is used instead. */
	problems: string[];
	/** Whether the period asked for was replaced by the default one. */
	periodRejected: boolean;
}

/**
 * Reads `from` and `to` from a query string. Nothing asked for means the last twelve months; a
 * period that cannot be used is replaced by it and explained, never a failure.
 */
export function readPeriod(params: URLSearchParams, today: string): PeriodAsked {
	const from = params.get('from');
	const to = params.get('to');
	if (from === null && to === null) return { period: defaultPeriod(today), problems: [], periodRejected: false };
	const parsed = periodQuerySchema.safeParse({ from: from ?? '', to: to ?? '' });
	if (parsed.success) return { period: parsed.data, problems: [], periodRejected: false };
	return { period: defaultPeriod(today), problems: [...new Set(parsed.error.issues.map((i) => i.message))], periodRejected: true };
}

export interface PeriodQuery extends PeriodAsked {
	sort: HeatmapSort;
}

/** The PCN dashboard's query: the period (readPeriod) and the order of the heatmap's rows. */
export function readPeriodQuery(params: URLSearchParams, today: string): PeriodQuery {
	const { period, problems, periodRejected } = readPeriod(params, today);
	let sort: HeatmapSort = 'name';
	const asked = params.get('sort');
	if (asked !== null && asked !== '') {
		const parsed = heatmapSortSchema.safeParse(asked);
		if (parsed.success) sort = parsed.data;
		else problems.push('The practices could not be put in that order, so they are listed by name.');
	}
	return { period, sort, problems, periodRejected };
}
