/**
 * The link worker's side of the PCN dashboard: the infrastructure gaps across the network's
 * practices (a matrix of practices × checklist items) and each practice's perception gap on
 * the round the dashboard already shows. The flags come through flags.ts, so the viewer sees
 * exactly the flags the visibility rules give them: a PCN lead each flag to open, an ICB lead
 * only how far each shared flag has got. The staff scores come from the dashboard rows, so
 * nothing the disclosure rules withheld reappears here.
 */
import { UNRESOLVED_STATES } from '../../npt/flag-lifecycle';
import { constructMeans } from '../../npt/constructs';
import { ASPECTS, ASPECT_LABELS, CURRENT_CHECKLIST, checklistItem } from '../../npt/infrastructure';
import { describeGap, linkWorkerScores, perceptionGap } from '../../npt/perception-gap';
import { instrumentLabelOf } from '../../npt/instrument-comparability';
import { getAssessmentsForRounds } from './assessments';
import type { DbOrTx } from '../db';
import { listFlagStatusesForPcn, listFlagsForPcn, type FlagStatus } from './flags';
import type { PcnPractice } from '../../views/pcn-dashboard';
import type { SignedInUser } from '../identity';
import type { GapMatrixCell, GapMatrixFlagState, GapMatrixItem, GapMatrix, PcnPerceptionRow } from '../../views/pcn-gaps';

const UNRESOLVED_ORDER = new Map(UNRESOLVED_STATES.map((state, i) => [state, i]));

/**
 * Builds the matrix from flags the viewer may already see, each cell's flags as `show` gives
 * them (what this viewer may know of one flag). Pure, so the counts are easy to check.
 */
export function buildGapMatrix<T extends FlagStatus, F extends GapMatrixFlagState>(
	practices: readonly { id: number; name: string }[],
	flags: readonly T[],
	show: (flag: T) => F
): GapMatrix<F> {
	const itemIds = [...new Set(flags.map((f) => f.itemId))];
	const items = itemIds.flatMap((itemId): GapMatrixItem<F>[] => {
		const ofItem = flags.filter((f) => f.itemId === itemId);
		// The current wording where the item still exists, else the wording it was raised under.
		const item = checklistItem(CURRENT_CHECKLIST, itemId) ?? ofItem.find((f) => f.item)?.item;
		if (!item) return [];
		const cells = practices.map((practice): GapMatrixCell<F> => {
			const here = ofItem.filter((f) => f.practiceId === practice.id);
			const unresolved = here
				.filter((f) => UNRESOLVED_ORDER.has(f.state))
				.sort((a, b) => UNRESOLVED_ORDER.get(a.state)! - UNRESOLVED_ORDER.get(b.state)! || a.id - b.id)
				.map(show);
			const latestClosed = here
				.filter((f) => !UNRESOLVED_ORDER.has(f.state))
				.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id)[0];
			return { practiceId: practice.id, unresolved, closed: unresolved.length === 0 && latestClosed ? show(latestClosed) : null };
		});
		const flagsByState = UNRESOLVED_STATES.map((state) => ({
			state,
			count: cells.reduce((n, c) => n + c.unresolved.filter((f) => f.state === state).length, 0)
		})).filter((s) => s.count > 0);
		return [
			{
				item,
				cells,
				practicesWithGap: cells.filter((c) => c.unresolved.length > 0).length,
				flagsByState,
				practicesClosed: cells.filter((c) => c.closed !== null).length
			}
		];
	});
	const checklistOrder = new Map(CURRENT_CHECKLIST.items.map((item, i) => [item.id, i]));
	const aspects = ASPECTS.map((aspect) => ({
		aspect,
		label: ASPECT_LABELS[aspect],
		items: items
			.filter((i) => i.item.aspect === aspect)
			// The gaps most practices share first: the ones worth solving once for the whole PCN.
			.sort(
				(a, b) =>
					b.practicesWithGap - a.practicesWithGap ||
					(checklistOrder.get(a.item.id) ?? Infinity) - (checklistOrder.get(b.item.id) ?? Infinity)
			)
	})).filter((a) => a.items.length > 0);
	return { practices: practices.map((p) => ({ id: p.id, name: p.name })), aspects };
}

/** The gap matrix of a PCN as this viewer acts on it: each flag they may open, with who raised it. */
export async function getPcnGapMatrix(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	practices: readonly { id: number; name: string }[]
): Promise<GapMatrix> {
	const flags = await listFlagsForPcn(db, viewer, pcnId);
	return buildGapMatrix(practices, flags, (f) => ({ id: f.id, state: f.state, raisedBy: f.raisedBy.name }));
}

/**
 * The gap matrix as a reader of the PCN (an ICB lead) sees it, from the flags flags.ts lets them
 * read: each flag's state alone, with nothing to open and no one named.
 */
export async function readPcnGapMatrix(
	db: DbOrTx,
	viewer: SignedInUser,
	pcnId: number,
	practices: readonly { id: number; name: string }[]
): Promise<GapMatrix<GapMatrixFlagState>> {
	const flags = await listFlagStatusesForPcn(db, viewer, pcnId);
	return buildGapMatrix(practices, flags, (f) => ({ state: f.state }));
}

/**
 * Each practice's perception gap on its chosen round: every link worker's own view of that
 * round, one row each. Views are signed and personal, so they are listed, not averaged: an
 * average of two people who disagree would describe neither. One batched read for all rounds.
 */
export async function getPcnPerceptionGaps(db: DbOrTx, practices: readonly PcnPractice[]): Promise<PcnPerceptionRow[]> {
	const roundIds = practices.flatMap((p) => (p.round && p.state === 'shown' ? [p.round.id] : []));
	const assessments = await getAssessmentsForRounds(db, roundIds);
	return [...practices]
		.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)
		.map((practice): PcnPerceptionRow => {
			const base = { practiceId: practice.id, name: practice.name };
			if (!practice.round || practice.state === 'no_round') return { ...base, state: 'no_round' };
			const round = { id: practice.round.id, title: practice.round.title };
			if (practice.state !== 'shown') return { ...base, state: 'withheld', round };
			const own = assessments.filter((a) => a.roundId === round.id);
			if (own.length === 0) return { ...base, state: 'no_assessment', round };
			const staffConstructs = constructMeans(practice.scores);
			return {
				...base,
				state: 'compared',
				round,
				linkWorkers: own.map((a) => {
					const gap = perceptionGap(a.instrument, { constructs: staffConstructs, items: {} }, linkWorkerScores(a.instrument, a.agreement));
					const top = gap.biggest;
					const topGap = top ? gap.constructs[top.construct] : null;
					return {
						userId: a.userId,
						name: a.linkWorkerName,
						updatedAt: a.updatedAt,
						instrument: instrumentLabelOf(a.instrument),
						constructs: gap.constructs,
						biggest:
							top && topGap && topGap.staff !== null && topGap.linkWorker !== null
								? { construct: top.construct, gap: top.gap, large: topGap.large, text: describeGap(top.construct, topGap.staff, topGap.linkWorker) }
								: null
					};
				})
			};
		});
}
