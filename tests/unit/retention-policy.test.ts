import { describe, expect, it } from 'vitest';
import { retentionCutoffs, retentionDatesOf } from '../../src/lib/server/retention/policy';

const RETENTION = { commentsMonths: 24, answersMonths: 36, auditMonths: 72 };

describe('retention dates', () => {
	it('counts whole calendar months from the day a round closed', () => {
		expect(retentionDatesOf(RETENTION, '2024-03-15')).toEqual({ commentsGoOn: '2026-03-15', answersGoOn: '2027-03-15' });
		expect(retentionCutoffs(RETENTION, '2026-03-15')).toEqual({ commentsClosedBy: '2024-03-15', answersClosedBy: '2023-03-15', auditBefore: '2020-03-15' });
	});

	it('takes a round that closed on 29 February on 28 February, with those that closed on the 28th', () => {
		expect(retentionDatesOf(RETENTION, '2024-02-29').commentsGoOn).toBe('2026-02-28');
		expect(retentionCutoffs(RETENTION, '2026-02-28').commentsClosedBy).toBe('2024-02-29');
		expect(retentionCutoffs(RETENTION, '2026-02-27').commentsClosedBy).toBe('2024-02-27');
	});

	it('agrees with the per-round dates on every day of four years: a round is due exactly when its date has come', () => {
		for (let day = '2028-01-01'; day < '2032-01-01'; day = nextDay(day)) {
			const { commentsClosedBy } = retentionCutoffs(RETENTION, day);
			// The cut-off is due, and the day after it is not.
			expect(retentionDatesOf(RETENTION, commentsClosedBy).commentsGoOn <= day).toBe(true);
			expect(retentionDatesOf(RETENTION, nextDay(commentsClosedBy)).commentsGoOn > day).toBe(true);
		}
	});
});

function nextDay(iso: string): string {
	const date = new Date(`${iso}T12:00:00Z`);
	date.setUTCDate(date.getUTCDate() + 1);
	return date.toISOString().slice(0, 10);
}
