/**
 * What the organisation import preview receives: plain data for components to render, shaped by lib/server.
 */

/** The columns of an organisation import, in the order the example file gives them. */
export type ImportColumn = 'practiceCode' | 'practiceName' | 'pcnCode' | 'pcnName' | 'icbCode';

export type ImportCells = Record<ImportColumn, string>;

export interface PreviewRow extends ImportCells {
	line: number;
	problems: string[];
	/** What importing the row would do, in words; empty while it has problems. */
	outcome: string;
}
