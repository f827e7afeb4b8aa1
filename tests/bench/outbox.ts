/**
 * Mails per second through the outbox, against a bare baseline in the same run: the same mails
 * sent straight through the same pooled nodemailer transport, 20 at a time, to the same local SMTP
 * server (smtp-server, which parses every mail as a real server would). The outbox adds what
 * makes mail safe: a claim per batch and a row update per mail. Phases alternate bare, outbox,
 * bare, outbox…, on SQLite and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, PostgreSQL.
 *
 * Usage: npm run bench:outbox [-- --mails=600 --phases=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { composeMail } from '../../src/lib/server/mail/compose';
import { smtpMailer, type Mailer, type MailMessage } from '../../src/lib/server/mail/mailer';
import { deliverDueMail, enqueueMail } from '../../src/lib/server/mail/outbox';
import { startSmtpServer } from '../helpers/smtp';
import { benchPostgresUrl, createBenchDatabase, NO_POSTGRES } from './postgres';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const MAILS = arg('mails', 600);
const PHASES = arg('phases', 3);
const BATCH = 20;

function invitation(n: number): MailMessage {
	return composeMail({
		to: `person${n}@example.nhs.uk`,
		subject: 'You are invited to Belonging',
		greeting: `Hello Person ${n},`,
		body: [
			{ paragraph: 'Sam Lead has invited you to Belonging as a practice manager.' },
			{ paragraph: 'Your account is for the practice Riverside Surgery.' },
			{ paragraph: 'Belonging helps GP practices see how well their link worker is embedded in the team.' },
			{ link: { label: 'Choose your password (the link works once, until 10 December 2026 at 10:00)', url: `https://belonging.example.org/invitation/${'x'.repeat(43)}` } },
			{ paragraph: 'If you were not expecting this mail, you can ignore it: nothing changes unless the link is used.' }
		],
		reason: 'You are getting this mail because Sam Lead entered your address to give you an account.'
	});
}

/** Wraps a mailer to time each send. */
function timed(mailer: Mailer, times: number[]): Mailer {
	return {
		description: mailer.description,
		async send(message) {
			const started = performance.now();
			await mailer.send(message);
			times.push(performance.now() - started);
		}
	};
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

interface Phase {
	rate: number;
	sendP50: number;
	sendP95: number;
}

async function bare(mailer: Mailer): Promise<Phase> {
	const times: number[] = [];
	const sender = timed(mailer, times);
	const started = performance.now();
	for (let i = 0; i < MAILS; i += BATCH) {
		await Promise.all(Array.from({ length: Math.min(BATCH, MAILS - i) }, (_, j) => sender.send(invitation(i + j))));
	}
	const seconds = (performance.now() - started) / 1000;
	return { rate: MAILS / seconds, sendP50: percentile(times, 50), sendP95: percentile(times, 95) };
}

async function throughOutbox(db: Db, mailer: Mailer): Promise<Phase> {
	const now = new Date();
	// Queued beforehand, as changes would have: what is measured is the worker's sending.
	await db.transaction().execute(async (tx) => {
		for (let n = 0; n < MAILS; n++) await enqueueMail(tx, 'invitation', invitation(n), now);
	});
	const times: number[] = [];
	const started = performance.now();
	const report = await deliverDueMail(db, timed(mailer, times), () => new Date(), BATCH);
	const seconds = (performance.now() - started) / 1000;
	if (report.sent !== MAILS) throw new Error(`Sent ${report.sent} of ${MAILS}`);
	return { rate: MAILS / seconds, sendP50: percentile(times, 50), sendP95: percentile(times, 95) };
}

async function measure(name: string, db: Db): Promise<void> {
	const smtp = await startSmtpServer();
	const mailer = smtpMailer({ url: smtp.url, from: 'belonging@test.example' });
	try {
		await bare(mailer); // warm-up: connections open, code compiled
		const runs = { bare: [] as Phase[], outbox: [] as Phase[] };
		for (let phase = 0; phase < PHASES; phase++) {
			runs.bare.push(await bare(mailer));
			runs.outbox.push(await throughOutbox(db, mailer));
		}
		await smtp.waitFor((PHASES * 2 + 1) * MAILS, 60_000);
		const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
		const line = (label: string, list: Phase[]) =>
			`${label.padEnd(42)} ${mean(list.map((r) => r.rate)).toFixed(0).padStart(5)} mails/s  send p50 ${mean(list.map((r) => r.sendP50)).toFixed(1)} ms  p95 ${mean(list.map((r) => r.sendP95)).toFixed(1)} ms  (phases: ${list.map((r) => r.rate.toFixed(0)).join(', ')})`;
		console.log(`\n${name}: ${PHASES} × ${MAILS} mails each, ${BATCH} at a time, A B A B; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
		console.log(line('bare: nodemailer pool straight to SMTP', runs.bare));
		console.log(line('through the outbox (claim, send, mark sent)', runs.outbox));
		console.log(`ratio ${(mean(runs.outbox.map((r) => r.rate)) / mean(runs.bare.map((r) => r.rate))).toFixed(2)} ×; ${smtp.arrived.length} mails arrived`);
	} finally {
		mailer.close?.();
		await smtp.close();
	}
}

console.log(`Node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), 'belonging-bench-outbox-'));
try {
	const sqlite = openDatabase({ databasePath: join(dir, 'outbox.db') });
	await migrateToLatest(sqlite);
	await measure('SQLite', sqlite);
	await sqlite.destroy();
	const base = benchPostgresUrl();
	if (base) {
		const target = await createBenchDatabase(base, 'belonging_bench_outbox');
		const postgres = openDatabase({ databaseUrl: target.url });
		try {
			await migrateToLatest(postgres);
			await measure('PostgreSQL', postgres);
		} finally {
			await postgres.destroy();
			await target.drop();
		}
	} else {
		console.log(`\n${NO_POSTGRES}`);
	}
} finally {
	rmSync(dir, { recursive: true, force: true });
}
