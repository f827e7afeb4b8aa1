/**
 * Bars of the four constructs side by side on the 0–10 score axis, one series per round or per
 * view (the construct profile, the perception gap): the same labels, widths and axes for each.
 */
import type { ChartOptions } from 'chart.js';
import { CONSTRUCT_NAMES, CONSTRUCTS } from '$lib/npt/constructs';
import { scoreAxis } from './score-axis';

/** One word per line keeps the axis narrow on a phone. */
export const CONSTRUCT_LABELS = CONSTRUCTS.map((construct) => CONSTRUCT_NAMES[construct].name.split(' '));

/** How wide each series' bar is within its construct. */
export const CONSTRUCT_BAR_WIDTH = { barPercentage: 0.8, categoryPercentage: 0.7 };

export const constructBarOptions = {
	animation: false,
	scales: {
		y: scoreAxis(),
		x: { ticks: { font: { weight: 600 } }, grid: { display: false } }
	},
	plugins: { legend: { display: false } }
} satisfies ChartOptions<'bar'> as ChartOptions;
