/**
 * The flat tables of the API (issue 30): each answer is a JSON array of flat objects, one row per
 * round × score, round × statement, flag or action, so Power Query or Excel turns it into a table
 * in one step. These schemas are the contract (the OpenAPI document is built from them); the
 * builders' return types are inferred from them, so the two cannot drift. Field names are
 * camelCase and only ever added, never renamed. A figure docs/scoring.md §6 withholds is `null`, and
 * `withheld` says why; null is also "none" (no headcount entered, no interval with one person).
 */
import { z } from 'zod';
import { CONSTRUCTS, ALL_SUB_CONSTRUCTS } from '../../npt/constructs';
import { BANDS } from '../../npt/continuum';
import { STANDINGS } from '../../npt/construct-standing';
import { FLAG_STATES } from '../../npt/flag-lifecycle';
import { component } from './schemas';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().nonnegative();
const figure = z.number().nullable();

/** The columns every round row repeats: which practice, which round, which instrument, how many answered. */
export const flatRoundColumns = z.strictObject({
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	roundId: z.number().int(),
	roundTitle: z.string(),
	opensOn: isoDate,
	closesOn: isoDate.describe('The day the round really closed (early, perhaps).'),
	instrumentId: z.string(),
	instrumentTitle: z.string(),
	instrumentVersion: z.string(),
	headcount: count.nullable().describe('The staff headcount the practice manager entered for the round; null when none was.'),
	responses: count.nullable().describe('People who answered; null when the round had fewer than the minimum (MIN_RESPONSES).'),
	responseRate: figure.describe('Responses ÷ headcount (0–1, three decimals); null when the round is withheld or has no headcount.'),
	respondentsNeeded: count.nullable().describe('How many more responses a withheld round needed; null when its figures are shown.')
});

export const SCORE_WITHHELD_REASONS = ['round_below_minimum', 'score_below_minimum'] as const;

/** One closed round × one score (the overall score or an NPT construct). */
export const flatScoreRow = flatRoundColumns.extend({
	score: z.enum(['overall', ...CONSTRUCTS]),
	label: z.string(),
	mean: figure.describe('0–10, two decimals.'),
	ciLow: figure.describe('The 95% confidence interval; null with fewer than two people or when withheld.'),
	ciHigh: figure,
	n: count.nullable().describe('People whose answers make up this score; null when withheld.'),
	band: z.enum(BANDS).nullable().describe('The indicative band: for the overall score, the practice’s placement (docs/scoring.md §4).'),
	standing: z.enum(STANDINGS).nullable().describe('A construct against the minimum Belonging asks of every construct; null for the overall score.'),
	placement: z.string().nullable().describe('The overall score’s placement in words, e.g. "Fitting in — borderline with Belonging"; null otherwise.'),
	withheld: z
		.enum(SCORE_WITHHELD_REASONS)
		.nullable()
		.describe('Why the figures are null: too few responses in the round, or too few people with this score. Null when shown.')
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
	reversed: z.boolean().describe('Worded the other way round: disagreeing is the positive answer.'),
	answered: count.nullable().describe('Everyone who answered the statement, scored or "not relevant".'),
	scored: count.nullable().describe('Answers on the five-point scale: the people every share here is computed from.'),
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
	nNotRelevantRole: count.nullable().describe('"Not relevant" answers by kind: counted even when the shares are withheld, as the page does.'),
	nNotRelevantStage: count.nullable(),
	nNotRelevantPractice: count.nullable(),
	pctAgreeOrStronglyAgree: figure.describe('Agree or strongly agree with the statement as worded, in percent, with its 95% Wilson interval.'),
	pctAgreeCiLow: figure,
	pctAgreeCiHigh: figure,
	withheld: z.enum(STATEMENT_WITHHELD_REASONS).nullable()
});
export type FlatStatementRow = z.infer<typeof flatStatementRow>;

/** An infrastructure-gap flag a link worker raised, as the practice's flags page shows it to this person. */
export const flatFlagRow = z.strictObject({
	flagId: z.number().int(),
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	itemId: z.string(),
	gap: z.string().nullable().describe('The gap as worded in the checklist version the flag was raised against; null for a retired item.'),
	aspect: z.string().nullable(),
	construct: z.enum(CONSTRUCTS).nullable(),
	checklistVersion: z.string(),
	visibility: z.enum(['practice_and_pcn', 'pcn_only']).describe('Who the link worker let see it: the practice and the PCN lead, or the PCN lead only.'),
	state: z.enum(FLAG_STATES),
	stateLabel: z.string(),
	raisedBy: z.string(),
	note: z.string().nullable().describe('The link worker’s note on the gap, if any.'),
	createdAt: z.string(),
	updatedAt: z.string()
});
export type FlatFlagRow = z.infer<typeof flatFlagRow>;

/** An action a practice set out to take, as the practice's actions page shows it to this person. */
export const flatActionRow = z.strictObject({
	actionId: z.number().int(),
	practiceId: z.number().int(),
	practiceName: z.string(),
	odsCode: z.string(),
	what: z.string(),
	owner: z.string(),
	construct: z.enum(CONSTRUCTS).describe('The construct it works on (for an action on a flag, the flag’s).'),
	dueOn: isoDate,
	state: z.enum(['planned', 'done']),
	overdue: z.boolean().describe('Still planned and past its due date.'),
	doneOn: isoDate.nullable(),
	doneNote: z.string().nullable(),
	doneBy: z.string().nullable(),
	recordedBy: z.string(),
	recordedAt: z.string(),
	flagId: z.number().int().nullable().describe('The flag it answers; null for an action on a construct.'),
	flagGap: z.string().nullable(),
	flagState: z.enum(FLAG_STATES).nullable()
});
export type FlatActionRow = z.infer<typeof flatActionRow>;

/** GET /api/v1/practices/{practiceId}/scores, /pcns/{pcnId}/scores and /icbs/{icbId}/scores. */
export const practiceScoresResponse = component('ScoreTable', z.array(component('ScoreRow', flatScoreRow)).describe('One row per closed round × score, by practice name and closing date.'));
export const pcnScoresResponse = practiceScoresResponse;
export const icbScoresResponse = practiceScoresResponse;
/** GET /api/v1/practices/{practiceId}/statements and /pcns/{pcnId}/statements. */
export const practiceStatementsResponse = component(
	'StatementTable',
	z.array(component('StatementRow', flatStatementRow)).describe('One row per closed round × statement, with the figures of the round’s items.csv.')
);
export const pcnStatementsResponse = practiceStatementsResponse;
/** GET /api/v1/practices/{practiceId}/flags. */
export const practiceFlagsResponse = component('FlagTable', z.array(component('FlagRow', flatFlagRow)).describe('The infrastructure-gap flags the practice’s flags page shows this person.'));
/** GET /api/v1/practices/{practiceId}/actions. */
export const practiceActionsResponse = component('ActionTable', z.array(component('ActionRow', flatActionRow)).describe('The actions the practice’s actions page shows this person.'));
