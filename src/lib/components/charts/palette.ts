/**
 * The charts' colours, read from the stylesheet's custom properties (app.css) when Chart.js
 * draws, so a chart, its key and the page around it can never disagree, and a colour is changed
 * in one place. Every pair passes WCAG contrast there.
 */
import type { Chart } from 'chart.js';
import type { ScoreKey } from '$lib/npt/constructs';

/** The custom properties charts draw with, without their leading `--`. */
export type PaletteColour =
	| 'ink'
	| 'ink-soft'
	| 'paper'
	| 'brand'
	| 'line'
	| `band-${'bolted-on' | 'fitting-in' | 'belonging'}${'' | '-ink'}`
	| `series-${ScoreKey}`;

/** Used only if the stylesheet has not loaded: the page's own ink and paper. */
const FALLBACK = { ink: 'black', paper: 'white' };

export function cssColour(element: Element, name: PaletteColour): string {
	const value = getComputedStyle(element).getPropertyValue(`--${name}`).trim();
	const light = name === 'paper' || (name.startsWith('band-') && !name.endsWith('-ink'));
	return value || (light ? FALLBACK.paper : FALLBACK.ink);
}

/** A colour of the chart's own canvas, for plugins that paint on it. */
export function chartColour(chart: Chart, name: PaletteColour): string {
	return cssColour(chart.canvas, name);
}

/**
 * A dataset or scale colour as a Chart.js scriptable option: resolved when the chart draws (in
 * the browser), so options can be written where the page is rendered on the server too.
 */
export function colour(name: PaletteColour) {
	return ({ chart }: { chart: Chart }) => chartColour(chart, name);
}

/**
 * Two bar series told apart without colour: outlined for the one compared against (an earlier
 * round, the staff), solid for the one in focus (the latest round, the link worker).
 */
export const COMPARED_BARS = { backgroundColor: colour('paper'), borderColor: colour('ink-soft'), borderWidth: 2 };
export const FOCUS_BARS = { backgroundColor: colour('brand'), borderColor: colour('ink'), borderWidth: 2 };
