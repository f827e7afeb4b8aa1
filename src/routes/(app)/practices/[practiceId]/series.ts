/**
 * How each score is drawn on the dashboard's charts. Every series differs in line pattern and
 * point shape as well as colour, so none is told apart by colour alone.
 */
import type { PaletteColour } from '$lib/components/charts/palette';
import { CONSTRUCT_NAMES, type ScoreKey } from '$lib/npt/constructs';

export interface SeriesStyle {
	name: string;
	/** Its custom property in app.css, which the toggles' swatches use too. */
	colour: PaletteColour;
	dash: number[];
	point: 'circle' | 'rect' | 'triangle' | 'rectRot' | 'crossRot';
	/** Described in words beside the toggles and in the chart's key. */
	look: string;
}

export const SERIES: Record<ScoreKey, SeriesStyle> = {
	overall: { name: 'Overall score', colour: 'series-overall', dash: [], point: 'circle', look: 'thick solid line, round points' },
	coherence: {
		name: CONSTRUCT_NAMES.coherence.name,
		colour: 'series-coherence',
		dash: [8, 4],
		point: 'rect',
		look: 'dashed line, square points'
	},
	cognitive_participation: {
		name: CONSTRUCT_NAMES.cognitive_participation.name,
		colour: 'series-cognitive_participation',
		dash: [2, 3],
		point: 'triangle',
		look: 'dotted line, triangles'
	},
	collective_action: {
		name: CONSTRUCT_NAMES.collective_action.name,
		colour: 'series-collective_action',
		dash: [10, 3, 2, 3],
		point: 'rectRot',
		look: 'dash-dot line, diamonds'
	},
	reflexive_monitoring: {
		name: CONSTRUCT_NAMES.reflexive_monitoring.name,
		colour: 'series-reflexive_monitoring',
		dash: [4, 2],
		point: 'crossRot',
		look: 'short dashes, crosses'
	}
};
