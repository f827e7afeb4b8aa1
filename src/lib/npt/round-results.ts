/**
 * Everything a practice round's results page may show, with every disclosure rule already
 * applied: a withheld figure is absent from the data, not merely hidden in the page.
 */
import { constructMeans, CONSTRUCTS, type Construct } from './constructs';
import { placeOnContinuum, type Placement } from './continuum';
import {
	canShow,
	disclose,
	disclosableRoleGroupsPerFigure,
	respondentsNeeded,
	shuffle,
	type Disclosed,
	type DisclosureRules,
	type Shown,
	type Withheld
} from './disclosure';
import type { BandThresholds, Instrument } from './instrument';
import { responseRate } from './response-rate';
import {
	consistencyFrom,
	emptyGroupSummary,
	figureCountsOf,
	generalResultsFrom,
	groupScoresFrom,
	statementResultsFrom,
	summariseRespondents,
	type GroupSummary,
	type RoundSummary
} from './round-summary';
import type { Consistency, GeneralItemResult, GroupScore, ItemResult, Respondent } from './scoring';

export interface RoundInput {
	instrument: Instrument;
	respondents: readonly Respondent[];
	comments: readonly string[];
	staffHeadcount: number | null;
}

export interface DisclosedScores {
	overall: Disclosed<GroupScore>;
	constructs: Record<Construct, Disclosed<GroupScore>>;
}

/**
 * A statement's results: its distribution, "% agree" and interval only when enough people scored
 * it; its "not relevant" counts always, since they are counts of answers, not shares (§3).
 */
export type StatementResult = Shown<ItemResult> | (Withheld & Pick<ItemResult, 'notRelevant' | 'notRelevantTotal'>);

export function discloseStatement(item: ItemResult, rules: DisclosureRules): StatementResult {
	if (canShow({ scored: item.counts }, rules)) return { ...item, shown: true };
	return { shown: false, notRelevant: item.notRelevant, notRelevantTotal: item.notRelevantTotal };
}

export interface RoleGroupResult {
	roleGroup: string;
	result: Disclosed<{ respondents: number; scores: DisclosedScores }>;
}

export interface WithheldRound {
	shown: false;
	respondentsNeeded: number;
}

export interface ShownRound {
	shown: true;
	respondents: number;
	staffHeadcount: number | null;
	/** Respondents ÷ the headcount the practice manager entered; null without a headcount. */
	responseRate: number | null;
	scores: DisclosedScores;
	placement: Placement | null;
	items: { itemId: string; result: StatementResult }[];
	general: { itemId: string; result: Disclosed<GeneralItemResult> }[];
	consistency: Record<Construct, Consistency>;
	roleGroups: RoleGroupResult[];
	comments: string[];
}

export type RoundResults = WithheldRound | ShownRound;

/** A group's overall and construct scores, each shown only when enough people have it. */
export function discloseGroupScores(group: GroupSummary, confidenceLevel: number, rules: DisclosureRules): DisclosedScores {
	const scores = groupScoresFrom(group, confidenceLevel);
	const constructs = {} as Record<Construct, Disclosed<GroupScore>>;
	for (const construct of CONSTRUCTS) {
		const score = scores.constructs[construct];
		constructs[construct] = disclose({ score }, score, rules);
	}
	return { overall: disclose({ score: scores.overall }, scores.overall, rules), constructs };
}

/** Where disclosed scores sit on the continuum; null when the overall score is withheld. */
export function placementOf(scores: DisclosedScores, bands: BandThresholds): Placement | null {
	return scores.overall.shown ? placeOnContinuum(scores.overall, constructMeans(scores.constructs), bands) : null;
}

/** A closed round's summary, with what is shown beside its figures. */
export interface SummaryInput {
	instrument: Instrument;
	summary: RoundSummary;
	comments: readonly string[];
	staffHeadcount: number | null;
}

/**
 * Every figure of a round from its summary. What a role group's figures rest on is counted
 * beyond its size (figureCountsOf): a person's overall is the mean of their own constructs, so a
 * group's overall beside its four construct scores tells apart those who scored all four from
 * those who scored fewer, and each of those sets must be none or big enough too.
 */
export function roundResultsFrom(input: SummaryInput, rules: DisclosureRules, random: () => number): RoundResults {
	const { instrument, summary } = input;
	const count = summary.everyone.respondents;
	const round = { respondents: count };
	if (!canShow(round, rules)) return { shown: false, respondentsNeeded: respondentsNeeded(round, rules) };
	const level = instrument.scoring.confidenceLevel;

	const scores = discloseGroupScores(summary.everyone, level, rules);
	const placement = placementOf(scores, instrument.bands);

	const groupOf = (id: string) => summary.roleGroups[id];
	const counts = new Map(instrument.roleGroups.map(({ id }) => [id, figureCountsOf(groupOf(id) ?? emptyGroupSummary())]));
	const shownGroups = disclosableRoleGroupsPerFigure(counts, figureCountsOf(summary.everyone), rules);
	const roleGroups: RoleGroupResult[] = instrument.roleGroups.map(({ id }) => {
		const group = groupOf(id);
		if (!shownGroups.has(id) || !group) return { roleGroup: id, result: { shown: false } };
		return { roleGroup: id, result: { shown: true, respondents: group.respondents, scores: discloseGroupScores(group, level, rules) } };
	});

	const consistency = {} as Record<Construct, Consistency>;
	for (const construct of CONSTRUCTS) consistency[construct] = consistencyFrom(instrument, summary.consistency[construct]);

	return {
		shown: true,
		respondents: count,
		staffHeadcount: input.staffHeadcount,
		responseRate: responseRate(count, input.staffHeadcount),
		scores,
		placement,
		items: statementResultsFrom(instrument, summary).map((item) => ({ itemId: item.itemId, result: discloseStatement(item, rules) })),
		general: generalResultsFrom(instrument, summary).map((item) => ({ itemId: item.itemId, result: disclose({ score: item.score }, item, rules) })),
		consistency,
		roleGroups,
		comments: shuffle(input.comments, random)
	};
}

/** The same, for a list of respondents: the round summed up first, exactly as when it is stored. */
export function summariseRound(input: RoundInput, rules: DisclosureRules, random: () => number): RoundResults {
	return roundResultsFrom({ ...input, summary: summariseRespondents(input.instrument, input.respondents) }, rules, random);
}

export interface RoundProgress {
	respondentsNeeded: number;
	/** How many have answered so far, and their share of the headcount: only once the minimum is reached. */
	sofar: Disclosed<{ respondents: number; responseRate: number | null }>;
}

/** What may be said about a round that is still collecting answers: no scores, ever. */
export function summariseProgress(
	respondents: number,
	staffHeadcount: number | null,
	rules: DisclosureRules
): RoundProgress {
	return {
		respondentsNeeded: respondentsNeeded({ respondents }, rules),
		sofar: disclose(
			{ respondents },
			{ respondents, responseRate: responseRate(respondents, staffHeadcount) },
			rules
		)
	};
}
