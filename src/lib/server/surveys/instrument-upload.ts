/**
 * An instrument file arrives as an uploaded file or as text pasted into a box, never both: the
 * JSON import, the item bank import and the spreadsheet edit of a version all read it this way,
 * with the same size limit and the same words for each refusal.
 */
import { formFailure } from '../platform/forms';
import { BodyTooLargeError, UnreadableFormError, readFormWithFile, type FormWithFile } from '../platform/http';

/** An instrument file is a few tens of KB; 256 KB leaves room for a long item bank. */
export const MAX_INSTRUMENT_FILE_BYTES = 256 * 1024;
/** The file plus the rest of the form and the multipart framing. */
export const INSTRUMENT_FORM_LIMIT = MAX_INSTRUMENT_FILE_BYTES + 16 * 1024;

/** The fields a form uses and what it calls its file. */
export interface UploadWording {
	fileField: string;
	textField: string;
	tooBig: string;
	/** Said when both a file and pasted text came. */
	both: string;
	/** Said when neither came. */
	neither: string;
	/** Said when the file is not UTF-8 text. */
	notText: string;
}

type Problem = { field: string; message: string };

/** Reads the multipart form, or the failure to return: too large (413) or unreadable (400). */
export async function readInstrumentForm(request: Request, wording: UploadWording) {
	try {
		return { ok: true as const, upload: await readFormWithFile(request, INSTRUMENT_FORM_LIMIT, wording.fileField) };
	} catch (cause) {
		if (cause instanceof BodyTooLargeError) return { ok: false as const, failure: formFailure(413, [{ field: wording.fileField, message: wording.tooBig }]) };
		if (cause instanceof UnreadableFormError) {
			return { ok: false as const, failure: formFailure(400, [{ field: 'form', message: `${cause.message} Nothing was saved.` }]) };
		}
		throw cause;
	}
}

/** A form field's value ('' when absent). */
export function fieldOf(upload: FormWithFile, name: string): string {
	return upload.fields.find(([n]) => n === name)?.[1] ?? '';
}

/** Pasted text to send back into its box on a refusal: none when it was too large to keep. */
export function pastedToKeep(pasted: string): string {
	return pasted.length > MAX_INSTRUMENT_FILE_BYTES ? '' : pasted;
}

/** The file's text or the pasted text, with the field it came from, or the one problem with them. */
export function uploadedText(
	file: FormWithFile['file'],
	pasted: string,
	wording: UploadWording
): { ok: true; text: string; where: string } | { ok: false; status: 400 | 413; problem: Problem } {
	if (file && pasted.trim()) return { ok: false, status: 400, problem: { field: wording.fileField, message: wording.both } };
	if (!file && !pasted.trim()) return { ok: false, status: 400, problem: { field: wording.fileField, message: wording.neither } };
	if (file) {
		if (file.bytes.byteLength > MAX_INSTRUMENT_FILE_BYTES) return { ok: false, status: 413, problem: { field: wording.fileField, message: wording.tooBig } };
		try {
			return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(file.bytes), where: wording.fileField };
		} catch {
			return { ok: false, status: 400, problem: { field: wording.fileField, message: wording.notText } };
		}
	}
	if (Buffer.byteLength(pasted) > MAX_INSTRUMENT_FILE_BYTES) return { ok: false, status: 413, problem: { field: wording.textField, message: wording.tooBig } };
	return { ok: true, text: pasted, where: wording.textField };
}
