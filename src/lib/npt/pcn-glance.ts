/**
 * The PCN dashboard's first screen: which practices may need support and why, how the PCN's
 * figure compares with the period before, and what is most commonly missing. Pure: it reads
 * the same results the dashboard's sections show, and ranks nobody (practices keep name order).
 */
import { addDays } from '../dates';
import { changeBetween, type Change } from './change';
import type { Period, PracticeResult } from './pcn';
import type { TrendPoint } from './practice-rounds';

/** Open infrastructure gaps at which a practice is named as needing support. */
export const MANY_OPEN_GAPS = 3;

export type SupportReason =
	| { kind: 'bolted_on' }
	| { kind: 'fall'; change: Change; from: string; to: string }
	| { kind: 'too_few'; respondentsNeeded: number }
	| { kind: 'not_surveyed' }
	| { kind: 'open_gaps'; count: number };

export interface PracticeNeedingSupport {
	practiceId: number;
	name: string;
	reasons: SupportReason[];
}

export interface GlancePractice {
	id: number;
	name: string;
	result: PracticeResult;
	/** Every closed round, oldest first, with its overall score where shown. */
	trend: readonly TrendPoint<'overall'>[];
	/** Whether any round of the practice took answers in the period. */
	surveyedInPeriod: boolean;
	/** Infrastructure needs with a flag still open at the practice. */
	openGaps: number;
}

/**
 * The change between a practice's last two rounds that showed an overall score, when it is a
 * notable fall by the same rule as the practice dashboard (SCORING.md §5); otherwise null.
 */
export function lastNotableFall(trend: readonly TrendPoint<'overall'>[]): { change: Change; from: string; to: string } | null {
	const shown = trend.filter((p) => p.shown && p.scores.overall !== null);
	if (shown.length < 2) return null;
	const [before, after] = shown.slice(-2) as [Extract<TrendPoint<'overall'>, { shown: true }>, Extract<TrendPoint<'overall'>, { shown: true }>];
	const change = changeBetween({ shown: true, ...before.scores.overall! }, { shown: true, ...after.scores.overall! });
	return change?.notable && change.direction === 'fall' ? { change, from: before.title, to: after.title } : null;
}

/** Each practice with the reasons it may need support, in the order given; practices with none are left out. */
export function practicesNeedingSupport(practices: readonly GlancePractice[]): PracticeNeedingSupport[] {
	return practices.flatMap((practice) => {
		const reasons: SupportReason[] = [];
		const { result } = practice;
		if (result.state === 'shown' && result.placement?.band === 'bolted_on') reasons.push({ kind: 'bolted_on' });
		const fall = lastNotableFall(practice.trend);
		if (fall) reasons.push({ kind: 'fall', ...fall });
		if (result.state === 'withheld') reasons.push({ kind: 'too_few', respondentsNeeded: result.respondentsNeeded });
		if (!practice.surveyedInPeriod) reasons.push({ kind: 'not_surveyed' });
		if (practice.openGaps >= MANY_OPEN_GAPS) reasons.push({ kind: 'open_gaps', count: practice.openGaps });
		return reasons.length ? [{ practiceId: practice.id, name: practice.name, reasons }] : [];
	});
}

/** The period of the same length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
	const to = addDays(period.from, -1);
	const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000);
	return { from: addDays(to, -days), to };
}

/**
 * The mean of practice overall scores in a period, as the PCN figures count it: each practice
 * once, on its latest round that closed in the period and showed an overall score.
 */
export function meanOfPracticesIn(trends: readonly (readonly TrendPoint<'overall'>[])[], period: Period): { mean: number; practices: number } | null {
	const latest = trends.flatMap((trend) => {
		const inPeriod = trend.filter((p) => p.closedOn >= period.from && p.closedOn <= period.to && p.shown && p.scores.overall !== null);
		const last = inPeriod.at(-1);
		return last && last.shown && last.scores.overall ? [last.scores.overall.mean] : [];
	});
	if (latest.length === 0) return null;
	return { mean: latest.reduce((sum, m) => sum + m, 0) / latest.length, practices: latest.length };
}
