/**
 * Which columns of a round's raw answers may leave the product (docs/scoring.md §6: an export of
 * answers is a figure too). A column goes out only when every figure it could be computed into
 * is one the round's page shows, so nothing worked out from the export, alone or beside the
 * page, is a figure the page withholds, and every figure worked out from it equals the page's.
 *
 * The agreement answers go out all together or not at all: only when the page shows every
 * statement's distribution, every construct score and the overall score. Anything less gives
 * something away. A statement left out of a shown construct is the construct score on the page
 * minus what the others give; a construct left out while the overall is shown is, person by
 * person, the overall minus the other constructs; and with the overall withheld, the constructs
 * that went out would give the overall of everyone who scored only those.
 * A general rating's answers give its mean and distribution only: out when those are shown.
 */
import { CONSTRUCTS, type Construct } from './constructs';
import type { Instrument } from './instrument';
import type { ShownRound } from './round-results';

export type WithheldColumn =
	/** Fewer than the minimum scored this statement. */
	| { kind: 'statement' }
	/** Fewer than the minimum have a score for this statement's construct. */
	| { kind: 'construct'; construct: Construct }
	/** This statement's figures are shown, but these others are not, so no agreement answer goes out. */
	| { kind: 'others'; statements: string[]; constructs: Construct[]; overall: boolean }
	/** Fewer than the minimum gave this general rating. */
	| { kind: 'rating' };

export interface AnswerColumns {
	/** By statement id: null when its answers go out, otherwise why they are withheld. */
	statements: Record<string, WithheldColumn | null>;
	/** By general item id, the same. */
	general: Record<string, WithheldColumn | null>;
}

export function rawAnswerColumns(instrument: Pick<Instrument, 'items' | 'generalItems'>, results: ShownRound): AnswerColumns {
	const statementShown = new Map(results.items.map(({ itemId, result }) => [itemId, result.shown]));
	const others: WithheldColumn = {
		kind: 'others',
		statements: instrument.items.filter((item) => !statementShown.get(item.id)).map((item) => item.id),
		constructs: CONSTRUCTS.filter((construct) => !results.scores.constructs[construct].shown),
		overall: !results.scores.overall.shown
	};
	const allShown = others.statements.length === 0 && others.constructs.length === 0 && !others.overall;

	const statements: Record<string, WithheldColumn | null> = {};
	for (const item of instrument.items) {
		const { construct } = item;
		if (!statementShown.get(item.id)) statements[item.id] = { kind: 'statement' };
		else if (!results.scores.constructs[construct].shown) statements[item.id] = { kind: 'construct', construct };
		else statements[item.id] = allShown ? null : others;
	}
	const ratingShown = new Map(results.general.map(({ itemId, result }) => [itemId, result.shown]));
	const general: Record<string, WithheldColumn | null> = {};
	for (const item of instrument.generalItems) general[item.id] = ratingShown.get(item.id) ? null : { kind: 'rating' };
	return { statements, general };
}
