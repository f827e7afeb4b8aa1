import { describe, expect, it } from 'vitest';
import { MAX_ID, parseId } from '../../src/lib/ids';
import * as serverIds from '../../src/lib/server/platform/ids';

const { idTextSchema } = serverIds;

// Issue 24, item 12: `flagId=" 2"` was flag 2, and a path id past PostgreSQL's integer was a 500 there.
describe('one strict reading of ids', () => {
	it.each([
		['1', 1],
		['2', 2],
		['907', 907],
		['2147483647', 2147483647]
	])('reads %j as id %i', (text, id) => {
		expect(parseId(text)).toBe(id);
		expect(idTextSchema('No such thing').safeParse(text)).toEqual({ success: true, data: id });
	});

	it.each([
		' 2', '2 ', '\t2', '2\n', '02', '0', '00', '-1', '+2', '2.0', '2.', '.5', '0x2', '1e0', '2e1', '２',
		'2147483648', '99999999999', '1'.repeat(400), '', ' ', '2a', 'a2', 'Infinity', 'NaN', '1_000', '1,000', '٢'
	])('reads %j as no id', (text) => {
		expect(parseId(text)).toBeUndefined();
		const parsed = idTextSchema('No such thing').safeParse(text);
		expect(parsed.success).toBe(false);
		expect(parsed.error?.issues[0]?.message).toBe('No such thing');
	});

	it.each([[2], [null], [undefined], [['2']], [{}]])('reads the non-text %j as no id', (value) => {
		expect(parseId(value)).toBeUndefined();
		expect(idTextSchema('No such thing').safeParse(value).success).toBe(false);
	});

	it('stops at PostgreSQL’s integer', () => {
		expect(MAX_ID).toBe(2 ** 31 - 1);
	});

	it('is the one parser on the server and in the pages', () => {
		expect(serverIds.parseId).toBe(parseId);
		expect(serverIds.MAX_ID).toBe(MAX_ID);
		expect(serverIds.idFromParam('2147483647')).toBe(2147483647);
		expect(serverIds.idFromParam('2147483648')).toBeUndefined();
	});
});
