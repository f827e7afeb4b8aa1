/**
 * Getting staff to a round's survey: its public link, a QR code for posters, and batches of
 * single-use codes (docs/scoring.md §6) printed as slips. Only the people who run rounds share them.
 */
import { renderSVG } from 'uqr';
import { z } from 'zod';
import { guardRoundRow, ROUND_MANAGERS } from '../access';
import { recordAudit } from '../platform/audit';
import { refuse, type Outcome } from '../platform/outcome';
import { issueCodes } from './codes';
import { atomically, type DbOrTx } from '../db';
import { getRound, type RoundWithPractice } from './rounds';
import { surveyAvailability, type SurveyAvailability } from '../../npt/round-schedule';
import { ukDate } from '../../dates';
import type { SignedInUser } from '../identity';

interface SharingEvent {
	locals: App.Locals;
	url: URL;
	params: Partial<Record<string, string>>;
}

/**
 * The guard for every sharing page and download: the round's practice must be in the user's
 * scope, and the user must be one who runs rounds. The role is checked before the round is looked
 * up, so a refusal says nothing about which rounds exist; out of scope reads like "not there".
 */
export async function guardRoundSharing(event: SharingEvent): Promise<{ user: SignedInUser; round: RoundWithPractice }> {
	return guardRoundRow(event, ROUND_MANAGERS);
}

/** Where a round's survey can be found, while it is worth sharing. */
export interface SurveyLink {
	url: string;
	qrPath: string;
	qrFilename: string;
}

/**
 * The steps every sharing page and download takes: the guard, the round's availability today,
 * and the link (with its QR code's address and file name) only while the round is worth sharing.
 * A draft or closed round carries no link at all, not even one a page leaves out.
 */
export async function guardSharedRound(
	event: SharingEvent
): Promise<{ user: SignedInUser; round: RoundWithPractice; availability: SurveyAvailability; link: SurveyLink | null }> {
	const { user, round } = await guardRoundSharing(event);
	const availability = surveyAvailability(round, ukDate());
	const link = isShareable(availability)
		? { url: surveyUrl(event.locals.config.origin ?? event.url.origin, round.public_token), qrPath: qrPath(round.id), qrFilename: qrFilename(round) }
		: null;
	return { user, round, availability, link };
}

/** Open rounds and rounds due to open are worth sharing; a draft has not been agreed yet, a closed round takes no answers. */
export function isShareable(availability: SurveyAvailability): availability is 'open' | 'not_yet_open' {
	return availability === 'open' || availability === 'not_yet_open';
}

/** The absolute link staff open; `origin` is the site's public origin (ORIGIN), never a guess. */
export function surveyUrl(origin: string, publicToken: string): string {
	return `${origin}/s/${publicToken}`;
}

export function qrPath(roundId: number): string {
	return `/rounds/${roundId}/qr.svg`;
}

/** Says which practice and round a downloaded file is for, once it sits among other downloads. */
export function qrFilename(round: Pick<RoundWithPractice, 'id' | 'practice'>): string {
	const ods = round.practice.ods_code.replace(/[^A-Za-z0-9-]/g, '');
	return `belonging-survey-${ods}-round-${round.id}.svg`;
}

/**
 * A quiet zone of four modules is what the QR standard asks for, and error correction level M
 * still scans from a creased or smudged print. The SVG has no style attributes, only fill.
 */
export function surveyQrSvg(url: string): string {
	return renderSVG(url, { border: 4, ecc: 'M' });
}

export const MAX_CODE_BATCH = 500;

export const codeBatchSchema = z.object({
	count: z
		.string({ error: 'Enter how many codes you need' })
		.trim()
		.regex(/^\d{1,6}$/, 'Enter how many codes you need as a whole number, for example 30')
		.transform(Number)
		.pipe(
			z
				.number()
				.min(1, 'Create at least 1 code')
				.max(MAX_CODE_BATCH, `Create no more than ${MAX_CODE_BATCH} codes at a time`)
		)
});

/**
 * Creates a batch of codes for a round that is open or due to open and asks for codes, and
 * records who did it, in one transaction: no codes without the audit entry. The round is read
 * inside that transaction, so a round closed a moment ago gets no codes.
 */
export async function issueCodeBatch(
	db: DbOrTx,
	user: SignedInUser,
	roundId: number,
	count: number,
	today: string
): Promise<Outcome<{ codes: string[] }>> {
	return atomically(db, async (tx) => {
		const round = await getRound(tx, roundId);
		if (!round) return refuse(404, 'We could not find that survey round.');
		if (!isShareable(surveyAvailability(round, today))) return refuse(409, 'This round is not open, so no codes were created.');
		if (round.requires_code !== 1) return refuse(409, 'This round does not ask for codes, so none were created.');
		const codes = await issueCodes(tx, round.id, count);
		await recordAudit(tx, user, {
			action: 'codes_issued',
			summary: `Created ${count} single-use ${count === 1 ? 'code' : 'codes'} for round ${round.id} “${round.title}” at ${round.practice.name}`,
			practiceId: round.practice.id
		});
		return { ok: true, codes };
	});
}
