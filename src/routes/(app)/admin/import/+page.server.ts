import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { guard } from '$lib/server/access';
import { formFailure, readForm, refusalFailure } from '$lib/server/platform/forms';
import { BodyTooLargeError, UnreadableFormError, readFormWithFile } from '$lib/server/platform/http';
import { EXAMPLE_CSV, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, decodeCsvBytes } from '$lib/server/organisations/import-csv';
import { checkImport, importProblems, previewRows, type ImportCheck } from '$lib/server/organisations/import-check';
import { importOrganisations } from '$lib/server/organisations/import';
import type { Actions, PageServerLoad } from './$types';

/** The CSV plus the rest of the form and multipart framing. */
const BODY_LIMIT = MAX_IMPORT_BYTES + 16 * 1024;
const SIZE_IN_WORDS = `${Math.round(MAX_IMPORT_BYTES / 1024)} KB`;

export const load = ((event) => {
	guard(event, { roles: ['admin'] });
	return {
		example: EXAMPLE_CSV,
		maxSize: SIZE_IN_WORDS,
		maxRows: MAX_IMPORT_ROWS
	};
}) satisfies PageServerLoad;

function previewOf(check: ImportCheck) {
	return {
		ok: check.plan !== null,
		rows: previewRows(check),
		problemCount: check.problemCount,
		counts: check.counts,
		hasHeader: check.hasHeader,
		ignoredColumns: check.ignoredColumns
	};
}

const tooBig = (field: string) => `The ${field === 'csvFile' ? 'file' : 'text'} is larger than ${SIZE_IN_WORDS}. Split it into smaller files.`;

export const actions = {
	check: async (event) => {
		guard(event, { roles: ['admin'] });
		let upload;
		try {
			upload = await readFormWithFile(event.request, BODY_LIMIT, 'csvFile');
		} catch (cause) {
			if (cause instanceof BodyTooLargeError) {
				return formFailure(413, [
					{ field: 'csvFile', message: `What you sent is larger than ${SIZE_IN_WORDS}. Split the file into smaller files. Nothing was saved.` }
				]);
			}
			if (cause instanceof UnreadableFormError) {
				return formFailure(400, [{ field: 'form', message: `${cause.message} Nothing was saved.` }]);
			}
			throw cause;
		}
		const pasted = upload.fields.find(([name]) => name === 'csvText')?.[1] ?? '';
		const values = { csvText: pasted };
		const { file } = upload;
		if (file && pasted.trim()) {
			return formFailure(400, [{ field: 'csvFile', message: 'Choose a file or paste the rows, not both.' }], values);
		}
		if (!file && !pasted.trim()) {
			return formFailure(400, [{ field: 'csvFile', message: 'Choose a CSV file, or paste the rows into the box.' }], values);
		}
		const field = file ? 'csvFile' : 'csvText';
		let csv: string;
		if (file) {
			if (file.bytes.byteLength > MAX_IMPORT_BYTES) return formFailure(413, [{ field, message: tooBig(field) }], values);
			// An .xlsx workbook is a zip file, and zip files start "PK".
			if (file.bytes[0] === 0x50 && file.bytes[1] === 0x4b) {
				return formFailure(400, [{ field, message: 'This is a spreadsheet, not a CSV file. Save it as ‘CSV UTF-8’ and choose that file.' }], values);
			}
			const text = decodeCsvBytes(file.bytes);
			if (text === undefined) {
				return formFailure(400, [{ field, message: 'The file is not saved as UTF-8. Save it as ‘CSV UTF-8 (comma delimited)’ and try again.' }], values);
			}
			csv = text;
		} else {
			if (Buffer.byteLength(pasted) > MAX_IMPORT_BYTES) return formFailure(413, [{ field, message: tooBig(field) }], values);
			csv = pasted;
		}
		const check = await checkImport(event.locals.db, csv);
		const result = { values, problems: importProblems(check, field), preview: previewOf(check), csv: check.plan ? csv : null };
		return check.plan ? result : fail(400, result);
	},

	import: async (event) => {
		const user = guard(event, { roles: ['admin'] });
		const form = await readForm(
			event.request,
			z.object({
				csv: z
					.string('Check the file again before importing.')
					.min(1, 'Check the file again before importing.')
					.refine((text) => Buffer.byteLength(text) <= MAX_IMPORT_BYTES, tooBig('csvText'))
			}),
			{ limit: BODY_LIMIT }
		);
		if (!form.ok) return form.failure;
		const outcome = await importOrganisations(event.locals.db, form.data.csv, user);
		if (!outcome.ok) {
			return refusalFailure(outcome, { csvText: '' }, { extra: { preview: previewOf(outcome.check), csv: null } });
		}
		redirect(303, `/admin/organisations?imported=${outcome.practices}&pcns=${outcome.pcns}`);
	}
} satisfies Actions;
