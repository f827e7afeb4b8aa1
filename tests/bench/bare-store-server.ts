/**
 * The second baseline for bench:submit, the floor below bare-submit-server.ts: a bare node:http
 * server over better-sqlite3 that stores only the response and its answers (agreement and general
 * ratings), in one transaction, with statements prepared once and the same pragmas as Belonging.
 * No limits, no single-use key, no comment, no day's count, no checks: what any server storing a
 * survey must do at the least.
 * Usage (from the bench): tsx tests/bench/bare-store-server.ts <database> <port>
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import SQLite from 'better-sqlite3';

const [path, port] = process.argv.slice(2);
const db = new SQLite(path!);
db.pragma('journal_mode = WAL');
db.pragma('secure_delete = ON');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

const roundByToken = db.prepare('select id, instrument_version_id from round where public_token = ?');
const insertResponse = db.prepare('insert into response (id, round_id, role_group) values (?, ?, ?)');

const itemIds = new Map<number, { agreement: Map<string, number>; general: Map<string, number> }>();
function idsOf(versionId: number) {
	let ids = itemIds.get(versionId);
	if (!ids) {
		const rows = (table: string) =>
			db.prepare(`select id, item_key from ${table} where instrument_version_id = ?`).all(versionId) as { id: number; item_key: string }[];
		ids = {
			agreement: new Map(rows('instrument_item').map((r) => [r.item_key, r.id])),
			general: new Map(rows('instrument_general_item').map((r) => [r.item_key, r.id]))
		};
		itemIds.set(versionId, ids);
	}
	return ids;
}

const inserts = new Map<string, SQLite.Statement>();
function insertMany(table: 'answer' | 'general_answer', columns: string, width: number, rows: number) {
	const key = `${table}:${rows}`;
	let statement = inserts.get(key);
	if (!statement) {
		const one = `(${Array(width).fill('?').join(', ')})`;
		statement = db.prepare(`insert into ${table} (${columns}) values ${Array(rows).fill(one).join(', ')}`);
		inserts.set(key, statement);
	}
	return statement;
}

const store = db.transaction((roundId: number, versionId: number, form: URLSearchParams) => {
	const ids = idsOf(versionId);
	const responseId = randomUUID();
	insertResponse.run(responseId, roundId, form.get('roleGroup'));
	const answers: unknown[] = [];
	const general: unknown[] = [];
	for (const [name, value] of form) {
		if (name.startsWith('item-')) {
			const point = /^[1-5]$/.test(value);
			answers.push(responseId, ids.agreement.get(name.slice(5)), point ? Number(value) : null, point ? null : value);
		} else if (name.startsWith('general-')) {
			general.push(responseId, ids.general.get(name.slice(8)), Number(value));
		}
	}
	if (answers.length) insertMany('answer', 'response_id, item_id, value, not_relevant', 4, answers.length / 4).run(...answers);
	if (general.length) insertMany('general_answer', 'response_id, general_item_id, value', 3, general.length / 3).run(...general);
});

createServer((request, response) => {
	const token = /^\/s\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1];
	if (request.method !== 'POST' || !token) {
		response.writeHead(404).end();
		return;
	}
	const chunks: Buffer[] = [];
	request.on('data', (chunk: Buffer) => chunks.push(chunk));
	request.on('end', () => {
		const form = new URLSearchParams(Buffer.concat(chunks).toString());
		const round = roundByToken.get(token) as { id: number; instrument_version_id: number } | undefined;
		if (round) store(round.id, round.instrument_version_id, form);
		response.writeHead(303, { location: `/s/${token}/thanks` }).end();
	});
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
