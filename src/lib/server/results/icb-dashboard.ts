/**
 * An ICB's dashboard: its PCNs side by side over a period, the ICB's figure against the period
 * before and over the half-years, the constructs weakest across it, the infrastructure gaps its
 * link workers flagged, and each PCN set beside every PCN in the service. Everything is read from
 * the rounds' stored scores (round_score), never from answers or summaries, and only for the
 * ICB's own practices, so the page costs what the ICB holds: a handful of queries whatever the
 * size of the service. The one exception, the group of every PCN, is the benchmarks' kept copy.
 *
 * Every figure is decided in npt/icb.ts from the stored rows through the disclosure rules. Flags
 * are only counted across the whole ICB, per checklist item: never their text, and never which
 * practice or PCN a flag is about (a PCN-lead-only flag stays the PCN lead's to attribute).
 */
import { BUILT_IN_INSTRUMENTS } from '../../npt/builtin';
import { UNRESOLVED_STATES } from '../../npt/flag-lifecycle';
import {
	areaChange,
	entryOfArea,
	halfYearsUpTo,
	icbInPeriod,
	pcnAgainst,
	pcnsNeedingSupport,
	resultsOnce,
	weakestAcrossIcb,
	type IcbPracticeInput,
	type IcbReference,
	type StoredRound,
	type SurveyWindow
} from '../../npt/icb';
import { CHECKLISTS, CURRENT_CHECKLIST, checklistItem } from '../../npt/infrastructure';
import type { Period } from '../../npt/pcn';
import type { SignedInUser } from '../identity';
import { recordAudit } from '../platform/audit';
import { previousPeriod, SHARED_NEEDS_SHOWN, WEAKEST_SHOWN } from '../../npt/pcn-glance';
import { distinctLabels, instrumentLabelOf, type InstrumentLabel } from '../../npt/instrument-comparability';
import { closeDateOf, surveyAvailability } from '../../npt/round-schedule';
import type { DbOrTx } from '../db';
import { preparedQuery } from '../db/prepared';
import type { Round } from '../db/schema';
import type { Config } from '../platform/config';
import { practicesOfIcb } from '../accounts/scope';
import { instrumentsOf } from '../surveys/instruments';
import { ensureRoundScores, scoresOfRow, type ScoreColumns } from '../surveys/round-summaries';
import type { GapCount, IcbDashboard, IcbHalfYear } from '../../views/icb-dashboard';
import { pcnBenchmarksIn } from './benchmarks';

/** From the first day any round could have closed: the whole history of the ICB's rounds. */
const ALL_TIME = '0001-01-01';

/*
 * The ICB's reads, each prepared once (PostgreSQL then plans them once per connection), each
 * binding the ICB's id and reading only the ICB's rows.
 */
const icbRow = preparedQuery<'icbId', { id: number; name: string; ods_code: string }>((db, slot) =>
	db.selectFrom('icb').select(['id', 'name', 'ods_code']).where('id', '=', slot('icbId'))
);
const pcnsOfIcb = preparedQuery<'icbId', { id: number; name: string; ods_code: string }>((db, slot) =>
	db.selectFrom('pcn').select(['id', 'name', 'ods_code']).where('icb_id', '=', slot('icbId')).orderBy('name').orderBy('id')
);
const practicesOfIcbRows = preparedQuery<'icbId', { id: number; name: string; pcn_id: number }>((db, slot) =>
	db
		.selectFrom('practice')
		.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.select(['practice.id', 'practice.name', 'pcn.id as pcn_id'])
		.where('pcn.icb_id', '=', slot('icbId'))
		.orderBy('practice.name')
		.orderBy('practice.id')
);
type RoundWithScores = Pick<Round, 'practice_id' | 'instrument_version_id' | 'status' | 'opens_on' | 'closes_on' | 'closed_on'> & {
	id: number;
	round_id: number | null;
	respondents: number | null;
} & ScoreColumns;
/** Every round of the ICB's practices that has opened, with its stored scores where it has them. */
const roundsOfIcb = preparedQuery<'icbId' | 'today', RoundWithScores>((db, slot) =>
	db
		.selectFrom('round')
		.innerJoin('practice', 'practice.id', 'round.practice_id')
		.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.leftJoin('round_score', 'round_score.round_id', 'round.id')
		.select(['round.id', 'round.practice_id', 'round.instrument_version_id', 'round.status', 'round.opens_on', 'round.closes_on', 'round.closed_on'])
		.selectAll('round_score')
		.where('pcn.icb_id', '=', slot('icbId'))
		.where('round.status', '<>', 'draft')
		.where('round.opens_on', '<=', slot('today'))
);
/** Open infrastructure flags across the ICB, as a count of practices per checklist item: nothing else of a flag. */
const gapsOfIcb = preparedQuery<'icbId', { item_id: string; practices: number }>((db, slot) =>
	db
		.selectFrom('flag')
		.innerJoin('practice', 'practice.id', 'flag.practice_id')
		.innerJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.select((eb) => ['flag.item_id', eb.fn.count<number>('flag.practice_id').distinct().as('practices')])
		.where('pcn.icb_id', '=', slot('icbId'))
		.where('flag.state', 'in', [...UNRESOLVED_STATES])
		.groupBy('flag.item_id')
);

/**
 * The ICB's rounds with their stored scores. A closed round without its row (summarised before
 * scores were kept, or closed by its date and read by nobody since) is given it first, and the
 * rounds read again: so the read is exact, and costs one query once every round has its row.
 */
async function readRounds(db: DbOrTx, icbId: number, today: string): Promise<RoundWithScores[]> {
	const rounds = (await roundsOfIcb.execute(db, { icbId, today })).rows;
	const lacking = (round: RoundWithScores) => round.round_id === null && surveyAvailability(round, today) === 'closed' && closeDateOf(round) <= today;
	if (!rounds.some(lacking)) return rounds;
	await ensureRoundScores(db, { from: ALL_TIME, to: today }, today, practicesOfIcb(db, icbId));
	return (await roundsOfIcb.execute(db, { icbId, today })).rows;
}

/** The ICB's PCNs and practices, each practice with its closed rounds' stored scores and every round's survey window. */
async function readIcbPractices(db: DbOrTx, icbId: number, today: string) {
	const [pcns, practices, rounds] = await Promise.all([
		pcnsOfIcb.execute(db, { icbId }),
		practicesOfIcbRows.execute(db, { icbId }),
		readRounds(db, icbId, today)
	]);
	const instruments = await instrumentsOf(db, rounds.map((r) => r.instrument_version_id));
	const labels = new Map<number, InstrumentLabel>();
	const byPractice = new Map<number, IcbPracticeInput & { closed: StoredRound[]; windows: SurveyWindow[] }>();
	for (const practice of practices.rows) {
		byPractice.set(practice.id, { id: practice.id, name: practice.name, pcnId: practice.pcn_id, closed: [], windows: [] });
	}
	for (const round of rounds) {
		const practice = byPractice.get(round.practice_id);
		if (!practice) continue;
		practice.windows.push({ opensOn: round.opens_on, closesOn: closeDateOf(round) });
		if (round.round_id === null || surveyAvailability(round, today) !== 'closed') continue;
		const instrument = instruments.get(round.instrument_version_id)!;
		const label = instrumentLabelOf(instrument);
		labels.set(round.id, label);
		practice.closed.push({
			id: round.id,
			closedOn: closeDateOf(round),
			respondents: Number(round.respondents),
			scores: scoresOfRow(round),
			bands: instrument.bands,
			confidenceLevel: instrument.scoring.confidenceLevel,
			series: label.series
		});
	}
	return { pcns: pcns.rows.map((p) => ({ id: p.id, name: p.name, odsCode: p.ods_code })), practices: [...byPractice.values()], labels };
}

async function countGaps(db: DbOrTx, icbId: number): Promise<GapCount[]> {
	const rows = (await gapsOfIcb.execute(db, { icbId })).rows;
	const order = new Map(CURRENT_CHECKLIST.items.map((item, i) => [item.id, i]));
	return rows
		.flatMap((row): GapCount[] => {
			const item = checklistItem(CURRENT_CHECKLIST, row.item_id) ?? CHECKLISTS.map((c) => checklistItem(c, row.item_id)).find(Boolean);
			if (!item) return [];
			return [{ itemId: item.id, gap: item.gap, aspect: item.aspect, construct: item.construct, practicesWithGap: Number(row.practices) }];
		})
		.sort((a, b) => b.practicesWithGap - a.practicesWithGap || (order.get(a.itemId) ?? 99) - (order.get(b.itemId) ?? 99));
}

const FALLBACK: IcbReference = {
	bands: BUILT_IN_INSTRUMENTS[0]!.bands,
	confidenceLevel: BUILT_IN_INSTRUMENTS[0]!.scoring.confidenceLevel
};

/** Undefined when there is no such ICB. The caller has checked the viewer's scope. */
export async function getIcbDashboard(
	db: DbOrTx,
	icbId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	period: Period,
	today: string
): Promise<IcbDashboard | undefined> {
	const icb = (await icbRow.execute(db, { icbId })).rows[0];
	if (!icb) return undefined;
	const rules = { minResponses: config.minResponses };
	const [{ pcns, practices, labels }, gaps] = await Promise.all([readIcbPractices(db, icbId, today), countGaps(db, icbId)]);

	const resultOf = resultsOnce(rules);
	const now = icbInPeriod(pcns, practices, period, rules, FALLBACK, resultOf);
	const before = previousPeriod(period);
	// The period before and every half-year are read on the series of the period shown: one line, one instrument.
	const then = icbInPeriod(pcns, practices, before, rules, FALLBACK, resultOf, now.series);
	const reference: IcbReference = { bands: now.bands, confidenceLevel: now.confidenceLevel };

	const firstClose = practices.flatMap((p) => p.closed.map((r) => r.closedOn)).sort()[0] ?? null;
	const overTime = halfYearsUpTo(today, firstClose).map((half): IcbHalfYear => {
		// The ICB as a whole only: each half-year's PCN rows are not shown.
		const { icb: area } = icbInPeriod([], practices, half, rules, reference, resultOf, now.series);
		return { half, practicesShown: area.practicesShown, respondents: area.respondents, scores: area.scores };
	});

	const group = await pcnBenchmarksIn(db, period, reference, now.series, config, today);
	const chosenLabels = now.practices
		.filter((p) => p.round !== null)
		.sort((a, b) => a.round!.closedOn.localeCompare(b.round!.closedOn) || a.round!.id - b.round!.id)
		.map((p) => labels.get(p.round!.id)!);
	const notSurveyed = pcns.flatMap((pcn) => {
		const left = now.practices.filter((p) => p.pcnId === pcn.id && !p.surveyed).map((p) => ({ id: p.id, name: p.name }));
		return left.length ? [{ pcnId: pcn.id, pcnName: pcn.name, practices: left }] : [];
	});

	return {
		icb: { id: icb.id, name: icb.name, odsCode: icb.ods_code },
		period,
		bands: now.bands,
		figuresInstrument: chosenLabels.findLast((label) => label.series === now.series) ?? null,
		otherInstruments: now.otherInstruments,
		instruments: distinctLabels(chosenLabels.reverse()),
		glance: {
			needingSupport: pcnsNeedingSupport(now, then),
			figure: { now: now.icb.scores.overall, before, then: then.icb.scores.overall, change: areaChange(then.icb.scores.overall, now.icb.scores.overall) },
			weakest: weakestAcrossIcb(now, now.bands.belongingConstructMinimum).slice(0, WEAKEST_SHOWN),
			sharedGaps: gaps.filter((g) => g.practicesWithGap > 1).slice(0, SHARED_NEEDS_SHOWN)
		},
		pcns: now.pcns,
		figures: now.icb,
		notSurveyed,
		overTime,
		gaps: { practices: practices.length, items: gaps },
		benchmarks: {
			period,
			minPcns: config.minBenchmarkPractices,
			group,
			// Each PCN by the figures this page shows of it: the same as the group's own entry for it.
			pcns: now.pcns.map((pcn) => ({ id: pcn.id, name: pcn.name, scores: pcnAgainst(entryOfArea(pcn), group) }))
		}
	};
}

/**
 * The ICB dashboard page as its lead sees it: the dashboard, with the read audited once, here.
 * Undefined (and nothing audited) when there is no such ICB; the caller has checked the viewer's scope.
 */
export async function viewIcbDashboard(
	db: DbOrTx,
	viewer: SignedInUser,
	icbId: number,
	config: Pick<Config, 'minResponses' | 'minBenchmarkPractices'>,
	period: Period,
	today: string
): Promise<IcbDashboard | undefined> {
	const dashboard = await getIcbDashboard(db, icbId, config, period, today);
	if (!dashboard) return undefined;
	await recordAudit(db, viewer, {
		action: 'results_viewed',
		summary: `Viewed the ICB dashboard of ${dashboard.icb.name} (${dashboard.icb.odsCode}), ${period.from} to ${period.to}`
	});
	return dashboard;
}
