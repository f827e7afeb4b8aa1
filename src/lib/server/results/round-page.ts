/**
 * A round's page as this viewer may see it: its results (every figure through docs/scoring.md §6 in
 * round-report.ts), its progress by day once that tells nothing about who answered, the downloads
 * this viewer is offered, and what they may do with the round. The read is audited here.
 */
import { formatDate } from '../../dates';
import type { DbOrTx } from '../db';
import type { SignedInUser } from '../identity';
import { ROUND_MANAGERS } from '../access';
import { recordAudit } from '../platform/audit';
import type { Config } from '../platform/config';
import { describeRound, getRoundProgressByDay } from '../surveys/rounds';
import { EXPORT_KINDS, EXPORT_NAMES, exportReaders, type ExportKind } from './round-exports';
import { getRoundReport, type RoundReport } from './round-report';

export interface RoundDownload {
	kind: ExportKind;
	name: string;
	href: string;
	/** The same table as an Excel workbook. */
	xlsxHref: string;
}

/**
 * The CSV files offered for a round: none before it closes; its scores and item results once it
 * has; its raw answers only when it reached the minimum, only to those who run rounds (never a
 * link worker: `exportReaders`, the rule the export route refuses by), and only while retention
 * has not reduced it to its summary. The export endpoint refuses the same cases on its own.
 */
export function downloadsOffered(report: Pick<RoundReport, 'round' | 'outcome'>, viewer: Pick<SignedInUser, 'role'>): RoundDownload[] {
	const { round, outcome } = report;
	if (outcome.stage !== 'closed') return [];
	const answersKept = outcome.results.shown && !round.answers_reduced_on;
	const kinds = EXPORT_KINDS.filter((kind) => exportReaders(kind).includes(viewer.role) && (kind !== 'answers' || answersKept));
	return kinds.map((kind) => ({ kind, name: EXPORT_NAMES[kind], href: `/rounds/${round.id}/export/${kind}.csv`, xlsxHref: `/rounds/${round.id}/export/${kind}.xlsx` }));
}

/**
 * Undefined (and nothing audited) when there is no such round; the caller has checked the
 * viewer's scope. `askedToDelete` is whether the page was asked for the delete question
 * (`?confirm=delete`): it is put only to someone who may delete the round, and only for a draft.
 */
export async function viewRound(
	db: DbOrTx,
	viewer: SignedInUser,
	roundId: number,
	config: Pick<Config, 'minResponses' | 'retention'>,
	today: string,
	askedToDelete = false
) {
	const report = await getRoundReport(db, roundId, config, today);
	if (!report) return undefined;
	const { round, instrument, builtIn, outcome } = report;
	await recordAudit(db, viewer, {
		action: 'results_viewed',
		summary: `Viewed results of round ${round.id} “${round.title}” at ${round.practice.name}`,
		practiceId: round.practice.id
	});
	const canManage = ROUND_MANAGERS.includes(viewer.role);
	// The per-day counts are read only once the round has enough responses (docs/scoring.md §6): below
	// that, they would tell how many people answered, and on which day.
	const progressByDay =
		outcome.stage === 'collecting' && outcome.progress.sofar.shown
			? await getRoundProgressByDay(db, round.id, today < round.closes_on ? today : round.closes_on)
			: null;
	return {
		round: describeRound(round),
		instrument,
		builtIn,
		outcome,
		progressByDay,
		downloads: downloadsOffered(report, viewer),
		canManage,
		/** The question before a draft is deleted, in place of the page. */
		confirmDelete: canManage && outcome.stage === 'draft' && askedToDelete,
		/** Link workers give their own (signed) view of any round that is not a draft. */
		canAssess: viewer.role === 'link_worker' && outcome.stage !== 'draft',
		/** What retention has taken from the round already, and the policy it followed. */
		retention: {
			commentsDeletedOn: round.comments_deleted_on && formatDate(round.comments_deleted_on),
			answersReducedOn: round.answers_reduced_on && formatDate(round.answers_reduced_on),
			...config.retention
		}
	};
}
