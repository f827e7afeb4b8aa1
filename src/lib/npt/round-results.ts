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
	type DisclosureRules
} from './disclosure';
import type { BandThresholds, Instrument } from './instrument';
import { responseRate } from './response-rate';
import {
	internalConsistency,
	scoreGroup,
	scoreRespondent,
	summariseGeneralItems,
	summariseItems,
	type Consistency,
	type GeneralItemResult,
	type GroupScore,
	type ItemResult,
	type Respondent,
	type RespondentScores
} from './scoring';

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
	items: { itemId: string; result: Disclosed<ItemResult> }[];
	general: { itemId: string; result: Disclosed<GeneralItemResult> }[];
	consistency: Record<Construct, Consistency>;
	roleGroups: RoleGroupResult[];
	comments: string[];
}

export type RoundResults = WithheldRound | ShownRound;

/** A group's overall and construct scores, each shown only when enough people have it. */
export function discloseScores(
	instrument: Instrument,
	respondents: readonly Respondent[],
	rules: DisclosureRules
): DisclosedScores {
	const scores = scoreGroup(instrument, respondents);
	const constructs = {} as Record<Construct, Disclosed<GroupScore>>;
	for (const construct of CONSTRUCTS) {
		const score = scores.constructs[construct];
		constructs[construct] = disclose(score.n, score, rules);
	}
	return { overall: disclose(scores.overall.n, scores.overall, rules), constructs };
}

/** Where disclosed scores sit on the continuum; null when the overall score is withheld. */
export function placementOf(scores: DisclosedScores, bands: BandThresholds): Placement | null {
	return scores.overall.shown ? placeOnContinuum(scores.overall, constructMeans(scores.constructs), bands) : null;
}

/**
 * What a role group's figures rest on. Besides the overall and construct scores, the people are
 * counted by how many constructs they scored: a person's overall is the mean of their own
 * constructs, so a group's overall set beside its four construct scores tells apart the total of
 * those who scored all four from the total of those who scored fewer. Each of those sets must be
 * none or big enough too, or one person who skipped a construct could be worked out.
 */
type Figure = 'overall' | Construct | 'allConstructs' | 'someConstructs' | 'tooFewConstructs';

function countsOf(scores: readonly RespondentScores[]) {
	const figures = { overall: 0, allConstructs: 0, someConstructs: 0, tooFewConstructs: 0 } as Record<Figure, number>;
	for (const construct of CONSTRUCTS) figures[construct] = 0;
	for (const score of scores) {
		const scored = CONSTRUCTS.filter((construct) => score.constructs[construct] !== null);
		for (const construct of scored) figures[construct] += 1;
		if (score.overall !== null) figures.overall += 1;
		if (scored.length === CONSTRUCTS.length) figures.allConstructs += 1;
		else if (score.overall !== null) figures.someConstructs += 1;
		else if (scored.length > 0) figures.tooFewConstructs += 1;
	}
	return { respondents: scores.length, figures };
}

/** The counts behind each role group's figures, scoring each respondent once. */
function figureCounts(instrument: Instrument, respondents: readonly Respondent[]) {
	const scores = respondents.map((r) => scoreRespondent(instrument, r));
	const groups = new Map(
		instrument.roleGroups.map(({ id }) => [id, countsOf(scores.filter((_, i) => respondents[i]!.roleGroup === id))])
	);
	return { groups, totals: countsOf(scores) };
}

export function summariseRound(
	input: RoundInput,
	rules: DisclosureRules,
	random: () => number
): RoundResults {
	const { instrument, respondents } = input;
	const count = respondents.length;
	if (!canShow(count, rules)) return { shown: false, respondentsNeeded: respondentsNeeded(count, rules) };

	const scores = discloseScores(instrument, respondents, rules);
	const placement = placementOf(scores, instrument.bands);

	const counts = figureCounts(instrument, respondents);
	const shownGroups = disclosableRoleGroupsPerFigure(counts.groups, counts.totals, rules);
	const roleGroups: RoleGroupResult[] = instrument.roleGroups.map(({ id }) => {
		if (!shownGroups.has(id)) return { roleGroup: id, result: { shown: false } };
		const members = respondents.filter((r) => r.roleGroup === id);
		return {
			roleGroup: id,
			result: {
				shown: true,
				respondents: members.length,
				scores: discloseScores(instrument, members, rules)
			}
		};
	});

	const consistency = {} as Record<Construct, Consistency>;
	for (const construct of CONSTRUCTS) {
		consistency[construct] = internalConsistency(instrument, respondents, construct);
	}

	return {
		shown: true,
		respondents: count,
		staffHeadcount: input.staffHeadcount,
		responseRate: responseRate(count, input.staffHeadcount),
		scores,
		placement,
		items: summariseItems(instrument, respondents).map((item) => ({
			itemId: item.itemId,
			result: disclose(item.answered, item, rules)
		})),
		general: summariseGeneralItems(instrument, respondents).map((item) => ({
			itemId: item.itemId,
			result: disclose(item.score.n, item, rules)
		})),
		consistency,
		roleGroups,
		comments: shuffle(input.comments, random)
	};
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
		respondentsNeeded: respondentsNeeded(respondents, rules),
		sofar: disclose(
			respondents,
			{ respondents, responseRate: responseRate(respondents, staffHeadcount) },
			rules
		)
	};
}
