/**
 * The flat tables of the API (issue 30): each answer is a JSON array of flat objects, one row per
 * round × score, round × statement, flag or action, so Power Query or Excel turns it into a table
 * in one step. These schemas are the contract (the OpenAPI document is built from them); the
 * builders' return types are inferred from them, so the two cannot drift. Field names are
 * camelCase and only ever added, never renamed. A figure SCORING.md §6 withholds is `null`, and
 * `withheld` says why; null is also "none" (no headcount entered, no interval with one person).
 */
import { z } from 'zod';
import { CONSTRUCTS, ALL_SUB_CONSTRUCTS } from '../../npt/constructs';
import { BANDS } from '../../npt/continuum';
import { STANDINGS } from '../../npt/construct-standing';
import { FLAG_STATES } from '../../npt/flag-lifecycle';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().nonnegative();
const figure = z.number().nullable();

/** The columns every round row repeats: which practice, which round, which instrument, how many answered. */
export const flatRoundColumns = z.object({
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	roundId: z.number().int(),
	roundTitle: z.string(),
	opensOn: isoDate,
	/** The day the round really closed (early, perhaps). */
	closesOn: isoDate,
	instrumentId: z.string(),
	instrumentTitle: z.string(),
	instrumentVersion: z.string(),
	/** The staff headcount the practice manager entered for the round; null when none was. */
	headcount: count.nullable(),
	/** People who answered; null when the round had fewer than the minimum (MIN_RESPONSES). */
	responses: count.nullable(),
	/** Responses ÷ headcount (0–1, three decimals); null when the round is withheld or has no headcount. */
	responseRate: figure,
	/** How many more responses a withheld round needed; null when its figures are shown. */
	respondentsNeeded: count.nullable()
});

export const SCORE_WITHHELD_REASONS = ['round_below_minimum', 'score_below_minimum'] as const;

/** One closed round × one score (the overall score or an NPT construct). */
export const flatScoreRow = flatRoundColumns.extend({
	score: z.enum(['overall', ...CONSTRUCTS]),
	label: z.string(),
	/** 0–10, two decimals. */
	mean: figure,
	/** The 95% confidence interval; null with fewer than two people or when withheld. */
	ciLow: figure,
	ciHigh: figure,
	/** People whose answers make up this score; null when withheld. */
	n: count.nullable(),
	/** The indicative band: for the overall score, the practice's placement (SCORING.md §4). */
	band: z.enum(BANDS).nullable(),
	/** A construct against the minimum Belonging asks of every construct; null for the overall score. */
	standing: z.enum(STANDINGS).nullable(),
	/** The overall score's placement in words, e.g. "Fitting in — borderline with Belonging"; null otherwise. */
	placement: z.string().nullable(),
	/** Why the figures are null: too few responses in the round, or too few people with this score. Null when shown. */
	withheld: z.enum(SCORE_WITHHELD_REASONS).nullable()
});
export type FlatScoreRow = z.infer<typeof flatScoreRow>;

export const STATEMENT_WITHHELD_REASONS = ['round_below_minimum', 'statement_below_minimum'] as const;


/**
 * One closed round × one statement: the figures of the round's statement-by-statement CSV
 * (items.csv), written from the same rows. Points are as worded: 1 strongly disagree … 5
 * strongly agree; shares are percentages of the scored answers, one decimal.
 */
export const flatStatementRow = flatRoundColumns.extend({
	construct: z.enum(CONSTRUCTS),
	subConstruct: z.enum(ALL_SUB_CONSTRUCTS),
	itemId: z.string(),
	statement: z.string(),
	/** Worded the other way round: disagreeing is the positive answer. */
	reversed: z.boolean(),
	/** Everyone who answered the statement, scored or "not relevant". */
	answered: count.nullable(),
	/** Answers on the five-point scale: the people every share here is computed from. */
	scored: count.nullable(),
	nStronglyDisagree: count.nullable(),
	nDisagree: count.nullable(),
	nNeither: count.nullable(),
	nAgree: count.nullable(),
	nStronglyAgree: count.nullable(),
	pctStronglyDisagree: figure,
	pctDisagree: figure,
	pctNeither: figure,
	pctAgree: figure,
	pctStronglyAgree: figure,
	/** "Not relevant" answers by kind: counted even when the shares are withheld, as the page does. */
	nNotRelevantRole: count.nullable(),
	nNotRelevantStage: count.nullable(),
	nNotRelevantPractice: count.nullable(),
	/** Agree or strongly agree with the statement as worded, in percent, with its 95% Wilson interval. */
	pctAgreeOrStronglyAgree: figure,
	pctAgreeCiLow: figure,
	pctAgreeCiHigh: figure,
	withheld: z.enum(STATEMENT_WITHHELD_REASONS).nullable()
});
export type FlatStatementRow = z.infer<typeof flatStatementRow>;

/** An infrastructure-gap flag a link worker raised, as the practice's flags page shows it to this person. */
export const flatFlagRow = z.object({
	flagId: z.number().int(),
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	itemId: z.string(),
	/** The gap as worded in the checklist version the flag was raised against; null for a retired item. */
	gap: z.string().nullable(),
	aspect: z.string().nullable(),
	construct: z.enum(CONSTRUCTS).nullable(),
	checklistVersion: z.string(),
	/** Who the link worker let see it: the practice and the PCN lead, or the PCN lead only. */
	visibility: z.enum(['practice_and_pcn', 'pcn_only']),
	state: z.enum(FLAG_STATES),
	stateLabel: z.string(),
	raisedBy: z.string(),
	/** The link worker's note on the gap, if any. */
	note: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string()
});
export type FlatFlagRow = z.infer<typeof flatFlagRow>;

/** An action a practice set out to take, as the practice's actions page shows it to this person. */
export const flatActionRow = z.object({
	actionId: z.number().int(),
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	what: z.string(),
	owner: z.string(),
	/** The construct it works on (for an action on a flag, the flag's). */
	construct: z.enum(CONSTRUCTS),
	dueOn: isoDate,
	state: z.enum(['planned', 'done']),
	/** Still planned and past its due date. */
	overdue: z.boolean(),
	doneOn: isoDate.nullable(),
	doneNote: z.string().nullable(),
	doneBy: z.string().nullable(),
	recordedBy: z.string(),
	recordedAt: z.string(),
	/** The flag it answers; null for an action on a construct. */
	flagId: z.number().int().nullable(),
	flagGap: z.string().nullable(),
	flagState: z.enum(FLAG_STATES).nullable()
});
export type FlatActionRow = z.infer<typeof flatActionRow>;

/** GET /api/v1/practices/{practiceId}/scores, /pcns/{pcnId}/scores and /icbs/{icbId}/scores. */
export const practiceScoresResponse = z.array(flatScoreRow);
export const pcnScoresResponse = practiceScoresResponse;
export const icbScoresResponse = practiceScoresResponse;
/** GET /api/v1/practices/{practiceId}/statements and /pcns/{pcnId}/statements. */
export const practiceStatementsResponse = z.array(flatStatementRow);
export const pcnStatementsResponse = practiceStatementsResponse;
/** GET /api/v1/practices/{practiceId}/flags. */
export const practiceFlagsResponse = z.array(flatFlagRow);
/** GET /api/v1/practices/{practiceId}/actions. */
export const practiceActionsResponse = z.array(flatActionRow);
