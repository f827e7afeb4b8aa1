/**
 * Text that must be in the page as the server sends it, for people without JavaScript: a
 * textarea's defaultValue is set only by a browser running Svelte, so these render the text as
 * the element's content.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import CopyText from '../../src/routes/(app)/rounds/[roundId]/share/CopyText.svelte';
import ImportPage from '../../src/routes/(app)/admin/import/+page.svelte';

const textareaOf = (html: string, id: string) => new RegExp(`<textarea[^>]*id="${id}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];

describe('text the server renders', () => {
	it('puts the message to copy on the share page into its box', () => {
		const { body } = render(CopyText, { props: { id: 'message', label: 'Message', text: 'Please answer by Friday: https://example.org/s/abc', multiline: true, button: 'Copy' } });
		expect(textareaOf(body, 'message')).toBe('Please answer by Friday: https://example.org/s/abc');
	});

	it('gives a refused organisations import its pasted rows back', () => {
		const form = { problems: [{ field: 'csvText', message: 'Row 2: the ODS code is missing' }], values: { csvText: 'ods_code,name\n,No code' } };
		const { body } = render(ImportPage, { props: { data: { maxSize: '1 MB', maxRows: 2000, example: 'ods_code,name' }, form, params: {} } as never });
		expect(textareaOf(body, 'csvText')).toBe('ods_code,name\n,No code');
	});
});
