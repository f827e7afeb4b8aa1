import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import AgreementQuestion from '../../src/routes/s/[token]/AgreementQuestion.svelte';
import { parseInstrument } from '../../src/lib/npt/instrument';
import { miniInstrumentDefinition } from '../fixtures/instruments';

const worded = parseInstrument({
	...miniInstrumentDefinition(),
	answerScale: {
		agreement: [
			{ code: 1, label: 'Not at all true here' },
			{ code: 2, label: 'Mostly untrue here' },
			{ code: 3, label: 'Half true' },
			{ code: 4, label: 'Mostly true here' },
			{ code: 5, label: 'Completely true here' }
		],
		notRelevant: [
			{ code: 6, meaning: 'not_relevant_stage', label: 'Too early to say' },
			{ code: 7, meaning: 'not_relevant_role', label: 'Not part of my job' },
			{ code: 8, meaning: 'not_relevant_practice', label: 'Not how we work' }
		]
	}
});

function optionsOf(html: string): { value: string; label: string }[] {
	return [...html.matchAll(/value="([^"]+)"[^>]*\/?>\s*<span>([^<]+)<\/span>/g)].map(([, value, label]) => ({ value: value!, label: label! }));
}

describe('a statement on the survey', () => {
	it("words the answers as the instrument does, and posts the stored codes, never a label", () => {
		const { body } = render(AgreementQuestion, {
			props: { item: worded.items[0]!, scale: worded.answerScale, number: 1, name: 'item.C1', value: undefined, enhanced: false }
		});
		expect(optionsOf(body)).toEqual([
			{ value: '1', label: 'Not at all true here' },
			{ value: '2', label: 'Mostly untrue here' },
			{ value: '3', label: 'Half true' },
			{ value: '4', label: 'Mostly true here' },
			{ value: '5', label: 'Completely true here' },
			{ value: 'not_relevant_stage', label: 'Too early to say' },
			{ value: 'not_relevant_role', label: 'Not part of my job' },
			{ value: 'not_relevant_practice', label: 'Not how we work' }
		]);
	});

	it("uses Belonging's own wording for an instrument that gives none", () => {
		const plain = parseInstrument(miniInstrumentDefinition());
		const { body } = render(AgreementQuestion, {
			props: { item: plain.items[0]!, scale: plain.answerScale, number: 1, name: 'item.C1', value: undefined, enhanced: false }
		});
		expect(optionsOf(body).map((o) => o.label)).toEqual([
			'Strongly disagree',
			'Disagree',
			'Neither agree nor disagree',
			'Agree',
			'Strongly agree',
			'Not relevant to my role',
			'Not relevant at this stage',
			'Not relevant to how this practice works'
		]);
	});
});
