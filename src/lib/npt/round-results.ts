/**
 * Everything a practice round's results page may show, with every disclosure rule already
 * applied: a withheld figure is absent from the data, not merely hidden in the page.
 */
import { CONSTRUCTS, type Construct } from './constructs';
import { placeOnContinuum, type Placement } from './continuum';
import {
	canShow,
	disclose,
	disclosableRoleGroups,
	respondentsNeeded,
	shuffle,
	type Disclosed,
	type DisclosureRules
} from './disclosure';
import type { Instrument } from './instrument';
import {
	internalConsistency,
	scoreGroup,
	summariseGeneralItems,
	summariseItems,
	type Consistency,
	type GeneralItemResult,
	type GroupScore,
	type ItemResult,
	type Respondent
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

function discloseScores(
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

export function summariseRound(
	input: RoundInput,
	rules: DisclosureRules,
	random: () => number
): RoundResults {
	const { instrument, respondents } = input;
	const count = respondents.length;
	if (!canShow(count, rules)) return { shown: false, respondentsNeeded: respondentsNeeded(count, rules) };

	const scores = discloseScores(instrument, respondents, rules);
	const constructMeans = {} as Record<Construct, number | null>;
	for (const construct of CONSTRUCTS) {
		const score = scores.constructs[construct];
		constructMeans[construct] = score.shown ? score.mean : null;
	}
	const placement = scores.overall.shown
		? placeOnContinuum(scores.overall, constructMeans, instrument.bands)
		: null;

	const groupSizes = new Map(instrument.roleGroups.map((g) => [g.id, 0]));
	for (const r of respondents) {
		if (r.roleGroup !== null && groupSizes.has(r.roleGroup)) {
			groupSizes.set(r.roleGroup, groupSizes.get(r.roleGroup)! + 1);
		}
	}
	const shownGroups = disclosableRoleGroups(groupSizes, count, rules);
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
		responseRate: input.staffHeadcount ? count / input.staffHeadcount : null,
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
			{ respondents, responseRate: staffHeadcount ? respondents / staffHeadcount : null },
			rules
		)
	};
}
