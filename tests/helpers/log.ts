/** The server log's lines, as a piece of code under test writes them (platform/logging.ts). */
import { logTo } from '../../src/lib/server/platform/logging';

export interface LogLine {
	level: string;
	msg: string;
	[field: string]: unknown;
}

export interface CapturedLog {
	/** Each line as written, the raw text. */
	raw: string[];
	/** Each line parsed. */
	lines: () => LogLine[];
	restore: () => void;
}

/** Sends the log here, at every level, until `restore`. */
export function captureLog(): CapturedLog {
	const raw: string[] = [];
	const restore = logTo({ write: (line: string) => raw.push(line) });
	return { raw, lines: () => raw.map((line) => JSON.parse(line) as LogLine), restore };
}

/** The JSON lines of a server's output, skipping anything else it printed (adapter-node's "Listening on"). */
export function jsonLines(output: string): LogLine[] {
	return output
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as LogLine);
}
