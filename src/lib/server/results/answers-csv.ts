/**
 * The raw-answers export of a closed round (docs/scoring.md §6): the answers as given, by the
 * instrument's numeric codes, with every column the round's page would not let through left
 * empty and the file's notes saying why.
 */
import { CONSTRUCT_NAMES, type Construct } from '../../npt/constructs';
import { shuffle } from '../../npt/disclosure';
import type { Instrument } from '../../npt/instrument';
import { rawAnswerColumns, type WithheldColumn } from '../../npt/raw-answers';
import type { ShownRound } from '../../npt/round-results';
import type { Respondent } from '../../npt/scoring';
import { NOT_RELEVANT_LABELS, type AgreementAnswer } from '../../npt/answers';
import { answerOptionsOf } from '../../npt/instrument-formats/answer-codes';
import { column, type CodebookEntry, type Table, type TableColumn } from '../../tables';

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

/** The codebook of the statements' answer columns: the instrument's own codes (answerScale). */
export function answerCodebook(instrument: Pick<Instrument, 'answerScale'>): CodebookEntry[] {
	return answerOptionsOf(instrument).map((option) => ({
		code: option.code,
		label: option.label,
		meaning:
			typeof option.answer === 'number'
				? `Scored: point ${option.answer} of 5 (1 = strongly disagree, 5 = strongly agree), as answered; a reverse-worded statement is scored as 6 − answer.`
				: `Not relevant (${NOT_RELEVANT_LABELS[option.answer].toLowerCase()}): never scored, left out of every mean and share, counted apart.`
	}));
}

/**
 * The raw answers, one row per respondent: each statement's answer as the instrument's numeric
 * code (1–5 as answered, reverse-worded items not reversed; the instrument's 6–99 code for each
 * "not relevant" answer), empty when skipped; then the 0–10 general ratings. Every answer column
 * holds numbers only, so Excel, Power BI and pandas read it as numbers; what each code means is
 * in the codebook (the .xlsx file's "Codebook" sheet, and the first rows of the last column,
 * read_me, which holds the file's notes and is empty below them).
 *
 * A column is empty for everyone when the round's page withholds a figure it would give
 * (rawAnswerColumns, docs/scoring.md §6), so the export can never be worked into a withheld figure.
 * Deliberately left out, because each could pick a person out of an anonymous survey: the role
 * group (a row's answers plus "VCSE partner" can point at the only such person, even where the
 * group is too small to be shown), any date, the stored response id (a key into the database
 * that stays the same across downloads, so exports could be joined on it) and the free-text
 * comments (shown apart and unattributed, so they are never tied to a row of answers).
 * Respondents are shuffled and numbered afresh in every export, so neither the number nor the
 * order carries anything over from how or when the responses were stored.
 */
export function answersDownload(
	instrument: Instrument,
	respondents: readonly Respondent[],
	results: ShownRound,
	minResponses: number,
	random: () => number
): { table: Table; readMe: { about: string[]; withheld: string[]; codebook: CodebookEntry[] } } {
	const columns = rawAnswerColumns(instrument, results);
	const anyWithheld = [...Object.values(columns.statements), ...Object.values(columns.general)].some((reason) => reason !== null);
	const { provenance } = instrument;
	const codebook = answerCodebook(instrument);
	const statementMeaning = (item: Instrument['items'][number]) => {
		const reason = columns.statements[item.id];
		if (reason) return withheldColumnNote(reason, minResponses);
		const reversed = item.reversed ? ' Worded the other way round: scored as 6 − answer.' : '';
		return `“${item.text}” The answer’s code (see the codebook): 1–5 as answered (5 = strongly agree), or a “not relevant” code.${reversed}`;
	};
	const generalMeaning = (item: Instrument['generalItems'][number]) => {
		const reason = columns.general[item.id];
		return reason ? withheldColumnNote(reason, minResponses) : `“${item.text}” 0 (${item.minLabel}) to 10 (${item.maxLabel}).`;
	};
	const about =
		'Read me: the anonymised answers of one closed round, one row per respondent. Respondents are numbered afresh, in a random order, in every download; ' +
		'no role group, date, stored id or comment is included. An empty cell is a question the person skipped' +
		(anyWithheld ? ', or, in a column marked as withheld, an answer left out for everyone because the round’s page withholds a figure it would give.' : '.') +
		` The answers are to ${instrument.title}, version ${instrument.version} (instrument ${instrument.id}). Licence: ${provenance.licence}` +
		` Cite as: ${provenance.citation}${provenance.doi ? ` DOI ${provenance.doi}.` : ''}`;
	const codes = `Codebook of the statements’ answers: ${codebook.map((entry) => `${entry.code} = ${entry.label}`).join('; ')}. Codes above 5 are “not relevant” answers: leave them out before averaging.`;
	const columnNotes = `Columns: ${[
		...instrument.items.map((item) => `${item.id}: ${statementMeaning(item)}`),
		...instrument.generalItems.map((item) => `${item.id}: ${generalMeaning(item)}`)
	].join(' ')}`;

	const tableColumns: TableColumn[] = [
		column('respondent', 'integer', 'A number for the row, given afresh and in a random order in every download.'),
		...instrument.items.map((item) => column(item.id, 'integer', statementMeaning(item))),
		...instrument.generalItems.map((item) => column(item.id, 'integer', generalMeaning(item))),
		column('read_me', 'text', 'The file’s notes, in its first three rows: what the file is, the codebook, and what each column holds or why it is empty. Empty below them.')
	];
	const notes = [about, codes, columnNotes];
	const shuffled = shuffle(respondents, random);
	// A shown round has at least MIN_RESPONSES (never below 3) rows; were there fewer, the last would hold the rest.
	const noteOf = (index: number) => (index < shuffled.length - 1 ? (notes[index] ?? null) : notes.slice(index).join(' ') || null);
	const rows = shuffled.map((respondent, index) => [
		index + 1,
		...instrument.items.map((item) => {
			const answer = respondent.agreement[item.id];
			return columns.statements[item.id] || answer === undefined ? null : codeOfAnswer(instrument, answer);
		}),
		...instrument.generalItems.map((g) => (columns.general[g.id] ? null : (respondent.general[g.id] ?? null))),
		noteOf(index)
	]);

	const withheld = [
		'Left out for everyone, because each could pick a person out of an anonymous survey: the role group, any date, the stored response id and the free-text comments. ' +
			'Respondents are shuffled and numbered afresh in every download.',
		anyWithheld
			? `Some columns are empty for everyone: the round’s page withholds a figure (one computed from fewer than ${minResponses} people) that those answers would give away. The columns list above says which and why.`
			: `Nothing else is withheld: every figure these answers give is one the round’s page shows (it had at least ${minResponses} people behind each).`
	];
	return { table: { columns: tableColumns, rows }, readMe: { about: [about.replace(/^Read me: /, ''), codes], withheld, codebook } };
}

/** The instrument's numeric code for a stored answer (its 1–5 point, or its "not relevant" code). */
function codeOfAnswer(instrument: Pick<Instrument, 'answerScale'>, answer: AgreementAnswer): number | null {
	if (typeof answer === 'number') return answer;
	return instrument.answerScale.notRelevant.find((entry) => entry.meaning === answer)?.code ?? null;
}
