import { redirect } from '@sveltejs/kit';
import { CURRENT_CHECKLIST } from '$lib/npt/infrastructure';
import type { FieldProblem } from '$lib/npt/submission';
import { guardPractice, guardPracticeRow } from '$lib/server/access';
import { getChecklistAnswers, saveChecklist, type ChecklistAnswerInput } from '$lib/server/linkworker/checklist';
import type { Actions, PageServerLoad } from './$types';
import { formFailure, formRefusal, readFields, refusalFailure } from '$lib/server/platform/forms';

/** Only link workers, only at practices they serve; other practices read as not there. */
const LINK_WORKERS = ['link_worker'] as const;
/** 21 items with a note of up to 500 characters each, with room to spare. */
const MAX_BODY_BYTES = 64 * 1024;

export const load = (async (event) => {
	const { user, practice } = await guardPracticeRow(event, LINK_WORKERS);
	const practiceId = practice.id;
	const saved = await getChecklistAnswers(event.locals.db, user, practiceId);
	// The form's field names, so a refused submission and a saved one fill the form the same way.
	const values: Record<string, string> = {};
	for (const answer of saved.values()) {
		values[`status-${answer.itemId}`] = answer.status;
		if (answer.note) values[`note-${answer.itemId}`] = answer.note;
		if (answer.visibility) values[`visibility-${answer.itemId}`] = answer.visibility;
	}
	return {
		practice: { id: practice.id, name: practice.name },
		checklist: CURRENT_CHECKLIST,
		values,
		answered: saved.size,
		saved: event.url.searchParams.has('saved')
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { user, practiceId } = guardPractice(event, LINK_WORKERS);
		const read = await readFields(event.request, MAX_BODY_BYTES);
		if (!read.ok) return read.failure;
		const { fields } = read;
		const values = Object.fromEntries(fields);
		// Items left unanswered are left as they were; the checklist can be filled in over several visits.
		const answers: ChecklistAnswerInput[] = [];
		const visibility: Record<string, string> = {};
		for (const [name, value] of fields) {
			if (name.startsWith('status-')) {
				const itemId = name.slice('status-'.length);
				answers.push({ itemId, status: value, note: values[`note-${itemId}`] ?? null });
			} else if (name.startsWith('visibility-')) {
				visibility[name.slice('visibility-'.length)] = value;
			}
		}
		// A note on an unmarked item would be dropped without a word; say so instead.
		const notesAlone: FieldProblem[] = fields
			.filter(([name, value]) => name.startsWith('note-') && value.trim() && !(`status-${name.slice(5)}` in values))
			.map(([name]) => ({ field: name, message: 'Mark this item as in place, partly or missing, or clear the note' }));
		if (notesAlone.length) return formFailure(400, notesAlone, values);
		if (!answers.length) return formRefusal(400, 'Mark at least one item as in place, partly or missing. Nothing was saved.', values);
		const outcome = await saveChecklist(event.locals.db, user, practiceId, answers, visibility);
		if (!outcome.ok) return refusalFailure(outcome, values);
		redirect(303, `/practices/${practiceId}/checklist?saved`);
	}
} satisfies Actions;
