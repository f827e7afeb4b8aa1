/**
 * A PCN's dashboard (SCORING.md §7): its practices side by side, each on its latest closed round
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
import { chooseRoundInPeriod, commonGaps, HEATMAP_SORTS, pcnFigures, practiceResultFrom, type HeatmapSort, type Period, type PooledInput } from '../../npt/pcn';
import {
	closedRoundsInOrder,
	currentRoundOf,
	describeCurrentRound,
	disclosedResponseRate,
	practiceTrend,
	surveyedInPeriod
} from '../../npt/practice-rounds';
import { closeDateOf } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import { getPcn } from '../organisations/organisations';
import type { Config } from '../platform/config';
import type { SignedInUser } from '../identity';
import { getPcnGapMatrix, getPcnPerceptionGaps } from '../linkworker/pcn-gaps';
import { countActionsAcrossPcn } from '../linkworker/practice-actions';
import type { PcnDashboard, PcnDashboardPage, PcnPractice, PracticeRounds, PracticeTrend } from '../../views/pcn-dashboard';
import { loadRoundData, type LoadedRound } from './round-data';

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
	const data = await loadRoundData(db, { practiceIds: practices.map((p) => p.id) }, today);

	const rows: PcnPractice[] = [];
	const pooled: PooledInput[] = [];
	const trends: PracticeTrend[] = [];
	const overview: PracticeRounds[] = [];
	const chosenRounds: { record: LoadedRound; closedOn: string }[] = [];
	for (const practice of practices) {
		const own = data.roundsOf(practice.id);
		const closed = closedRoundsInOrder(own);
		const chosen = chooseRoundInPeriod(
			closed.map((record) => ({ record, id: record.round.id, closedOn: closeDateOf(record.round) })),
			period
		);
		const base = { id: practice.id, name: practice.name, odsCode: practice.ods_code };
		if (chosen) {
			const { round, instrument, summary } = chosen.record;
			const result = practiceResultFrom(instrument, summary!, round.staff_headcount, rules);
			rows.push({ ...base, round: { id: round.id, title: round.title, closedOn: chosen.closedOn }, ...result });
			pooled.push({ instrument, summary: summary!, result });
			chosenRounds.push(chosen);
		} else {
			rows.push({ ...base, round: null, state: 'no_round' });
		}

		trends.push({ practiceId: practice.id, name: practice.name, points: practiceTrend(own, rules, ['overall'] as const) });

		const current = currentRoundOf(own);
		const last = closed.at(-1);
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
	}

	// The bands of the most recently closed chosen round, else of the latest round at all.
	const latestChosen = chosenRounds.sort((a, b) => b.closedOn.localeCompare(a.closedOn) || b.record.round.id - a.record.round.id)[0];
	const reference = (latestChosen?.record ?? data.rounds[0])?.instrument ?? BUILT_IN_INSTRUMENTS[0]!;
	const bands = reference.bands;

	const closedDates = data.rounds
		.filter((r) => r.availability === 'closed')
		.map((r) => closeDateOf(r.round))
		.sort();
	return {
		pcn: { id: pcn.id, name: pcn.name, odsCode: pcn.ods_code, icbName: pcn.icb.name },
		period: { from: period.from, to: period.to },
		bands,
		practices: rows,
		figures: pcnFigures(pooled, bands, reference.scoring.confidenceLevel),
		alphaMinimum: reference.scoring.minRespondentsForAlpha,
		commonGaps: commonGaps(
			rows.map((row) => constructMeans(row.state === 'shown' ? row.scores : undefined)),
			bands.belongingConstructMinimum
		),
		trends,
		trendRange: closedDates.length > 0 ? { from: closedDates[0]!, to: closedDates.at(-1)! } : null,
		rounds: overview
	};
}

/**
 * Everything the PCN dashboard page shows this PCN lead: the dashboard, the gap matrix (flags
 * through their visibility rules), each practice's perception gap on its chosen round (the staff
 * side is the dashboard's own, already disclosed, scores) and the actions across the PCN.
 * Undefined when there is no such PCN; the caller has checked the viewer's scope.
 */
export async function viewPcnDashboard(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	period: Period,
	today: string
): Promise<PcnDashboardPage | undefined> {
	const dashboard = await getPcnDashboard(db, pcnId, config, period, today);
	if (!dashboard) return undefined;
	const [gapMatrix, perceptionGaps, actionCounts] = await Promise.all([
		getPcnGapMatrix(db, viewer, pcnId, dashboard.practices),
		getPcnPerceptionGaps(db, dashboard.practices),
		// Includes actions on PCN-lead-only flags: this page is for PCN leads only.
		countActionsAcrossPcn(db, pcnId, period, today)
	]);
	return { ...dashboard, gapMatrix, perceptionGaps, actionCounts };
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

export interface PeriodQuery {
	period: Period;
	sort: HeatmapSort;
	/** What was wrong with the asked-for period or order, in words; the defaults are used instead. */
	problems: string[];
	/** Whether the period asked for was replaced by the default one. */
	periodRejected: boolean;
}

/**
 * Reads `from`, `to` and `sort` from a query string. Nothing asked for means the defaults; a
 * period or order that cannot be used is replaced by the default and explained, never a failure.
 */
export function readPeriodQuery(params: URLSearchParams, today: string): PeriodQuery {
	const problems: string[] = [];
	let period = defaultPeriod(today);
	let periodRejected = false;
	const from = params.get('from');
	const to = params.get('to');
	if (from !== null || to !== null) {
		const parsed = periodQuerySchema.safeParse({ from: from ?? '', to: to ?? '' });
		if (parsed.success) period = parsed.data;
		else {
			periodRejected = true;
			problems.push(...new Set(parsed.error.issues.map((i) => i.message)));
		}
	}
	let sort: HeatmapSort = 'name';
	const asked = params.get('sort');
	if (asked !== null && asked !== '') {
		const parsed = heatmapSortSchema.safeParse(asked);
		if (parsed.success) sort = parsed.data;
		else problems.push('The practices could not be put in that order, so they are listed by name.');
	}
	return { period, sort, problems, periodRejected };
}
