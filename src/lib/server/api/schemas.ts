/**
 * Every answer of /api/v1 as a zod schema: the one description of the API's data. The OpenAPI
 * document (openapi.ts) is generated from these, the data builders' types are inferred from them
 * (data.ts) or checked against them at compile time (the end of this file), and an integration
 * test validates real answers with them, so the document cannot say something the API does not do.
 *
 * Objects are strict: a field the schema does not name fails the test, so nothing reaches the
 * wire undescribed. The published document leaves `additionalProperties` open all the same,
 * because fields are only ever added, never renamed, and a client should not break on a new one.
 *
 * The descriptions are for the analyst reading the document in Power BI, Excel or R: domain words,
 * and what a null means. Figures follow the disclosure rule (docs/scoring.md §6): no figure computed
 * from fewer than `minResponses` people is ever sent; where one would be, the field is null.
 */
import { z } from 'zod';
import { CONSTRUCTS } from '../../npt/constructs';
import { BANDS } from '../../npt/continuum';
import { STANDINGS } from '../../npt/construct-standing';
import { BAND_COUNT_KINDS } from '../../npt/icb';
import { ROLES } from '../identity';
import type { IcbDashboard } from '../../views/icb-dashboard';
import type { InstrumentReport } from '../../views/instrument-report';

/** The schemas that become named components of the OpenAPI document, by their component name. */
export const apiComponents = z.registry<{ id: string }>();

export function component<T extends z.ZodType>(id: string, schema: T): T {
	apiComponents.add(schema, { id });
	return schema;
}

const WITHHELD = 'Null when fewer than `minResponses` people are behind it: such a figure is never sent.';

const id = z.int().positive();
const isoDate = z.iso.date();
const period = component(
	'Period',
	z
		.strictObject({ from: isoDate.describe('First day, inclusive.'), to: isoDate.describe('Last day, inclusive.') })
		.describe('A stretch of dates (ISO 8601, both ends inclusive). Endpoints that take one read `from` and `to` from the query; by default the last twelve months.')
);
const score010 = z.number().min(0).max(10);
const minResponses = z.int().min(3).describe('MIN_RESPONSES: the fewest people a figure is ever computed from. Anything computed from fewer is null.');

const construct = z.enum(CONSTRUCTS).describe('One of the four constructs of Normalisation Process Theory: coherence (making sense of the link worker role), cognitive participation (engaging with it), collective action (doing the work together) and reflexive monitoring (judging its effects).');
const band = component(
	'Band',
	z.enum(BANDS).describe('An indicative band of the belonging continuum (bolted on, fitting in, belonging): the project’s display bands, derived from research, not validated cut-off scores.')
);

/**
 * One value per score: the overall score and each construct. An object with five fixed keys
 * (rather than a map) so that Power BI and Excel see five columns.
 */
function byScore<T extends z.ZodType>(value: T) {
	return z.strictObject({
		overall: value.describe('The overall score: the mean of the construct scores.'),
		coherence: value.describe('Coherence: do people understand what the link worker role is and what it means for them?'),
		cognitive_participation: value.describe('Cognitive participation: do key people drive the role, sign up to it and see it as legitimate?'),
		collective_action: value.describe('Collective action: does the work with the link worker actually happen and fit daily routines?'),
		reflexive_monitoring: value.describe('Reflexive monitoring: do people learn about the role’s effects and change things in response?')
	});
}

export const apiPcnSchema = component(
	'Pcn',
	z.strictObject({ id, odsCode: z.string().describe('The PCN’s ODS code, U and five digits (e.g. U12345).'), name: z.string() }).describe('A Primary Care Network.')
);
export const apiIcbSchema = component(
	'Icb',
	z.strictObject({ id, odsCode: z.string().describe('The ICB’s ODS code.'), name: z.string() }).describe('An Integrated Care Board.')
);
export const apiPracticeSchema = component(
	'Practice',
	z
		.strictObject({
			id,
			odsCode: z.string().describe('The practice’s ODS code, a letter and five digits (e.g. A81001).'),
			name: z.string(),
			pcn: apiPcnSchema.nullable().describe('The PCN the practice is in now; null when it is in none.')
		})
		.describe('A GP practice.')
);

export const apiMeSchema = component(
	'Me',
	z
		.strictObject({
			user: z.strictObject({
				id,
				displayName: z.string(),
				email: z.string(),
				role: z.enum(ROLES),
				roleName: z.string().describe('The role in words.')
			}),
			icbs: z.array(apiIcbSchema).describe('The ICBs an ICB lead oversees; empty for other roles.'),
			pcns: z.array(apiPcnSchema).describe('The PCNs a PCN lead leads, or those in an ICB lead’s ICBs; empty for other roles.'),
			practices: z.array(apiPracticeSchema).describe('The practices whose results the token may read.')
		})
		.describe('Who the token acts for, and what they may see.')
);

export const apiPracticesSchema = component(
	'Practices',
	z.strictObject({ practices: z.array(apiPracticeSchema).describe('By name. Empty for an ICB lead, who reads PCN and ICB figures, not a practice’s own.') })
);

export const apiScoreSchema = component(
	'Score',
	z
		.strictObject({
			mean: score010.describe('0–10, two decimals. 5 is neutral, 7.5 is “agree”.'),
			lower: score010.nullable().describe('Lower end of the 95% confidence interval; null when fewer than two people scored.'),
			upper: score010.nullable().describe('Upper end of the 95% confidence interval; null when fewer than two people scored.'),
			n: z.int().min(0).describe('People whose answers make up this score.')
		})
		.describe('A score on the 0–10 scale with its 95% interval.')
);

export const apiInstrumentSchema = component(
	'Instrument',
	z
		.strictObject({
			id: z.string().describe('Stable id of the instrument.'),
			version: z.string(),
			title: z.string(),
			licence: z.string().describe('The terms the instrument, and results from it, may be used on.'),
			citation: z.string().describe('How to cite the instrument when using its results.'),
			doi: z.string().nullable().describe('Null when the instrument has none.')
		})
		.describe('The survey instrument version a figure comes from. Only figures from one instrument series may be compared.')
);

const respondentsNeeded = z.int().positive().nullable().describe('How many more responses a withheld round would have needed; null when it was not withheld.');

export const apiRoundSchema = component(
	'Round',
	z
		.strictObject({
			id,
			title: z.string(),
			closedOn: isoDate,
			instrument: apiInstrumentSchema,
			comparableWithPrevious: z
				.boolean()
				.nullable()
				.describe('Whether this round’s scores may be set beside the round before’s: false when the two used instruments whose scores are not one series. Null for the first round.'),
			withheld: z.boolean().describe('True when fewer than `minResponses` people answered: the round then has no figure at all.'),
			respondentsNeeded,
			respondents: z.int().min(0).nullable().describe('People who answered; null when withheld.'),
			scores: byScore(apiScoreSchema.nullable())
				.nullable()
				.describe(`Null when the round is withheld. A single score is null when too few people scored on it. ${WITHHELD}`)
		})
		.describe('A closed survey round of a practice.')
);

export const apiPracticeRoundsSchema = component(
	'PracticeRounds',
	z.strictObject({
		practice: apiPracticeSchema,
		minResponses,
		rounds: z.array(apiRoundSchema).describe('Every closed round, oldest first.')
	})
);

export const apiPcnRoundsSchema = component(
	'PcnRounds',
	z.strictObject({
		pcn: apiPcnSchema,
		minResponses,
		practices: z.array(apiPracticeRoundsSchema).describe('Every practice now in the PCN, by name, with its closed rounds.')
	})
);

const heatmapScore = component(
	'HeatmapScore',
	apiScoreSchema
		.extend({
			band: band.describe('The indicative band; for the overall score, the practice’s placement on the continuum.'),
			standing: z
				.enum(STANDINGS)
				.nullable()
				.describe('A construct’s standing against `constructMinimum`: meets or below. Null for the overall score.')
		})
		.describe('A practice’s score in the heatmap.')
);

const chosenRound = z.strictObject({ id, title: z.string(), closedOn: isoDate });

export const apiHeatmapSchema = component(
	'Heatmap',
	z
		.strictObject({
			pcn: apiPcnSchema,
			period,
			minResponses,
			constructMinimum: score010.describe('The score Belonging asks of every construct (6.25 for the built-in survey).'),
			practices: z.array(
				z.strictObject({
					id,
					odsCode: z.string(),
					name: z.string(),
					round: chosenRound.nullable().describe('The practice’s latest round closed in the period; null when it had none.'),
					instrument: apiInstrumentSchema.nullable().describe('The instrument that round used; null with no round.'),
					inFigures: z.boolean().describe('Whether the practice counts in `figures`: false with no round, or when its round used an instrument of another series.'),
					status: z.enum(['shown', 'withheld', 'no_round']).describe('shown; withheld (fewer than `minResponses` answered, so nothing of it is sent); or no_round in the period.'),
					respondentsNeeded,
					respondents: z.int().min(0).nullable().describe('Null unless shown.'),
					responseRate: z.number().min(0).nullable().describe('Respondents ÷ the staff headcount the practice entered, 0–1; null unless shown and a headcount was entered.'),
					scores: byScore(heatmapScore.nullable()).nullable().describe(`Null unless shown. ${WITHHELD}`),
					placement: z.string().nullable().describe('The placement in words, e.g. “Fitting in — borderline with Belonging”; null unless placed.')
				})
			).describe('One row per practice now in the PCN, by name.'),
			figures: z.strictObject({
				instrument: apiInstrumentSchema.nullable().describe('The instrument the figures come from; null with no round in the period.'),
				otherInstruments: z.int().min(0).describe('Practices whose round used an instrument of another series: they are in no figure.'),
				practicesShown: z.int().min(0),
				respondents: z.int().min(0).describe('Respondents of the shown practices’ rounds.'),
				practiceMean: byScore(z.strictObject({ mean: score10(), practices: z.int().min(0) }).nullable()).describe(
					'The PCN figure: the mean of practice scores, each shown practice counting once. A practice whose score is withheld is left out. Null with no practice to average.'
				),
				pooled: byScore(apiScoreSchema.extend({ practices: z.int().min(0) }).nullable()).describe(
					'Every respondent of the practices shown, scored together. Null with no practice to pool.'
				)
			})
		})
		.describe('The PCN heatmap: each practice’s latest closed round in the period, and the PCN figures.')
);

function score10() {
	return score010.describe('0–10, two decimals.');
}

// The ICB dashboard's parts (views/icb-dashboard.ts): sent as the page has them, full precision.

const interval = component(
	'Interval',
	z.strictObject({ lower: z.number(), upper: z.number() }).describe('A 95% interval.')
);

const areaFigure = component(
	'AreaFigure',
	z
		.strictObject({
			mean: score010,
			practices: z.int().min(0).describe('How many practices’ scores were averaged: each counts once.'),
			sd: z.number().nullable().describe('Spread of the practice scores; null from a single practice.'),
			interval: interval.nullable().describe('Interval across practices; null from a single practice.'),
			band
		})
		.describe('A PCN’s or the ICB’s figure: the mean of practice scores, over the practices with that score shown.')
);

const change = component(
	'Change',
	z
		.strictObject({
			previous: z.number(),
			latest: z.number(),
			delta: z.number().describe('latest − previous.'),
			threshold: z.number().describe('How large |delta| must be to be notable (1.96 × the combined standard error).'),
			notable: z.boolean().describe('False means “within noise”.'),
			direction: z.enum(['rise', 'fall', 'none'])
		})
		.describe('A change between two periods, judged against its noise.')
);

const areaInPeriod = {
	practices: z.int().min(0).describe('Practices now in the area.'),
	practicesShown: z.int().min(0).describe('Practices whose round in the period is shown.'),
	respondents: z.int().min(0).describe('Respondents of the shown practices’ rounds (a withheld practice’s are not counted).'),
	scores: byScore(areaFigure.nullable()).describe('Null where no practice has that score shown.'),
	bandCounts: z
		.strictObject(Object.fromEntries(BAND_COUNT_KINDS.map((k) => [k, z.int().min(0)])) as Record<(typeof BAND_COUNT_KINDS)[number], z.ZodInt>)
		.describe('Practices by band, and those that cannot be placed: not enough responses, no round, or an instrument of another series.')
};

const areaInPeriodSchema = component('AreaInPeriod', z.strictObject(areaInPeriod).describe('An area’s figures in the period.'));
const pcnInPeriod = component(
	'PcnInPeriod',
	z.strictObject({ ...areaInPeriod, id, name: z.string(), odsCode: z.string() }).describe('A PCN’s figures in the period.')
);

const suggestedAction = z.strictObject({ id: z.string(), title: z.string(), detail: z.string() });
const commonGap = component(
	'CommonGap',
	z
		.strictObject({
			construct,
			practicesBelow: z.int().min(0).describe('Practices whose shown score for this construct is below the construct minimum.'),
			practicesScored: z.int().min(0).describe('Practices with a shown score for this construct.'),
			pcnMean: z.number().describe('Mean of those practices’ scores.'),
			actions: z.array(suggestedAction).describe('Steps that would help several practices at once.')
		})
		.describe('A construct weak across the area.')
);

const gapCount = component(
	'GapCount',
	z
		.strictObject({
			itemId: z.string().describe('The infrastructure checklist item.'),
			gap: z.string().describe('What is missing, in the checklist’s words.'),
			aspect: z.enum(['interpersonal', 'structural', 'procedural', 'management']),
			construct,
			practicesWithGap: z.int().min(0).describe('Practices with a flag for it still open. Which practices is never said.')
		})
		.describe('An infrastructure gap link workers have flagged, counted across practices.')
);

const supportReason = z.discriminatedUnion('kind', [
	z.strictObject({ kind: z.literal('bolted_on'), mean: z.number() }),
	z.strictObject({ kind: z.literal('fall'), change }),
	z.strictObject({
		kind: z.literal('few_shown'),
		practices: z.int().min(0),
		shown: z.int().min(0),
		noRound: z.int().min(0),
		notEnough: z.int().min(0),
		otherInstrument: z.int().min(0)
	})
]);

const icbGlance = component(
	'IcbGlance',
	z
		.strictObject({
			needingSupport: z
				.array(z.strictObject({ pcnId: id, name: z.string(), reasons: z.array(supportReason) }))
				.describe('PCNs that may need support: bolted on overall, a notable fall, or too few practices with a figure. By name; nobody is ranked.'),
			figure: z.strictObject({
				now: areaFigure.nullable(),
				before: period.describe('The period of the same length just before.'),
				then: areaFigure.nullable(),
				change: change.nullable().describe('Null when either side has no spread to judge it by.')
			}),
			weakest: z.array(commonGap),
			sharedGaps: z.array(gapCount)
		})
		.describe('The ICB at a glance.')
);

const halfYear = component(
	'IcbHalfYear',
	z
		.strictObject({
			half: period.extend({ label: z.string().describe('e.g. “Apr–Sep 2026”.') }),
			practicesShown: z.int().min(0),
			respondents: z.int().min(0),
			scores: byScore(areaFigure.nullable())
		})
		.describe('The ICB in one half of the NHS financial year (April–September or October–March).')
);

const quartiles = z.strictObject({ lower: z.number(), median: z.number(), upper: z.number() }).describe('Quartiles of PCN scores, as R’s default (type 7) and Excel’s QUARTILE.INC compute them.');
const groupBenchmark = z.discriminatedUnion('shown', [
	z.strictObject({ shown: z.literal(true), practices: z.int().min(0), quartiles }),
	z.strictObject({ shown: z.literal(false), practices: z.int().min(0), practicesNeeded: z.int().positive() })
]);
const scoreBenchmark = z.discriminatedUnion('shown', [
	z.strictObject({
		shown: z.literal(true),
		practices: z.int().min(0),
		quartiles,
		place: z.enum(['above', 'within', 'below']).nullable().describe('Where the interval lies against the middle half; null when the own score is withheld.')
	}),
	z.strictObject({ shown: z.literal(false), practices: z.int().min(0), practicesNeeded: z.int().positive() })
]);

const icbBenchmarks = component(
	'IcbPcnBenchmarks',
	z
		.strictObject({
			period,
			minPcns: z.int().min(1).describe('The fewest PCNs with a figure that make a group; below it the group is not shown.'),
			group: byScore(groupBenchmark).describe('Every PCN of the service, per score. Never a minimum, maximum or rank.'),
			pcns: z.array(z.strictObject({ id, name: z.string(), scores: byScore(scoreBenchmark) }))
		})
		.describe('The ICB’s PCNs set beside every PCN of the service.')
);

const notSurveyed = z
	.array(z.strictObject({ pcnId: id, pcnName: z.string(), practices: z.array(z.strictObject({ id, name: z.string() })) }))
	.describe('Practices with no round taking answers at any time in the period, by PCN.');

const icbGaps = z
	.strictObject({ practices: z.int().min(0).describe('Practices in the ICB.'), items: z.array(gapCount) })
	.describe('Open infrastructure flags as counts of practices per checklist item.');

const bands = z
	.strictObject({ fittingIn: score010, belonging: score010, belongingConstructMinimum: score010 })
	.describe('The band thresholds on the 0–10 scale: fitting in from `fittingIn`; belonging from `belonging` with every construct at `belongingConstructMinimum` or above.');

const instruments = {
	instrument: apiInstrumentSchema.nullable().describe('The instrument every figure comes from; null with no round in the period.'),
	instruments: z.array(apiInstrumentSchema).describe('Every instrument version the practices’ rounds in the period used, most recent first.'),
	otherInstruments: z.int().min(0).describe('Practices whose round used an instrument of another series: in no figure.')
};

export const apiIcbDashboardSchema = component(
	'IcbDashboard',
	z
		.strictObject({
			icb: apiIcbSchema,
			period,
			minResponses,
			...instruments,
			bands,
			glance: icbGlance,
			figures: areaInPeriodSchema,
			pcns: z.array(pcnInPeriod),
			notSurveyed,
			overTime: z.array(halfYear),
			gaps: icbGaps,
			benchmarks: icbBenchmarks
		})
		.describe('Everything the ICB dashboard shows for the period.')
);

export const apiIcbPcnsSchema = component(
	'IcbPcns',
	z.strictObject({ icb: apiIcbSchema, period, minResponses, ...instruments, figures: areaInPeriodSchema, pcns: z.array(pcnInPeriod), benchmarks: icbBenchmarks })
);
export const apiIcbOverTimeSchema = component('IcbOverTime', z.strictObject({ icb: apiIcbSchema, ...instruments, overTime: z.array(halfYear) }));
export const apiIcbGapsSchema = component('IcbGaps', z.strictObject({ icb: apiIcbSchema, gaps: icbGaps }));

// The instrument report (views/instrument-report.ts).

const behind = {
	rounds: z.int().min(0).describe('Rounds pooled for this figure.'),
	practices: z.int().min(0).describe('Practices behind this figure.')
};

export const apiInstrumentReportSchema = component(
	'InstrumentReport',
	z
		.strictObject({
			instrument: z.strictObject({
				versionId: id.describe('The id used in this endpoint’s path.'),
				id: z.string(),
				title: z.string(),
				version: z.string(),
				source: z.enum(['built_in', 'imported']),
				authors: z.array(z.string()),
				licence: z.string(),
				licenceUrl: z.string().nullable(),
				citation: z.string(),
				doi: z.string().nullable()
			}),
			scope: z.strictObject({
				key: z.string().describe('As in `scope`: service, icb:<id> or pcn:<id>.'),
				kind: z.enum(['service', 'icb', 'pcn']),
				id: id.nullable(),
				name: z.string(),
				odsCode: z.string().nullable()
			}),
			minResponses,
			minRespondentsForAlpha: z.int().min(2).describe('The fewest people who answered every statement of a construct from whom α is computed.'),
			confidenceLevel: z.number().gt(0).lt(1),
			rounds: z
				.strictObject({ closed: z.int().min(0), shown: z.int().min(0), practices: z.int().min(0), respondents: z.int().min(0) })
				.describe('Closed rounds of the version in the scope; those shown (at least `minResponses` respondents); their practices and respondents.'),
			constructs: z.array(
				z.strictObject({
					...behind,
					construct,
					name: z.string(),
					itemIds: z.array(z.string()),
					complete: z.int().min(0).describe('People who scored every statement of the construct.'),
					minimum: z.int().min(0).describe('The fewest such people α is shown from.'),
					alpha: z.number().nullable().describe('Cronbach’s α; null when withheld (see `withheld`).'),
					interval: interval.nullable(),
					withheld: z.string().nullable().describe('Why α is not shown, in words; null when it is.'),
					interItem: z.strictObject({ min: z.number(), max: z.number() }).nullable().describe('Range of inter-item correlations.'),
					readings: z.array(z.string()).describe('What the figures suggest, in words.')
				})
			),
			items: z.array(
				z.strictObject({
					...behind,
					itemId: z.string(),
					text: z.string(),
					construct,
					reversed: z.boolean(),
					itemRest: z.number().nullable().describe('Item–rest correlation in its construct.'),
					alphaIfDropped: z.number().nullable(),
					rates: z.strictObject({
						itemId: z.string(),
						asked: z.int().min(0).describe('People asked the statement.'),
						scored: z.int().min(0).describe('People who gave it a point from 1 to 5.'),
						notRelevant: z
							.strictObject({ role: z.number(), stage: z.number(), practice: z.number() })
							.nullable()
							.describe('Shares of the people asked answering “not relevant” to my role, at this stage, or to how this practice works. ' + WITHHELD),
						skipped: z.number().nullable().describe('Share of the people asked who left it blank. ' + WITHHELD),
						floor: z.number().nullable().describe('Share of the scored answers at 0. ' + WITHHELD),
						ceiling: z.number().nullable().describe('Share of the scored answers at 10. ' + WITHHELD)
					}),
					readings: z.array(z.string())
				})
			),
			thresholds: z.record(z.string(), z.number()).describe('The thresholds the readings use (never pass marks).'),
			nomad: z.strictObject({ low: z.number(), high: z.number(), text: z.string() })
		})
		.describe('How an instrument version performs in a scope: reliability (α) per construct and each statement’s answer rates, pooled over the closed rounds shown.')
);

/** The one error shape of the API, whoever refuses. */
export const apiErrorSchema = component(
	'Error',
	z
		.strictObject({
			error: z.strictObject({
				status: z.int().min(400).max(599).describe('The HTTP status, repeated.'),
				message: z.string().describe('What went wrong and what to do, in plain words.')
			})
		})
		.describe('Every refusal: 400 a bad query, 401 no or a bad token, 403 a role the endpoint is not for, 404 not there or not in your scope, 405 not GET, 429 too many requests, 503 the database is away.')
);

/** The answer types, for the builders and routes to return. */
export type ApiPcn = z.infer<typeof apiPcnSchema>;
export type ApiIcb = z.infer<typeof apiIcbSchema>;
export type ApiPractice = z.infer<typeof apiPracticeSchema>;
export type ApiMe = z.infer<typeof apiMeSchema>;
export type ApiScore = z.infer<typeof apiScoreSchema>;
export type ApiInstrument = z.infer<typeof apiInstrumentSchema>;
export type ApiRound = z.infer<typeof apiRoundSchema>;
export type ApiPracticeRounds = z.infer<typeof apiPracticeRoundsSchema>;
export type ApiPcnRounds = z.infer<typeof apiPcnRoundsSchema>;
export type ApiHeatmap = z.infer<typeof apiHeatmapSchema>;
export type ApiHeatmapScore = z.infer<typeof heatmapScore>;
export type ApiHeatmapPractice = ApiHeatmap['practices'][number];
export type ApiIcbDashboard = z.infer<typeof apiIcbDashboardSchema>;
export type ApiIcbPcns = z.infer<typeof apiIcbPcnsSchema>;
export type ApiIcbOverTime = z.infer<typeof apiIcbOverTimeSchema>;
export type ApiIcbGaps = z.infer<typeof apiIcbGapsSchema>;
export type ApiInstrumentReport = z.infer<typeof apiInstrumentReportSchema>;

/*
 * The ICB dashboard and the instrument report are the pages' own view types, sent as they are.
 * These lines make tsc fail when a view type and its schema stop describing the same data.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
export type ViewTypesAgreeWithSchemas = [
	Expect<Same<IcbDashboard['glance'], z.infer<typeof icbGlance>>>,
	Expect<Same<IcbDashboard['figures'], z.infer<typeof areaInPeriodSchema>>>,
	Expect<Same<IcbDashboard['pcns'], z.infer<typeof pcnInPeriod>[]>>,
	Expect<Same<IcbDashboard['notSurveyed'], z.infer<typeof notSurveyed>>>,
	Expect<Same<IcbDashboard['overTime'], z.infer<typeof halfYear>[]>>,
	Expect<Same<IcbDashboard['gaps'], z.infer<typeof icbGaps>>>,
	Expect<Same<IcbDashboard['benchmarks'], z.infer<typeof icbBenchmarks>>>,
	Expect<Same<IcbDashboard['bands'], z.infer<typeof bands>>>,
	Expect<Same<IcbDashboard['icb'], ApiIcb>>,
	Expect<Same<InstrumentReport, z.infer<typeof apiInstrumentReportSchema>>>
];
