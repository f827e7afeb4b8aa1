/** Reading request bodies defensively. */

export class BodyTooLargeError extends Error {
	name = 'BodyTooLargeError';
	constructor(readonly limit: number) {
		super(`The request body is larger than ${limit} bytes`);
	}
}

export class UnreadableFormError extends Error {
	name = 'UnreadableFormError';
}

/** Reads the body as form data, refusing more than `limit` bytes whether or not Content-Length is honest. */
async function readLimitedForm(request: Request, limit: number): Promise<FormData> {
	const body = await readLimitedBody(request, limit);
	try {
		return await new Response(new Uint8Array(body), {
			headers: { 'content-type': request.headers.get('content-type') ?? '' }
		}).formData();
	} catch {
		throw new UnreadableFormError('The form could not be read.');
	}
}

/** Reads the body as bytes, refusing more than `limit` whether or not Content-Length is honest. */
async function readLimitedBody(request: Request, limit: number): Promise<Buffer> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > limit) throw new BodyTooLargeError(limit);
	const chunks: Uint8Array[] = [];
	let size = 0;
	if (request.body) {
		const reader = request.body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				await reader.cancel();
				throw new BodyTooLargeError(limit);
			}
			chunks.push(value);
		}
	}
	return Buffer.concat(chunks);
}

const URL_ENCODED = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Reads a form body, refusing more than `limit` bytes whether or not Content-Length is honest,
 * and returns its text fields. File fields are refused: no form here uploads files.
 */
export async function readFormFields(request: Request, limit: number): Promise<[string, string][]> {
	// A form without files, as every form but the CSV import sends: parsed straight from the text.
	if (URL_ENCODED.test(request.headers.get('content-type') ?? '')) {
		return [...new URLSearchParams((await readLimitedBody(request, limit)).toString('utf8'))];
	}
	const form = await readLimitedForm(request, limit);
	const fields: [string, string][] = [];
	for (const [name, value] of form.entries()) {
		if (typeof value !== 'string') throw new UnreadableFormError('This form does not accept files.');
		fields.push([name, value]);
	}
	return fields;
}

export interface UploadedFile {
	name: string;
	type: string;
	bytes: Uint8Array;
}

export interface FormWithFile {
	fields: [string, string][];
	/** Null when the file input was left empty. */
	file: UploadedFile | null;
}

/**
 * Reads a form that may carry one uploaded file, in the field `fileField`, refusing more than
 * `limit` bytes of body as readFormFields does. A file in any other field, or a second file, is
 * refused. Browsers send an empty, unnamed file when none was chosen; that counts as no file.
 */
export async function readFormWithFile(request: Request, limit: number, fileField: string): Promise<FormWithFile> {
	const form = await readLimitedForm(request, limit);
	const fields: [string, string][] = [];
	let file: UploadedFile | null = null;
	let files = 0;
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') {
			fields.push([name, value]);
			continue;
		}
		files += 1;
		if (name !== fileField || files > 1) throw new UnreadableFormError('This form accepts one file only.');
		if (value.name === '' && value.size === 0) continue;
		file = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
	}
	return { fields, file };
}
