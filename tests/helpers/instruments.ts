/**
 * A small instrument file as an organisation might import it: eight statements, two per
 * construct, one reverse-worded, with its licence. `change` edits a copy before it is returned.
 */
export function smallInstrument(change: (draft: Record<string, any>) => void = () => {}): Record<string, any> {
	const draft: Record<string, any> = {
		id: 'team-fit',
		version: '1.0',
		title: 'Team fit check',
		language: 'en-GB',
		audience: 'staff',
		provenance: {
			authors: ['A. Author', 'B. Writer'],
			citation: 'Author A, Writer B. Team fit check. Example Press; 2026.',
			doi: '10.1234/team-fit',
			licence: 'CC BY 4.0: free to use with attribution'
		},
		items: [
			{ id: 'T1', construct: 'coherence', subConstruct: 'differentiation', text: 'I can say how the link worker role differs from mine.', reversed: false },
			{ id: 'T2', construct: 'coherence', subConstruct: 'communal_specification', text: 'We agree as a team what the link worker is for.', reversed: false, help: 'Think of the last team meeting.' },
			{ id: 'T3', construct: 'cognitive_participation', subConstruct: 'initiation', text: 'Someone here drives the link worker role forward.', reversed: false },
			{ id: 'T4', construct: 'cognitive_participation', subConstruct: 'legitimation', text: 'Referring to the link worker is not my job.', reversed: true },
			{ id: 'T5', construct: 'collective_action', subConstruct: 'interactional_workability', text: 'Referring a patient to the link worker is easy.', reversed: false },
			{ id: 'T6', construct: 'collective_action', subConstruct: 'contextual_integration', text: 'The link worker has what they need to work here.', reversed: false },
			{ id: 'T7', construct: 'reflexive_monitoring', subConstruct: 'systematisation', text: 'I hear what happened to patients I referred.', reversed: false },
			{ id: 'T8', construct: 'reflexive_monitoring', subConstruct: 'reconfiguration', text: 'We have changed how we work because of what we learnt.', reversed: false }
		],
		generalItems: [{ id: 'G1', text: 'How familiar does working with the link worker feel?', minLabel: 'Still new', maxLabel: 'Completely familiar' }],
		roleGroups: [
			{ id: 'clinical', label: 'Clinical' },
			{ id: 'admin', label: 'Management and admin' }
		],
		scoring: { minItemsFraction: 0.5, minConstructsForOverall: 3, minRespondentsForAlpha: 10, confidenceLevel: 0.95 },
		bands: { fittingIn: 5, belonging: 7.5, belongingConstructMinimum: 6.25 }
	};
	change(draft);
	return draft;
}

/** The link-worker side of smallInstrument: the same statements asked from the link worker's side. */
export function smallLinkWorkerInstrument(change: (draft: Record<string, any>) => void = () => {}): Record<string, any> {
	return smallInstrument((draft) => {
		draft.id = 'team-fit-lw';
		draft.title = 'Team fit check: link worker';
		draft.audience = 'link_worker';
		draft.pairedWith = { id: 'team-fit', version: '1.0' };
		draft.items = draft.items.map((item: Record<string, unknown>) => ({ ...item, id: `L${String(item.id).slice(1)}`, pairs: item.id }));
		draft.generalItems = [];
		change(draft);
	});
}
