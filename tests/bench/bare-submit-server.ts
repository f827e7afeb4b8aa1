/**
 * The baseline for bench:submit: the least a server could do to store a survey submission. A
 * bare node:http server over better-sqlite3 with statements prepared once, storing the same rows
 * as Belonging does for one post to /s/<token> — the per-network counts, the single-use key, the
 * response, its answers, general ratings and comment, and the day's count — in the same two
 * transactions, with the same pragmas. It checks nothing a real survey must check (the
 * instrument, the round's dates, codes), so it is a ceiling, not a rival.
 * Usage (from the bench): tsx tests/bench/bare-submit-server.ts <database> <port>
 */
import { createHash, randomUUID } from 'node:crypto';
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
const keyUsed = db.prepare('select 1 from survey_submission_key where key_hash = ? and round_id = ?');
const forgetOldCounts = db.prepare('delete from survey_throttle where day < ?');
const countSubmission = db.prepare(
	`insert into survey_throttle (key_hash, day, submissions, hour_hash, hour_submissions) values (?, ?, 1, ?, 1)
	 on conflict (key_hash) do update set submissions = submissions + 1, hour_hash = excluded.hour_hash,
	   hour_submissions = case when hour_hash = excluded.hour_hash then hour_submissions + 1 else 1 end
	 where submissions < ? and (hour_hash <> excluded.hour_hash or hour_submissions < ?)
	 returning submissions`
);
const useKey = db.prepare('insert into survey_submission_key (key_hash, round_id) values (?, ?) on conflict (round_id, key_hash) do nothing returning key_hash');
const insertResponse = db.prepare('insert into response (id, round_id, role_group) values (?, ?, ?)');
const insertComment = db.prepare('insert into comment (id, round_id, body) values (?, ?, ?)');
const countDay = db.prepare(
	'insert into submission_day (round_id, day, submissions) values (?, ?, 1) on conflict (round_id, day) do update set submissions = submissions + 1'
);

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

const answerInserts = new Map<number, SQLite.Statement>();
function insertMany(table: 'answer' | 'general_answer', columns: string, width: number, rows: number) {
	const key = (table === 'answer' ? 0 : 1e6) + rows;
	let statement = answerInserts.get(key);
	if (!statement) {
		const one = `(${Array(width).fill('?').join(', ')})`;
		statement = db.prepare(`insert into ${table} (${columns}) values ${Array(rows).fill(one).join(', ')}`);
		answerInserts.set(key, statement);
	}
	return statement;
}

const hash = (text: string) => createHash('sha256').update(text).digest('base64url');

const claim = db.transaction((roundId: number, address: string, day: string, hour: string) => {
	forgetOldCounts.run(day);
	return Boolean(countSubmission.get(hash(`${roundId}${address}${day}`), day, hash(`${roundId}${address}${hour}`), 10_000, 10_000));
});

const store = db.transaction((roundId: number, versionId: number, form: URLSearchParams, key: string, day: string) => {
	if (!useKey.get(hash(key), roundId)) return;
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
	const comment = form.get('comment');
	if (comment) insertComment.run(randomUUID(), roundId, comment);
	countDay.run(roundId, day);
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
		const key = form.get('submission') ?? '';
		if (!round || keyUsed.get(hash(key), round.id)) {
			response.writeHead(303, { location: `/s/${token}/thanks` }).end();
			return;
		}
		const now = new Date().toISOString();
		const address = String(request.headers['x-forwarded-for'] ?? request.socket.remoteAddress);
		if (!claim(round.id, address, now.slice(0, 10), now.slice(0, 13))) {
			response.writeHead(429).end();
			return;
		}
		store(round.id, round.instrument_version_id, form, key, now.slice(0, 10));
		response.writeHead(303, { location: `/s/${token}/thanks`, 'set-cookie': `answered_r${round.id}=1; Path=/s/${token}; HttpOnly; SameSite=Lax` }).end();
	});
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
