/** Reading the outbox in tests: the mail a change queued, oldest first. */
import type { Db } from '../../src/lib/server/db';

export interface QueuedMail {
	id: number;
	kind: string;
	to: string;
	subject: string;
	text: string;
	html: string;
	/** The headers kept with the mail (Auto-Submitted, List-Unsubscribe). */
	headers: Record<string, string>;
	status: string;
}

export async function queuedMail(db: Db): Promise<QueuedMail[]> {
	const rows = await db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
	return rows.map((r) => ({
		id: r.id,
		kind: r.kind,
		to: r.recipient,
		subject: r.subject,
		text: r.text_body ?? '',
		html: r.html_body ?? '',
		headers: r.headers ? (JSON.parse(r.headers) as Record<string, string>) : {},
		status: r.status
	}));
}
