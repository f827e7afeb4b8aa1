/** One page of a long list, and where it sits in the whole: what Pager shows. */
export interface Page<T> {
	items: T[];
	/** Counted from 1. */
	page: number;
	pages: number;
	total: number;
	/** The place in the whole list of the page's first and last rows (0 when the list is empty). */
	first: number;
	last: number;
}
