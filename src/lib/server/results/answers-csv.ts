/**
 * The raw-answers export of a closed round (SCORING.md §6): the answers as given, with every
 * column the round's page would not let through left empty and a codebook row saying why.
 */
import { CONSTRUCT_NAMES, type Construct } from '../../npt/constructs';
import { shuffle } from '../../npt/disclosure';
import type { Instrument } from '../../npt/instrument';
import { rawAnswerColumns, type WithheldColumn } from '../../npt/raw-answers';
import type { ShownRound } from '../../npt/round-results';
import type { Respondent } from '../../npt/scoring';
import { toCsv } from '../platform/csv';

function listed(names: readonly string[]): string {
	return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Why a column of the raw answers is empty, in the words of the codebook row. */
function withheldColumnNote(reason: WithheldColumn, minResponses: number): string {
	const constructName = (c: Construct) => CONSTRUCT_NAMES[c].name.toLowerCase();
	switch (reason.kind) {
		case 'statement':
			return `Withheld: fewer than ${minResponses} people gave this statement a scored answer, so the page does not show its answers.`;
		case 'construct':
			return `Withheld: fewer than ${minResponses} people have a ${constructName(reason.construct)} score, so the page does not show it.`;
		case 'others': {
			const parts = [
				...(reason.statements.length > 0 ? [`${listed(reason.statements)} (too few scored answers)`] : []),
				...reason.constructs.map((c) => `the ${constructName(c)} score`),
				...(reason.overall ? ['the overall score'] : [])
			];
			return (
				`Withheld: the page does not show ${listed(parts)}. Construct and overall scores combine a person’s answers to several ` +
				'statements, so the scores the page shows beside any of these answers would give what it withholds away: no statement’s answers are included.'
			);
		}
		case 'rating':
			return `Withheld: fewer than ${minResponses} people gave this rating, so the page does not show it.`;
	}
}

/**
 * The raw answers, one row per respondent: 1–5 as stored (reverse-worded items not reversed),
 * a "not relevant" code, or empty when skipped; then the 0–10 general ratings. The row under the
 * header is a codebook: what each column holds, or why it is empty.
 *
 * A column is empty for everyone when the round's page withholds a figure it would give
 * (rawAnswerColumns, SCORING.md §6), so the export can never be worked into a withheld figure.
 * Deliberately left out, because each could pick a person out of an anonymous survey: the role
 * group (a row's answers plus "VCSE partner" can point at the only such person, even where the
 * group is too small to be shown), any date, the stored response id (a key into the database
 * that stays the same across downloads, so exports could be joined on it) and the free-text
 * comments (shown apart and unattributed, so they are never tied to a row of answers).
 * Respondents are shuffled and numbered afresh in every export, so neither the number nor the
 * order carries anything over from how or when the responses were stored.
 */
export function writeAnswersCsv(
	instrument: Instrument,
	respondents: readonly Respondent[],
	results: ShownRound,
	minResponses: number,
	random: () => number
): string {
	const columns = rawAnswerColumns(instrument, results);
	const header = ['respondent', ...instrument.items.map((i) => i.id), ...instrument.generalItems.map((g) => g.id)];
	const anyWithheld = [...Object.values(columns.statements), ...Object.values(columns.general)].some((reason) => reason !== null);
	const { provenance } = instrument;
	const codebook = [
		'Read me: this row describes each column and is not a respondent. Respondents are numbered afresh, in a random order, in every download; ' +
			'no role group, date, stored id or comment is included. An empty cell is a question the person skipped' +
			(anyWithheld ? ', or, in a column this row marks as withheld, an answer left out for everyone because the round’s page withholds a figure it would give.' : '.') +
			` The answers are to ${instrument.title}, version ${instrument.version} (instrument ${instrument.id}). Licence: ${provenance.licence}` +
			` Cite as: ${provenance.citation}${provenance.doi ? ` DOI ${provenance.doi}.` : ''}`,
		...instrument.items.map((item) => {
			const reason = columns.statements[item.id];
			if (reason) return withheldColumnNote(reason, minResponses);
			const reversed = item.reversed ? ' Worded the other way round: scored as 6 − answer.' : '';
			return `“${item.text}” 1–5 as answered (5 = strongly agree), or a “not relevant” code.${reversed}`;
		}),
		...instrument.generalItems.map((item) => {
			const reason = columns.general[item.id];
			return reason ? withheldColumnNote(reason, minResponses) : `“${item.text}” 0 (${item.minLabel}) to 10 (${item.maxLabel}).`;
		})
	];
	const rows = shuffle(respondents, random).map((respondent, index) => [
		index + 1,
		...instrument.items.map((item) => (columns.statements[item.id] ? null : (respondent.agreement[item.id] ?? null))),
		...instrument.generalItems.map((g) => (columns.general[g.id] ? null : (respondent.general[g.id] ?? null)))
	]);
	return toCsv([header, codebook, ...rows]);
}
