/**
 * The link worker's own assessment of a practice in a round (docs/scoring.md §6). It is signed, so it
 * is stored in its own tables and read only here: staff scores never see it. A link worker may
 * assess any round that is not a draft at a practice they are assigned to, and may change their
 * answers at any time (a later view replaces the earlier one, with its time shown); the
 * perception gap always reflects their current view.
 */
import { isAgreementPoint, type AgreementAnswer } from '../../npt/answers';
import type { Instrument } from '../../npt/instrument';
import { instrumentLabelOf } from '../../npt/instrument-comparability';
import { linkWorkerScores, perceptionGap, staffSideOf } from '../../npt/perception-gap';
import type { RoundResults } from '../../npt/round-results';
import { checkSubmission } from '../../npt/submission';
import { recordAudit } from '../platform/audit';
import { refuse, refuseProblems, type Outcome, type Refusal } from '../platform/outcome';
import type { Db, DbOrTx } from '../db';
import { instrumentsOf, itemIdsOf, listInstrumentVersions } from '../surveys/instruments';
import type { SignedInUser } from '../identity';
import type { PerceptionGapView } from '../../views/perception-gap';

/** Only the statements: the link worker form asks nothing else, so any other field is refused. */
export function statementsOnly(instrument: Instrument): Instrument {
	return { ...instrument, generalItems: [], roleGroups: [], freeText: undefined };
}

/**
 * The link-worker version paired with a round's staff version (its `pairedWith` names that staff
 * instrument and version; the newest such when there are several): what a new assessment of the
 * round uses. Undefined when the round's staff survey has no link-worker counterpart, so there
 * is nothing for the link worker to answer.
 */
export async function linkWorkerInstrumentFor(
	db: DbOrTx,
	roundId: number
): Promise<{ versionId: number; instrument: Instrument } | undefined> {
	const round = await db.selectFrom('round').select('instrument_version_id').where('id', '=', roundId).executeTakeFirst();
	if (!round) return undefined;
	const staff = (await instrumentsOf(db, [round.instrument_version_id])).get(round.instrument_version_id)!;
	const candidates = await listInstrumentVersions(db, 'link_worker');
	if (candidates.length === 0) return undefined;
	const instruments = await instrumentsOf(
		db,
		candidates.map((c) => c.versionId)
	);
	for (const candidate of candidates) {
		const instrument = instruments.get(candidate.versionId)!;
		const paired = instrument.pairedWith;
		if (paired && paired.id === staff.id && paired.version === staff.version) return { versionId: candidate.versionId, instrument };
	}
	return undefined;
}

export interface AssessmentRound {
	id: number;
	title: string;
	practiceId: number;
	status: 'draft' | 'open' | 'closed';
}

/** Why a user may not assess a round; undefined when they may. 404 hides rounds out of scope. */
export function assessmentRefusal(
	user: SignedInUser,
	round: AssessmentRound | undefined
): Refusal | undefined {
	if (user.role !== 'link_worker') return refuse(403, 'Only link workers give their own view of a practice.');
	if (!round || !user.practiceIds.includes(round.practiceId)) return refuse(404, 'We could not find that survey round.');
	if (round.status === 'draft') return refuse(409, 'This round has not been opened yet, so there is nothing to give a view on.');
	return undefined;
}

export async function getAssessmentRound(db: DbOrTx, roundId: number): Promise<AssessmentRound | undefined> {
	const row = await db
		.selectFrom('round')
		.select(['id', 'title', 'practice_id', 'status'])
		.where('id', '=', roundId)
		.executeTakeFirst();
	return row && { id: row.id, title: row.title, practiceId: row.practice_id, status: row.status };
}

/**
 * Checks the form entries against the link worker instrument and stores them as this link
 * worker's assessment of the round, replacing any earlier one. Nothing is stored on any problem.
 */
export async function saveAssessment(
	db: Db,
	linkWorker: SignedInUser,
	roundId: number,
	entries: Iterable<readonly [string, string]>,
	now: Date = new Date()
): Promise<Outcome<{ assessmentId: number; replaced: boolean }>> {
	const round = await getAssessmentRound(db, roundId);
	const refusal = assessmentRefusal(linkWorker, round);
	if (refusal || !round) return refusal ?? refuse(404, 'We could not find that survey round.');

	const existing = await getAssessment(db, roundId, linkWorker.id);
	// An earlier view keeps the version it was given on, so its answers stay comparable.
	const target = existing
		? { versionId: existing.instrumentVersionId, instrument: existing.instrument }
		: await linkWorkerInstrumentFor(db, roundId);
	if (!target) {
		return refuse(409, 'This round’s staff survey has no link-worker version to pair with, so there is nothing to answer. Nothing was saved.');
	}

	const checked = checkSubmission(statementsOnly(target.instrument), entries, { codeRequired: false });
	if (!checked.ok) return refuseProblems(400, checked.problems);
	const agreement = checked.submission.agreement;

	const stamp = now.toISOString();
	const assessmentId = await db.transaction().execute(async (tx) => {
		const ids = await itemIdsOf(tx, target.versionId);
		let id: number;
		if (existing) {
			id = existing.id;
			await tx.deleteFrom('link_worker_assessment_answer').where('assessment_id', '=', id).execute();
			await tx.updateTable('link_worker_assessment').set({ updated_at: stamp }).where('id', '=', id).execute();
		} else {
			const row = await tx
				.insertInto('link_worker_assessment')
				.values({
					round_id: roundId,
					user_id: linkWorker.id,
					instrument_version_id: target.versionId,
					submitted_at: stamp,
					updated_at: stamp
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			id = row.id;
		}
		const answers = Object.entries(agreement).map(([itemKey, answer]) => {
			const itemId = ids.agreement.get(itemKey);
			// The answers were checked against this very version, so a miss is a programming error.
			if (itemId === undefined) throw new Error(`Item ${itemKey} is not part of version ${target.versionId}`);
			return {
				assessment_id: id,
				item_id: itemId,
				value: isAgreementPoint(answer) ? answer : null,
				not_relevant: isAgreementPoint(answer) ? null : answer
			};
		});
		await tx.insertInto('link_worker_assessment_answer').values(answers).execute();
		await recordAudit(
			tx,
			linkWorker,
			{
				action: 'assessment_saved',
				summary: `${existing ? 'Changed' : 'Gave'} their own view of round ${round.id} “${round.title}”`,
				practiceId: round.practiceId
			},
			now
		);
		return id;
	});
	return { ok: true, assessmentId, replaced: existing !== undefined };
}

export interface Assessment {
	id: number;
	roundId: number;
	userId: number;
	linkWorkerName: string;
	instrumentVersionId: number;
	instrument: Instrument;
	submittedAt: string;
	updatedAt: string;
	/** By item id, as in a staff respondent's answers. */
	agreement: Record<string, AgreementAnswer>;
}

async function loadAssessments(db: DbOrTx, roundIds: number[], userId?: number): Promise<Assessment[]> {
	if (roundIds.length === 0) return [];
	let query = db
		.selectFrom('link_worker_assessment as a')
		.innerJoin('user_account as u', 'u.id', 'a.user_id')
		.select([
			'a.id',
			'a.round_id',
			'a.user_id',
			'u.display_name',
			'a.instrument_version_id',
			'a.submitted_at',
			'a.updated_at'
		])
		.where('a.round_id', 'in', roundIds);
	if (userId !== undefined) query = query.where('a.user_id', '=', userId);
	const rows = await query.orderBy('a.round_id').orderBy('u.display_name').orderBy('a.id').execute();
	if (rows.length === 0) return [];
	const answers = await db
		.selectFrom('link_worker_assessment_answer as x')
		.innerJoin('instrument_item as i', 'i.id', 'x.item_id')
		.select(['x.assessment_id', 'i.item_key', 'x.value', 'x.not_relevant'])
		.where(
			'x.assessment_id',
			'in',
			rows.map((r) => r.id)
		)
		.execute();
	const instruments = await instrumentsOf(
		db,
		rows.map((r) => r.instrument_version_id)
	);
	return rows.map((row) => {
		const agreement: Record<string, AgreementAnswer> = {};
		for (const a of answers) {
			if (a.assessment_id !== row.id) continue;
			agreement[a.item_key] = (a.value ?? a.not_relevant) as AgreementAnswer;
		}
		return {
			id: row.id,
			roundId: row.round_id,
			userId: row.user_id,
			linkWorkerName: row.display_name,
			instrumentVersionId: row.instrument_version_id,
			instrument: instruments.get(row.instrument_version_id)!,
			submittedAt: row.submitted_at,
			updatedAt: row.updated_at,
			agreement
		};
	});
}

/** One link worker's assessment of a round, to prefill their form. */
export async function getAssessment(db: DbOrTx, roundId: number, userId: number): Promise<Assessment | undefined> {
	const [found] = await loadAssessments(db, [roundId], userId);
	return found;
}

export async function getAssessmentsForRound(db: DbOrTx, roundId: number): Promise<Assessment[]> {
	return loadAssessments(db, [roundId]);
}

/** Every assessment of these rounds in one go, for views that cover a PCN's practices (a round of each). */
export async function getAssessmentsForRounds(db: DbOrTx, roundIds: readonly number[]): Promise<Assessment[]> {
	return loadAssessments(db, [...roundIds]);
}

/**
 * The perception gap for a practice's latest closed round: the staff scores the dashboard
 * already disclosed, beside each link worker's own assessment of that round.
 */
export async function getPerceptionGap(
	db: DbOrTx,
	latest: { round: { id: number; title: string; closedOn: string }; instrument: Instrument; results: RoundResults } | null
): Promise<PerceptionGapView | null> {
	if (!latest) return null;
	const staff = staffSideOf(latest.instrument, latest.results);
	const assessments = await getAssessmentsForRound(db, latest.round.id);
	return {
		round: { id: latest.round.id, title: latest.round.title, closedOn: latest.round.closedOn },
		staffShown: latest.results.shown,
		staff,
		staffInstrument: instrumentLabelOf(latest.instrument),
		assessments: assessments.map((a) => ({
			userId: a.userId,
			linkWorkerName: a.linkWorkerName,
			updatedAt: a.updatedAt,
			instrument: instrumentLabelOf(a.instrument),
			gap: perceptionGap(latest.instrument, staff, linkWorkerScores(a.instrument, a.agreement))
		}))
	};
}
