/**
 * Anonymous staff responses (docs/scoring.md §6): stored whole or not at all, with no time finer than
 * the round, no device data, random keys, and a separate per-day counter for progress.
 */
import { randomUUID } from 'node:crypto';
import { isAgreementPoint, type AgreementAnswer } from '../../npt/answers';
import type { Respondent } from '../../npt/scoring';
import { fieldName, type SurveySubmission } from '../../npt/submission';
import { refuse, type Outcome } from '../platform/outcome';
import { useCode } from './codes';
import type { IdQuery } from '../accounts/scope';
import { engineOf, type Db, type DbOrTx } from '../db';
import { preparedPerCount, preparedQuery } from '../db/prepared';
import type { Round } from '../db/schema';
import { itemIdsOf, type ItemIds } from './instruments';
import { surveyAvailability } from '../../npt/round-schedule';
import { useSubmissionKey } from './submission-keys';
import { claimSurveySubmission, type SubmittingFrom } from './submission-limits';

/** Stored now, or (`storedEarlier`) by an earlier try of the same survey page whose answer was lost. */
export type SubmitOutcome = Outcome<{ storedEarlier: boolean }>;

class Refused extends Error {
	constructor(readonly outcome: SubmitOutcome) {
		super('refused');
	}
}

/** A round as a survey post needs it, found by its link, with whether this page's key was used already. */
export type RoundToAnswer = Pick<Round, 'id' | 'status' | 'opens_on' | 'closes_on' | 'requires_code' | 'instrument_version_id' | 'staff_headcount'> & {
	keyUsed: boolean;
};

const roundByTokenAndKey = preparedQuery<
	'token' | 'keyHash',
	Omit<RoundToAnswer, 'keyUsed'> & { key_used: unknown }
>((db, slot) =>
	db
		.selectFrom('round')
		.select(['id', 'status', 'opens_on', 'closes_on', 'requires_code', 'instrument_version_id', 'staff_headcount'])
		.select((eb) =>
			eb
				.exists(eb.selectFrom('survey_submission_key').select('key_hash').where('key_hash', '=', slot('keyHash')).whereRef('round_id', '=', 'round.id'))
				.as('key_used')
		)
		.where('public_token', '=', slot('token'))
		.$if(engineOf(db) === 'postgres', (q) => q.forShare('round'))
);

/**
 * One read for every post: the round behind the link, and whether the page (its key's hash) was
 * stored before. Inside a transaction on PostgreSQL the round's row is held (FOR SHARE) until
 * commit, so a round closing or being sealed at that moment waits for this submission, and a
 * submission arriving during either waits and then sees the round as it is after (SQLite runs
 * one writing transaction at a time already).
 */
export async function findRoundToAnswer(db: DbOrTx, token: string, keyHash: string | undefined): Promise<RoundToAnswer | undefined> {
	const [row] = (await roundByTokenAndKey.execute(db, { token, keyHash: keyHash ?? '' })).rows;
	if (!row) return undefined;
	const { key_used, ...round } = row;
	return { ...round, keyUsed: Boolean(Number(key_used)) };
}

/** Who is answering, and the round's headcount, as the per-network limit needs them (submission-limits.ts). */
export interface SubmissionSource extends SubmittingFrom {
	staffHeadcount: number | null;
	now?: Date;
}

/** What a refusal inside a submission's transaction comes back as. */
export type SubmitRefusal = Exclude<SubmitOutcome, { ok: true; storedEarlier: false }>;

/**
 * Runs one submission's reads and writes as a single transaction. A refusal inside it
 * (`storeSubmission`'s) rolls every write back and comes back as the outcome instead of `work`'s.
 */
export async function inSubmissionTransaction<T>(db: Db, work: (tx: DbOrTx) => Promise<T>): Promise<T | SubmitRefusal> {
	try {
		return await db.transaction().execute(work);
	} catch (error) {
		if (error instanceof Refused) return error.outcome as SubmitRefusal;
		throw error;
	}
}

/**
 * Stores one checked submission to a round found open in this transaction: the code's use, the
 * page's single-use key, the response, its answers, the comment (unlinked), the day's count and
 * the count against the network's limit (when `from` is given). A refusal rolls everything back,
 * with one exception: a wrong code still counts against the limit, so codes cannot be guessed
 * without end. A key already used means these answers were stored before.
 *
 * The two counts come last. Every submission from one network (a practice behind one address)
 * updates the same limit row, and every submission to a round the same day's row; on PostgreSQL
 * each holds those rows until it commits, so taking them last keeps the wait behind them short.
 * Call it inside `inSubmissionTransaction`, which turns its refusals into outcomes.
 */
export async function storeSubmission(
	tx: DbOrTx,
	round: Pick<Round, 'id' | 'requires_code' | 'instrument_version_id'>,
	submission: SurveySubmission,
	today: string,
	keyHash?: string,
	from?: SubmissionSource
): Promise<SubmitOutcome> {
	const countAgainstLimit = async () => {
		if (!from) return;
		const allowed = await claimSurveySubmission(tx, { id: round.id, staffHeadcount: from.staffHeadcount }, from, from.now);
		if (!allowed.ok) throw new Refused(allowed);
	};
	if (round.requires_code) {
		const use = await useCode(tx, round.id, submission.code ?? '');
		if (use !== 'accepted') {
			const problem =
				use === 'already_used'
					? 'That code has already been used. Each code works once.'
					: 'That code is not valid for this survey. Check it against your slip.';
			// Committed: the attempt stays counted (or, over the limit, the limit answers), and nothing else was written.
			await countAgainstLimit();
			return refuse(400, problem, fieldName.code);
		}
	}
	if (keyHash !== undefined && !(await useSubmissionKey(tx, round.id, keyHash))) {
		throw new Refused({ ok: true, storedEarlier: true });
	}
	await storeResponse(tx, round.id, await itemIdsOf(tx, round.instrument_version_id), submission, today);
	await countAgainstLimit();
	return { ok: true, storedEarlier: false };
}

/** Stores one checked submission to a round given by its id, if the round is open `today`, in one transaction of its own. */
export async function submitResponse(
	db: Db,
	roundId: number,
	submission: SurveySubmission,
	today: string,
	keyHash?: string,
	from?: SubmissionSource
): Promise<SubmitOutcome> {
	return inSubmissionTransaction(db, async (tx) => {
		const [round] = (await roundToAnswer.execute(tx, { roundId })).rows;
		if (!round || surveyAvailability(round, today) !== 'open') {
			return refuse(409, 'This survey closed before your answers arrived, so they were not saved.');
		}
		return storeSubmission(tx, { id: roundId, ...round }, submission, today, keyHash, from);
	});
}

/**
 * Writes one response with its answers, its unlinked comment and the day's count. The caller
 * owns the transaction and has already checked the submission and the round.
 */
export async function storeResponse(
	tx: DbOrTx,
	roundId: number,
	ids: ItemIds,
	submission: SurveySubmission,
	day: string
): Promise<void> {
	const responseId = randomUUID();
	await insertResponse.execute(tx, { id: responseId, roundId, roleGroup: submission.roleGroup });

	const answers = Object.entries(submission.agreement);
	if (answers.length > 0) {
		const values: Record<string, unknown> = { responseId };
		answers.forEach(([itemKey, answer], i) => {
			values[`item${i}`] = requireId(ids.agreement, itemKey);
			values[`value${i}`] = isAgreementPoint(answer) ? answer : null;
			values[`notRelevant${i}`] = isAgreementPoint(answer) ? null : answer;
		});
		await insertAnswers(answers.length).execute(tx, values);
	}

	const general = Object.entries(submission.general);
	if (general.length > 0) {
		const values: Record<string, unknown> = { responseId };
		general.forEach(([itemKey, value], i) => {
			values[`item${i}`] = requireId(ids.general, itemKey);
			values[`value${i}`] = value;
		});
		await insertGeneralAnswers(general.length).execute(tx, values);
	}

	if (submission.comment) await insertComment.execute(tx, { id: randomUUID(), roundId, body: submission.comment });
	await countTheDay.execute(tx, { roundId, day });
}

// The statements of every submission, compiled once (db/prepared.ts): one row per table, or one
// multi-row insert for the answers.
/** The round by its id, inside the submission's transaction, held on PostgreSQL as findRoundToAnswer holds it. */
const roundToAnswer = preparedQuery<'roundId', Pick<Round, 'status' | 'opens_on' | 'closes_on' | 'requires_code' | 'instrument_version_id'>>(
	(db, slot) =>
		db
			.selectFrom('round')
			.select(['status', 'opens_on', 'closes_on', 'requires_code', 'instrument_version_id'])
			.where('id', '=', slot('roundId'))
			.$if(engineOf(db) === 'postgres', (q) => q.forShare())
);
const insertResponse = preparedQuery<'id' | 'roundId' | 'roleGroup', unknown>((db, slot) =>
	db.insertInto('response').values({ id: slot('id'), round_id: slot('roundId'), role_group: slot('roleGroup') })
);
const insertAnswers = preparedPerCount<string, unknown>((db, slot, rows) =>
	db.insertInto('answer').values(
		Array.from({ length: rows }, (_, i) => ({
			response_id: slot('responseId'),
			item_id: slot(`item${i}`),
			value: slot(`value${i}`),
			not_relevant: slot(`notRelevant${i}`)
		}))
	)
);
const insertGeneralAnswers = preparedPerCount<string, unknown>((db, slot, rows) =>
	db.insertInto('general_answer').values(
		Array.from({ length: rows }, (_, i) => ({ response_id: slot('responseId'), general_item_id: slot(`item${i}`), value: slot(`value${i}`) }))
	)
);
const insertComment = preparedQuery<'id' | 'roundId' | 'body', unknown>((db, slot) =>
	db.insertInto('comment').values({ id: slot('id'), round_id: slot('roundId'), body: slot('body') })
);
const countTheDay = preparedQuery<'roundId' | 'day', unknown>((db, slot) =>
	db
		.insertInto('submission_day')
		.values({ round_id: slot('roundId'), day: slot('day'), submissions: 1 })
		.onConflict((oc) => oc.columns(['round_id', 'day']).doUpdateSet((eb) => ({ submissions: eb('submission_day.submissions', '+', 1) })))
);

function requireId(ids: Map<string, number>, itemKey: string): number {
	const id = ids.get(itemKey);
	// The submission was checked against this very version, so a miss is a programming error.
	if (id === undefined) throw new Error(`Item ${itemKey} is not part of the round's instrument version`);
	return id;
}

/** Every respondent of a round with their answers, keyed by the definition's item ids. */
export async function loadRespondents(db: DbOrTx, roundId: number): Promise<Respondent[]> {
	return (await loadRespondentsOfRounds(db, [roundId])).get(roundId) ?? [];
}

/** The respondents of many rounds in three queries, whatever the number of rounds. */
export async function loadRespondentsOfRounds(db: DbOrTx, roundIds: number[]): Promise<Map<number, Respondent[]>> {
	const byRound = new Map<number, Respondent[]>(roundIds.map((id) => [id, []]));
	if (roundIds.length === 0) return byRound;
	const [responses, answers, general] = await Promise.all([
		db.selectFrom('response').select(['id', 'round_id', 'role_group']).where('round_id', 'in', roundIds).execute(),
		db
			.selectFrom('answer')
			.innerJoin('response', 'response.id', 'answer.response_id')
			.innerJoin('instrument_item', 'instrument_item.id', 'answer.item_id')
			.select(['answer.response_id', 'instrument_item.item_key', 'answer.value', 'answer.not_relevant'])
			.where('response.round_id', 'in', roundIds)
			.execute(),
		db
			.selectFrom('general_answer')
			.innerJoin('response', 'response.id', 'general_answer.response_id')
			.innerJoin('instrument_general_item', 'instrument_general_item.id', 'general_answer.general_item_id')
			.select(['general_answer.response_id', 'instrument_general_item.item_key', 'general_answer.value'])
			.where('response.round_id', 'in', roundIds)
			.execute()
	]);
	const byId = new Map<string, Respondent & { agreement: Record<string, AgreementAnswer>; general: Record<string, number> }>();
	for (const r of responses) {
		const respondent = { roleGroup: r.role_group, agreement: {}, general: {} };
		byId.set(r.id, respondent);
		byRound.get(r.round_id)!.push(respondent);
	}
	for (const a of answers) {
		byId.get(a.response_id)!.agreement[a.item_key] = (a.value ?? a.not_relevant) as AgreementAnswer;
	}
	for (const g of general) byId.get(g.response_id)!.general[g.item_key] = g.value;
	return byRound;
}

/** How many have answered each of the rounds of `among`, a query of round ids (those with none are not in the map). */
export async function countResponsesIn(db: DbOrTx, among: IdQuery): Promise<Map<number, number>> {
	const rows = await db
		.selectFrom('response')
		.select(['round_id', (eb) => eb.fn.countAll<number>().as('n')])
		.where('round_id', 'in', among)
		.groupBy('round_id')
		.execute();
	return new Map(rows.map((row) => [row.round_id, Number(row.n)]));
}

export async function loadComments(db: DbOrTx, roundId: number): Promise<string[]> {
	return (await loadCommentsOfRounds(db, [roundId])).get(roundId)!;
}

/** The free-text comments of the given rounds, unlinked to any response (docs/scoring.md §6). */
export async function loadCommentsOfRounds(db: DbOrTx, roundIds: readonly number[]): Promise<Map<number, string[]>> {
	const byRound = new Map<number, string[]>(roundIds.map((id) => [id, []]));
	if (roundIds.length === 0) return byRound;
	const rows = await db.selectFrom('comment').select(['round_id', 'body']).where('round_id', 'in', [...roundIds]).execute();
	for (const row of rows) byRound.get(row.round_id)!.push(row.body);
	return byRound;
}
