/** A person's to-do list as their home page shows it: sentences, each with a link to where it is done. */

export type TodoKind =
	| 'checklist'
	| 'flag_changed'
	| 'give_view'
	| 'open_round'
	| 'no_round'
	| 'overdue_action'
	| 'flag_waiting'
	| 'needs_support'
	| 'mail'
	| 'invitation'
	| 'job';

export interface TodoItem {
	/** Unique in the list, for a keyed list. */
	key: string;
	kind: TodoKind;
	/** What is waiting, as a sentence. */
	text: string;
	/** Where it is done. */
	href: string;
	/** The link's words, naming the thing so a list of links reads on its own. */
	action: string;
}

export interface TodoList {
	items: TodoItem[];
	/**
	 * A kind of item listed only up to its cap: the list says so and where the rest are. Each
	 * kind is read with a limit so a scope of any size costs a page.
	 */
	cut: { kind: TodoKind; where: string; href: string | null }[];
}
