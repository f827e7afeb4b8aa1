/**
 * Closing a round by hand, in two steps: first what it would do (the responses so far, whether
 * results will be shown, and what the practice dashboard will lead with), then the close itself,
 * only when the manager confirms what they were told and it is still true.
 */
import { formatDate } from '../../dates';
import { previewClosing, type ClosingPreview } from '../../npt/practice-rounds';
import { closeDateOf } from '../../npt/round-schedule';
import { onePractice } from '../accounts/scope';
import type { Db, DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { refuse, type Outcome } from '../platform/outcome';
import type { Config } from '../platform/config';
import { loadRoundData } from '../results/round-data';
import { closeRound, type RoundChange } from './round-lifecycle';
import { describeRound, getRound } from './rounds';

export interface RoundClosingView {
	round: ReturnType<typeof describeRound>;
	preview: ClosingPreview;
	/** What the confirmation said, in a form field: the close goes ahead only while it still holds. */
	stated: string;
}

/** The facts the confirmation states, in one short string to compare. */
function statedOf(preview: ClosingPreview): string {
	return [preview.closesOn, preview.resultsShown ? 'shown' : 'withheld', preview.headlineNow?.id ?? 'none', preview.headlineAfter?.id ?? 'none'].join(':');
}

/** What closing the round today would do; refused for a round that is a draft or has closed. The caller has checked scope. */
export async function viewRoundClosing(
	db: DbOrTx,
	roundId: number,
	config: Pick<Config, 'minResponses'>,
	today: string
): Promise<Outcome<{ view: RoundClosingView }>> {
	const round = await getRound(db, roundId);
	if (!round) return refuse(404, 'We could not find that survey round.');
	const data = await loadRoundData(db, { practices: onePractice(db, round.practice_id) }, today);
	const preview = previewClosing(data.roundsOf(round.practice_id), roundId, today, { minResponses: config.minResponses });
	if (!preview) {
		return round.status === 'draft'
			? refuse(409, 'This round is still a draft: it has not opened, so there is nothing to close.')
			: refuse(409, `This round has already closed, on ${formatDate(closeDateOf(round))}. Nothing was changed.`);
	}
	return { ok: true, view: { round: describeRound(round), preview, stated: statedOf(preview) } };
}

/**
 * Closes the round if what the manager confirmed (`stated`) is still what closing it would do:
 * a confirmation left open while answers came in, or the day turned, is shown again instead.
 */
export async function closeRoundAsConfirmed(
	db: Db,
	roundId: number,
	actor: SignedInUser,
	input: { stated: string; config: Pick<Config, 'minResponses'>; today: string }
): Promise<RoundChange> {
	const viewed = await viewRoundClosing(db, roundId, input.config, input.today);
	if (!viewed.ok) return viewed;
	if (viewed.view.stated !== input.stated) {
		return refuse(409, 'Something has changed since this page was shown (more answers, or a new day). Nothing was closed: read it again below and confirm if you still want to close the round.');
	}
	return closeRound(db, roundId, actor, input.today);
}
