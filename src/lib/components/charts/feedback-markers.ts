/**
 * A Chart.js plugin that draws "you said, we did" markers on a category axis of rounds: a
 * numbered dashed line at each marker's fractional position between the rounds. An action done
 * has a filled number box and a resolved flag an outlined one, so the kind never rests on colour;
 * the page's table lists every number in words.
 */
import type { Chart, Plugin } from 'chart.js';
import type { FeedbackMarker } from '$lib/npt/feedback';
import { chartColour } from './palette';

export type ChartMarker = Pick<FeedbackMarker, 'x' | 'number' | 'kind'>;

const BOX_HEIGHT = 16;
const BOX_PADDING = 4;
const GAP = 2;

interface Placed {
	marker: ChartMarker;
	at: number;
	width: number;
	row: number;
}

/** The pixel of a fractional category position, between or beyond the rounds' ticks. */
function pixelOf(chart: Chart, x: number): number | null {
	const scale = chart.scales.x;
	const count = chart.data.labels?.length ?? 0;
	if (!scale || count === 0) return null;
	const first = scale.getPixelForValue(0);
	if (count === 1) {
		// One round fills the axis; a marker sits 40% of the way out into its half.
		const half = (chart.chartArea.right - chart.chartArea.left) / 2;
		return first + Math.sign(x) * 0.4 * half;
	}
	const last = count - 1;
	const spacing = scale.getPixelForValue(1) - first;
	if (x <= 0) return first + x * spacing;
	if (x >= last) return scale.getPixelForValue(last) + (x - last) * spacing;
	const lower = Math.floor(x);
	const a = scale.getPixelForValue(lower);
	const b = scale.getPixelForValue(Math.ceil(x));
	return a + (x - lower) * (b - a);
}

/** Number boxes that would overlap move up a row, so close markers stay readable. */
function layout(chart: Chart, markers: readonly ChartMarker[]): Placed[] {
	const { ctx, chartArea: area } = chart;
	const placed: Placed[] = [];
	const sorted = markers
		.map((marker) => ({ marker, at: pixelOf(chart, marker.x) }))
		.filter((m): m is { marker: ChartMarker; at: number } => m.at !== null)
		.map((m) => ({ ...m, at: Math.min(area.right, Math.max(area.left, m.at)) }))
		.sort((a, b) => a.at - b.at || a.marker.number - b.marker.number);
	for (const { marker, at } of sorted) {
		const width = ctx.measureText(String(marker.number)).width + 2 * BOX_PADDING;
		let row = 0;
		while (placed.some((p) => p.row === row && Math.abs(p.at - at) < (p.width + width) / 2 + GAP)) row += 1;
		placed.push({ marker, at, width, row });
	}
	return placed;
}

export function feedbackMarkers(markers: readonly ChartMarker[]): Plugin {
	const font = '600 11px system-ui, sans-serif';
	return {
		id: 'feedbackMarkers',
		// The lines go under the scores, so no point is hidden; the numbers go over everything.
		beforeDatasetsDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			// The page's ink: over 15:1 against its paper and at least 3:1 against every band's fill.
			const ink = chartColour(chart, 'ink');
			ctx.save();
			ctx.font = font;
			ctx.strokeStyle = ink;
			ctx.lineWidth = 1.5;
			ctx.setLineDash([6, 4]);
			for (const { at } of layout(chart, markers)) {
				ctx.beginPath();
				ctx.moveTo(at, area.top);
				ctx.lineTo(at, area.bottom);
				ctx.stroke();
			}
			ctx.restore();
		},
		afterDatasetsDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const ink = chartColour(chart, 'ink');
			const paper = chartColour(chart, 'paper');
			ctx.save();
			ctx.font = font;
			ctx.setLineDash([]);
			ctx.lineWidth = 1.5;
			ctx.textAlign = 'center';
			ctx.textBaseline = 'middle';
			for (const { marker, at, width, row } of layout(chart, markers)) {
				const left = Math.min(area.right - width, Math.max(area.left, at - width / 2));
				// Along the foot of the chart, stacking upwards: the band names sit at the top of each zone.
				const top = area.bottom - 2 - BOX_HEIGHT - row * (BOX_HEIGHT + GAP);
				const solid = marker.kind === 'action_done';
				ctx.fillStyle = solid ? ink : paper;
				ctx.fillRect(left, top, width, BOX_HEIGHT);
				if (!solid) {
					ctx.strokeStyle = ink;
					ctx.strokeRect(left + 0.75, top + 0.75, width - 1.5, BOX_HEIGHT - 1.5);
				}
				ctx.fillStyle = solid ? paper : ink;
				ctx.fillText(String(marker.number), left + width / 2, top + BOX_HEIGHT / 2 + 0.5);
			}
			ctx.restore();
		}
	};
}
