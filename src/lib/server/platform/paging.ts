/**
 * One page of a long list read in the database (LIMIT and OFFSET with the count beside it), so a
 * national list costs a page whatever it holds. Pages count from 1; an address asking for no page,
 * page 0, "two" or past the last shows the first or the last page, never an error.
 */
import { z } from 'zod';
import type { Page } from '../../views/paging';

/** A page number from the address: anything that is not one is the first page. */
export const pageSchema = z.coerce.number().int().min(1).max(1_000_000).catch(1);

/** Search words from the address: trimmed, at most 100 characters, empty when absent. */
export const searchSchema = z
	.string()
	.catch('')
	.transform((text) => text.trim().slice(0, 100));

/** A LIKE pattern matching `text` anywhere, its `%`, `_` and `\` taken literally (with ESCAPE '\'). */
export function containsPattern(text: string): string {
	return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The page asked for of a list of `total` rows, `size` a page, and its rows read by `read(limit,
 * offset)`: past the last page, the last.
 */
export async function readPage<T>(
	total: number,
	askedPage: number,
	size: number,
	read: (limit: number, offset: number) => Promise<T[]>
): Promise<Page<T>> {
	const pages = Math.max(1, Math.ceil(total / size));
	const page = Math.min(Math.max(1, Math.trunc(askedPage) || 1), pages);
	const items = total === 0 ? [] : await read(size, (page - 1) * size);
	const first = items.length === 0 ? 0 : (page - 1) * size + 1;
	return { items, page, pages, total, first, last: first === 0 ? 0 : first + items.length - 1 };
}
