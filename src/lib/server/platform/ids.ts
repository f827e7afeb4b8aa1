/**
 * Ids on the server, read with the one parser in $lib/ids.ts (shared with the pages, which read
 * back the id of a form that failed). A path with anything else is a 404 (there is no such page);
 * a form field is a 400.
 */
import { z } from 'zod';
import { MAX_ID, parseId } from '../../ids';

export { MAX_ID, parseId };

/** A route parameter or query value that names an id; anything else reads as no such page. */
export const idFromParam = (text: string | null | undefined): number | undefined => parseId(text);

/** A form field that names an id; anything else is refused with `message`. */
export const idTextSchema = (message: string) =>
	z.string(message).transform((text, context) => {
		const id = parseId(text);
		if (id === undefined) {
			context.addIssue({ code: 'custom', message });
			return z.NEVER;
		}
		return id;
	});
