/**
 * What the /api/v1 endpoints return. Field names are camelCase and stable: reports built on them
 * must keep working, so a field is only ever added, never renamed. Every figure comes from the
 * same disclosed results the pages show (docs/scoring.md §6): a withheld round or score is `null`,
 * never a number. The types are the zod schemas' (schemas.ts), which the OpenAPI document
 * describes, so a builder cannot return a shape the document does not.
 */
import { SCORE_KEYS, type ScoreKey } from '../../npt/constructs';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../db';
import { describePlacement } from '../../npt/continuum';
import { constructStanding } from '../../npt/construct-standing';
import type { BandThresholds } from '../../npt/instrument';
import type { InstrumentLabel } from '../../npt/instrument-comparability';
import { practiceTrend, type TrendPoint, type TrendScore } from '../../npt/practice-rounds';
import { getPcnDashboard } from '../results/pcn-dashboard';
import { loadRoundData } from '../results/round-data';
import { type PcnPractice } from '../../views/pcn-dashboard';
import { ROLE_NAMES, type SignedInUser } from '../identity';
import type {
	ApiHeatmap,
	ApiPcn,
	ApiHeatmapPractice,
	ApiHeatmapScore,
	ApiInstrument,
	ApiMe,
	ApiPcnRounds,
	ApiPractice,
	ApiPracticeRounds,
	ApiRound,
	ApiScore
} from './schemas';
import { icbsInScope, onePractice, practicesInScope, practicesOfPcn, pcnsInScope, type IdQuery } from '../accounts/scope';

export type { ApiHeatmap, ApiHeatmapPractice, ApiHeatmapScore, ApiInstrument, ApiMe, ApiPcn, ApiPcnRounds, ApiPractice, ApiPracticeRounds, ApiRound, ApiScore };

export function apiInstrument(label: InstrumentLabel): ApiInstrument {
	return { id: label.id, version: label.version, title: label.title, licence: label.licence, citation: label.citation, doi: label.doi };
}

/** Two decimals: one more than the pages show, so 7.49 does not read as the threshold 7.5. */
function twoDecimals(value: number): number {
	return Math.round(value * 100) / 100;
}

function apiScore(score: Pick<TrendScore, 'mean' | 'interval' | 'n'> | null): ApiScore | null {
	if (!score) return null;
	return {
		mean: twoDecimals(score.mean),
		lower: score.interval ? twoDecimals(score.interval.lower) : null,
		upper: score.interval ? twoDecimals(score.interval.upper) : null,
		n: score.n
	};
}

export function apiRound(point: TrendPoint, i: number, trend: readonly TrendPoint[]): ApiRound {
	const before = trend[i - 1];
	const base = {
		id: point.roundId,
		title: point.title,
		closedOn: point.closedOn,
		instrument: apiInstrument(point.instrument),
		comparableWithPrevious: before ? before.run === point.run : null
	};
	if (!point.shown) {
		return { ...base, withheld: true, respondentsNeeded: point.respondentsNeeded, respondents: null, scores: null };
	}
	const scores = {} as Record<ScoreKey, ApiScore | null>;
	for (const key of SCORE_KEYS) scores[key] = apiScore(point.scores[key]);
	return { ...base, withheld: false, respondentsNeeded: null, respondents: point.respondents, scores };
}

/** These practices (a scope, a PCN or one practice), by name, each with its PCN. */
export async function listApiPractices(db: DbOrTx, practices: IdQuery): Promise<ApiPractice[]> {
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
		.where('practice.id', 'in', practices)
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

/** The practices in a caller's scope: none for an ICB lead, who reads no practice's own figures. */
export async function listApiPracticesInScope(db: DbOrTx, user: SignedInUser): Promise<ApiPractice[]> {
	return listApiPractices(db, practicesInScope(db, user));
}

export async function describeApiCaller(db: DbOrTx, user: SignedInUser): Promise<ApiMe> {
	const [icbs, pcns, practices] = await Promise.all([
		user.role === 'icb_lead' ? db.selectFrom('icb').select(['id', 'ods_code', 'name']).where('id', 'in', icbsInScope(db, user)).orderBy('name').execute() : [],
		db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', 'in', pcnsInScope(db, user)).orderBy('name').execute(),
		listApiPracticesInScope(db, user)
	]);
	return {
		user: { id: user.id, displayName: user.displayName, email: user.email, role: user.role, roleName: ROLE_NAMES[user.role] },
		icbs: icbs.map((i) => ({ id: i.id, odsCode: i.ods_code, name: i.name })),
		pcns: pcns.map((p) => ({ id: p.id, odsCode: p.ods_code, name: p.name })),
		practices
	};
}

/**
 * Every closed round of each practice with its disclosed scores: the same trend the practice
 * dashboard draws, so the API can never show more than the page. Practices that do not exist are
 * left out; the caller checks scope first.
 */
async function listApiPracticeRounds(
	db: DbOrTx,
	chosen: IdQuery,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<ApiPracticeRounds[]> {
	const [practices, data] = await Promise.all([listApiPractices(db, chosen), loadRoundData(db, { practices: chosen }, today)]);
	const rules = { minResponses: config.minResponses };
	return practices.map((practice) => ({
		practice,
		minResponses: config.minResponses,
		rounds: practiceTrend(data.roundsOf(practice.id), rules).map(apiRound)
	}));
}

/** Every closed round of a practice. Undefined for no such practice; the caller checks scope first. */
export async function getApiPracticeRounds(
	db: DbOrTx,
	practiceId: number,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<ApiPracticeRounds | undefined> {
	return (await listApiPracticeRounds(db, onePractice(db, practiceId), config, today))[0];
}

function heatmapPractice(practice: PcnPractice, bands: BandThresholds): ApiHeatmapPractice {
	const base = {
		id: practice.id,
		odsCode: practice.odsCode,
		name: practice.name,
		round: practice.round,
		instrument: practice.instrument && apiInstrument(practice.instrument),
		inFigures: practice.inFigures
	};
	const empty = { respondents: null, responseRate: null, scores: null, placement: null };
	if (practice.state === 'no_round') return { ...base, status: 'no_round', respondentsNeeded: null, ...empty };
	if (practice.state === 'withheld') return { ...base, status: 'withheld', respondentsNeeded: practice.respondentsNeeded, ...empty };
	const scores = {} as Record<ScoreKey, ApiHeatmapScore | null>;
	for (const key of SCORE_KEYS) {
		const score = practice.scores[key];
		const standing = key === 'overall' ? null : constructStanding(score?.mean, bands);
		scores[key] = score ? { ...apiScore(score)!, band: score.band, standing } : null;
	}
	return {
		...base,
		status: 'shown',
		respondentsNeeded: null,
		respondents: practice.respondents,
		responseRate: practice.responseRate === null ? null : Math.round(practice.responseRate * 1000) / 1000,
		scores,
		placement: practice.placement ? describePlacement(practice.placement) : null
	};
}

/** The PCN heatmap and figures, from the same data as the PCN dashboard. Undefined for no such PCN. */
export async function getApiPcnHeatmap(
	db: DbOrTx,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	period: { from: string; to: string },
	today: string
): Promise<ApiHeatmap | undefined> {
	const dashboard = await getPcnDashboard(db, pcnId, config, period, today);
	if (!dashboard) return undefined;
	const { figures } = dashboard;
	const practiceMean = {} as ApiHeatmap['figures']['practiceMean'];
	const pooled = {} as ApiHeatmap['figures']['pooled'];
	for (const key of SCORE_KEYS) {
		const mean = figures.practiceMean[key];
		practiceMean[key] = mean ? { mean: twoDecimals(mean.mean), practices: mean.practices } : null;
		const pool = figures.pooled[key];
		pooled[key] = pool ? { ...apiScore(pool)!, practices: pool.practices } : null;
	}
	return {
		pcn: { id: dashboard.pcn.id, odsCode: dashboard.pcn.odsCode, name: dashboard.pcn.name },
		period: dashboard.period,
		minResponses: config.minResponses,
		constructMinimum: dashboard.bands.belongingConstructMinimum,
		practices: dashboard.practices.map((practice) => heatmapPractice(practice, dashboard.bands)),
		figures: {
			instrument: dashboard.figuresInstrument && apiInstrument(dashboard.figuresInstrument),
			otherInstruments: dashboard.otherInstruments,
			practicesShown: figures.practicesShown,
			respondents: figures.respondents,
			practiceMean,
			pooled
		}
	};
}

/** Every closed round of every practice now in the PCN, by practice name. Undefined for no such PCN. */
export async function getApiPcnRounds(
	db: DbOrTx,
	pcnId: number,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<ApiPcnRounds | undefined> {
	const pcn = await db.selectFrom('pcn').select(['id', 'ods_code', 'name']).where('id', '=', pcnId).executeTakeFirst();
	if (!pcn) return undefined;
	return {
		pcn: { id: pcn.id, odsCode: pcn.ods_code, name: pcn.name },
		minResponses: config.minResponses,
		practices: await listApiPracticeRounds(db, practicesOfPcn(db, pcnId), config, today)
	};
}
