/**
 * What the /api/v1 endpoints return. Field names are camelCase and stable: reports built on them
 * must keep working, so a field is only ever added, never renamed. Every figure comes from the
 * same disclosed results the pages show (SCORING.md §6): a withheld round or score is `null`,
 * never a number.
 */
import { SCORE_KEYS, type ScoreKey } from '../npt/change';
import type { Config } from './config';
import type { DbOrTx } from './db';
import { getPracticeDashboard, type TrendPoint, type TrendScore } from './dashboard';
import { ROLE_NAMES, type Role, type SignedInUser } from './users';

export interface ApiPcn {
	id: number;
	odsCode: string;
	name: string;
}

export interface ApiPractice {
	id: number;
	odsCode: string;
	name: string;
	/** Null for a practice that is not in a PCN at the moment. */
	pcn: ApiPcn | null;
}

export interface ApiMe {
	user: { id: number; displayName: string; email: string; role: Role; roleName: string };
	/** The PCNs a PCN lead leads; empty for other roles. */
	pcns: ApiPcn[];
	practices: ApiPractice[];
}

export interface ApiScore {
	/** 0–10, two decimals (as in the CSV exports). */
	mean: number;
	/** The 95% confidence interval; null with fewer than two people scored. */
	lower: number | null;
	upper: number | null;
	/** People whose answers make up this score. */
	n: number;
}

export interface ApiRound {
	id: number;
	title: string;
	closedOn: string;
	/** True when the round had too few responses for any figure to be shown. */
	withheld: boolean;
	/** How many more responses the round would have needed; null when it was not withheld. */
	respondentsNeeded: number | null;
	/** Null when withheld. */
	respondents: number | null;
	/** Null when withheld; a single score is null when too few people scored on it. */
	scores: Record<ScoreKey, ApiScore | null> | null;
}

export interface ApiPracticeRounds {
	practice: ApiPractice;
	/** The smallest number of responses for which figures are shown (MIN_RESPONSES). */
	minResponses: number;
	/** Every closed round, oldest first. */
	rounds: ApiRound[];
}

/** Two decimals: one more than the pages show, so 7.49 does not read as the threshold 7.5. */
function twoDecimals(value: number): number {
	return Math.round(value * 100) / 100;
}

function apiScore(score: TrendScore | null): ApiScore | null {
	if (!score) return null;
	return {
		mean: twoDecimals(score.mean),
		lower: score.interval ? twoDecimals(score.interval.lower) : null,
		upper: score.interval ? twoDecimals(score.interval.upper) : null,
		n: score.n
	};
}

export function apiRound(point: TrendPoint): ApiRound {
	const base = { id: point.roundId, title: point.title, closedOn: point.closedOn };
	if (!point.shown) {
		return { ...base, withheld: true, respondentsNeeded: point.respondentsNeeded, respondents: null, scores: null };
	}
	const scores = {} as Record<ScoreKey, ApiScore | null>;
	for (const key of SCORE_KEYS) scores[key] = apiScore(point.scores[key]);
	return { ...base, withheld: false, respondentsNeeded: null, respondents: point.respondents, scores };
}

/** These practices (the caller's scope, already resolved), by name, each with its PCN. */
export async function listApiPractices(db: DbOrTx, practiceIds: readonly number[]): Promise<ApiPractice[]> {
	if (practiceIds.length === 0) return [];
	const rows = await db
		.selectFrom('practice')
		.leftJoin('pcn', 'pcn.id', 'practice.pcn_id')
		.select([
			'practice.id',
			'practice.ods_code',
			'practice.name',
			'pcn.id as pcn_id',
			'pcn.ods_code as pcn_ods_code',
			'pcn.name as pcn_name'
		])
		.where('practice.id', 'in', practiceIds)
		.orderBy('practice.name')
		.orderBy('practice.id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		odsCode: r.ods_code,
		name: r.name,
		pcn: r.pcn_id !== null && r.pcn_ods_code !== null && r.pcn_name !== null ? { id: r.pcn_id, odsCode: r.pcn_ods_code, name: r.pcn_name } : null
	}));
}

export async function describeApiCaller(db: DbOrTx, user: SignedInUser): Promise<ApiMe> {
	const [pcns, practices] = await Promise.all([
		user.pcnIds.length
			? db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', 'in', user.pcnIds).orderBy('name').execute()
			: [],
		listApiPractices(db, user.practiceIds)
	]);
	return {
		user: { id: user.id, displayName: user.displayName, email: user.email, role: user.role, roleName: ROLE_NAMES[user.role] },
		pcns: pcns.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name })),
		practices
	};
}

/**
 * Every closed round of a practice with its disclosed scores, built from the practice
 * dashboard's trend so the API can never show more than the page. Undefined for no such practice;
 * the caller checks scope first.
 */
export async function getApiPracticeRounds(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<ApiPracticeRounds | undefined> {
	const [dashboard, practice] = await Promise.all([
		getPracticeDashboard(db, practiceId, config, today),
		listApiPractices(db, [practiceId])
	]);
	if (!dashboard || !practice[0]) return undefined;
	return { practice: practice[0], minResponses: config.minResponses, rounds: dashboard.trend.map(apiRound) };
}
