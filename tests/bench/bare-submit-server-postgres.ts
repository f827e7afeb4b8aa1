/**
 * The PostgreSQL baseline for bench:submit: bare-submit-server.ts over `pg` instead of
 * better-sqlite3. A node:http server with a pool as large as the app's default, named (prepared
 * once per connection) statements, storing the same rows as Belonging does for one post to
 * /s/<token> — the per-network counts, the single-use key, the response, its answers, general
 * ratings and comment, and the day's count — in one transaction. It checks nothing a real
 * survey must check, so it is a ceiling, not a rival.
 * Usage (from the bench): tsx tests/bench/bare-submit-server-postgres.ts <postgres url> <port>
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { DEFAULT_POOL_SIZE } from '../../src/lib/server/db';

const [url, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: DEFAULT_POOL_SIZE });

const statement = (name: string, text: string) => (client: pg.PoolClient | pg.Pool, values: unknown[]) => client.query({ name, text, values });
const roundByToken = statement(
	'round_by_token',
	`select id, instrument_version_id,
	        exists (select 1 from survey_submission_key where key_hash = $2 and round_id = round.id) as key_used
	 from round where public_token = $1`
);
const countSubmission = statement(
	'count_submission',
	`insert into survey_throttle (key_hash, day, submissions, hour_hash, hour_submissions) values ($1, $2, 1, $3, 1)
	 on conflict (key_hash) do update set submissions = survey_throttle.submissions + 1, hour_hash = excluded.hour_hash,
	   hour_submissions = case when survey_throttle.hour_hash = excluded.hour_hash then survey_throttle.hour_submissions + 1 else 1 end
	 where survey_throttle.submissions < $4 and (survey_throttle.hour_hash <> excluded.hour_hash or survey_throttle.hour_submissions < $5)
	 returning submissions`
);
const useKey = statement(
	'use_key',
	'insert into survey_submission_key (key_hash, round_id) values ($1, $2) on conflict (round_id, key_hash) do nothing returning key_hash'
);
const insertResponse = statement('insert_response', 'insert into response (id, round_id, role_group) values ($1, $2, $3)');
const insertComment = statement('insert_comment', 'insert into comment (id, round_id, body) values ($1, $2, $3)');
const countDay = statement(
	'count_day',
	'insert into submission_day (round_id, day, submissions) values ($1, $2, 1) on conflict (round_id, day) do update set submissions = submission_day.submissions + 1'
);

const itemIds = new Map<number, Promise<{ agreement: Map<string, number>; general: Map<string, number> }>>();
function idsOf(versionId: number) {
	let ids = itemIds.get(versionId);
	if (!ids) {
		const rows = async (table: string) =>
			(await pool.query<{ id: number; item_key: string }>(`select id, item_key from ${table} where instrument_version_id = $1`, [versionId])).rows;
		ids = (async () => ({
			agreement: new Map((await rows('instrument_item')).map((r) => [r.item_key, r.id])),
			general: new Map((await rows('instrument_general_item')).map((r) => [r.item_key, r.id]))
		}))();
		itemIds.set(versionId, ids);
	}
	return ids;
}

/** One multi-row INSERT per number of rows, named so each connection prepares it once. */
function insertMany(table: 'answer' | 'general_answer', columns: string, width: number, rows: number) {
	const values = Array.from({ length: rows }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
	return statement(`insert_${table}_${rows}`, `insert into ${table} (${columns}) values ${values.join(', ')}`);
}

const hash = (text: string) => createHash('sha256').update(text).digest('base64url');

async function store(round: { id: number; instrument_version_id: number }, form: URLSearchParams, key: string, address: string): Promise<'stored' | 'limited'> {
	const now = new Date().toISOString();
	const day = now.slice(0, 10);
	const ids = await idsOf(round.instrument_version_id);
	const client = await pool.connect();
	try {
		await client.query('begin');
		const counted = await countSubmission(client, [hash(`${round.id}${address}${day}`), day, hash(`${round.id}${address}${now.slice(0, 13)}`), 10_000, 10_000]);
		if (counted.rowCount === 0) {
			await client.query('rollback');
			return 'limited';
		}
		if ((await useKey(client, [hash(key), round.id])).rowCount === 0) {
			await client.query('commit');
			return 'stored';
		}
		const responseId = randomUUID();
		await insertResponse(client, [responseId, round.id, form.get('roleGroup')]);
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
		if (answers.length) await insertMany('answer', 'response_id, item_id, value, not_relevant', 4, answers.length / 4)(client, answers);
		if (general.length) await insertMany('general_answer', 'response_id, general_item_id, value', 3, general.length / 3)(client, general);
		const comment = form.get('comment');
		if (comment) await insertComment(client, [randomUUID(), round.id, comment]);
		await countDay(client, [round.id, day]);
		await client.query('commit');
		return 'stored';
	} catch (error) {
		await client.query('rollback').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

createServer((request, response) => {
	const token = /^\/s\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1];
	if (request.method !== 'POST' || !token) {
		response.writeHead(404).end();
		return;
	}
	const chunks: Buffer[] = [];
	request.on('data', (chunk: Buffer) => chunks.push(chunk));
	request.on('end', async () => {
		try {
			const form = new URLSearchParams(Buffer.concat(chunks).toString());
			const key = form.get('submission') ?? '';
			const [round] = (await roundByToken(pool, [token, hash(key)])).rows as { id: number; instrument_version_id: number; key_used: boolean }[];
			const address = String(request.headers['x-forwarded-for'] ?? request.socket.remoteAddress);
			const outcome = !round || round.key_used ? 'stored' : await store(round, form, key, address);
			if (outcome === 'limited') {
				response.writeHead(429).end();
				return;
			}
			const cookie = round ? { 'set-cookie': `answered_r${round.id}=1; Path=/s/${token}; HttpOnly; SameSite=Lax` } : {};
			response.writeHead(303, { location: `/s/${token}/thanks`, ...cookie }).end();
		} catch (error) {
			console.error(error);
			response.writeHead(500).end();
		}
	});
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
