/**
 * A Chart.js plugin that paints the continuum's bands behind a 0–10 vertical score axis, for
 * charts of the overall score. Each band's name is written in the margin right of the plot,
 * beside its zone, where no line, point or bar can cover it; the chart leaves that margin with
 * `BAND_NAME_MARGIN`. A construct is never drawn against these bands (construct-standing.ts).
 */
import type { Chart, Plugin } from 'chart.js';
import { BAND_NAMES, type Band } from '$lib/npt/continuum';
import type { BandThresholds } from '$lib/npt/instrument';
import { continuumZones } from './continuum-scale';
import { chartColour } from './palette';

const NAME_FONT = '600 12px system-ui, sans-serif';
const SWATCH = 10;
const GAP = 5;

/** The room right of the plot for the band names: "Fitting in" at 12 px with its swatch, and some to spare. */
export const BAND_NAME_MARGIN = 96;

function bandColour(chart: Chart, band: Band, part: 'fill' | 'ink'): string {
	const name = band === 'bolted_on' ? 'bolted-on' : band === 'fitting_in' ? 'fitting-in' : 'belonging';
	return chartColour(chart, part === 'ink' ? `band-${name}-ink` : `band-${name}`);
}

export function bandZones(bands: BandThresholds): Plugin {
	const zones = continuumZones(bands);
	return {
		id: 'bandZones',
		beforeDatasetsDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const scale = chart.scales.y;
			if (!scale) return;
			ctx.save();
			for (const { band, from, to } of zones) {
				const a = scale.getPixelForValue(from);
				const b = scale.getPixelForValue(to);
				ctx.fillStyle = bandColour(chart, band, 'fill');
				ctx.fillRect(area.left, b, area.right - area.left, a - b);
			}
			ctx.restore();
		},
		afterDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const scale = chart.scales.y;
			if (!scale) return;
			ctx.save();
			ctx.font = NAME_FONT;
			ctx.textAlign = 'left';
			ctx.textBaseline = 'middle';
			const x = area.right + GAP;
			const drawn: { name: string; left: number; right: number }[] = [];
			for (const { band, from, to } of zones) {
				const middle = (scale.getPixelForValue(from) + scale.getPixelForValue(to)) / 2;
				ctx.fillStyle = bandColour(chart, band, 'fill');
				ctx.strokeStyle = bandColour(chart, band, 'ink');
				ctx.lineWidth = 1;
				ctx.fillRect(x, middle - SWATCH / 2, SWATCH, SWATCH);
				ctx.strokeRect(x + 0.5, middle - SWATCH / 2 + 0.5, SWATCH - 1, SWATCH - 1);
				ctx.fillStyle = bandColour(chart, band, 'ink');
				ctx.fillText(BAND_NAMES[band], x + SWATCH + GAP, middle);
				drawn.push({ name: BAND_NAMES[band], left: x, right: x + SWATCH + GAP + ctx.measureText(BAND_NAMES[band]).width });
			}
			ctx.restore();
			// Where each name went, for the page's tests: whole, right of the plot and inside the canvas.
			chart.canvas.dataset.bandNames = JSON.stringify({ plotRight: area.right, width: chart.width, names: drawn });
		}
	};
}

/**
 * A dashed line at one value of the axis, e.g. the construct minimum for Belonging, with its words
 * drawn over the datasets. On a vertical axis they go just above the line, or with `inMargin`
 * in the margin right of the plot (the chart leaves `BAND_NAME_MARGIN`), one line each, where no
 * bar can cover them; on a horizontal axis they sit beside the line's foot.
 */
export function referenceLine(value: number, axis: 'x' | 'y', text: string | string[], options: { inMargin?: boolean } = {}): Plugin {
	const lines = Array.isArray(text) ? text : [text];
	const inMargin = axis === 'y' && options.inMargin === true;
	return {
		id: `referenceLine-${value}`,
		beforeDatasetsDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const scale = chart.scales[axis];
			if (!scale) return;
			const at = scale.getPixelForValue(value);
			ctx.save();
			ctx.strokeStyle = chartColour(chart, 'ink');
			ctx.setLineDash([5, 4]);
			ctx.lineWidth = 1.5;
			ctx.beginPath();
			if (axis === 'x') {
				ctx.moveTo(at, area.top);
				ctx.lineTo(at, area.bottom);
			} else {
				ctx.moveTo(area.left, at);
				ctx.lineTo(inMargin ? area.right + GAP : area.right, at);
			}
			ctx.stroke();
			ctx.restore();
		},
		afterDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const scale = chart.scales[axis];
			if (!scale) return;
			const at = scale.getPixelForValue(value);
			ctx.save();
			ctx.fillStyle = chartColour(chart, 'ink');
			ctx.font = '12px system-ui, sans-serif';
			if (axis === 'y' && !inMargin) {
				ctx.textAlign = 'left';
				ctx.textBaseline = 'bottom';
				ctx.fillText(lines.join(' '), area.left + 4, at - 2);
			} else if (axis === 'y') {
				ctx.textAlign = 'left';
				ctx.textBaseline = 'middle';
				const lineHeight = 14;
				const first = at - ((lines.length - 1) * lineHeight) / 2;
				lines.forEach((line, i) => ctx.fillText(line, area.right + GAP * 2, first + i * lineHeight));
				// Where the words went, for the page's tests: whole and inside the canvas.
				const right = area.right + GAP * 2 + Math.max(...lines.map((line) => ctx.measureText(line).width));
				chart.canvas.dataset.referenceLine = JSON.stringify({ plotRight: area.right, width: chart.width, right, text: lines.join(' ') });
			} else {
				const words = lines.join(' ');
				const width = ctx.measureText(words).width;
				ctx.textBaseline = 'bottom';
				if (at + 4 + width <= area.right) {
					ctx.textAlign = 'left';
					ctx.fillText(words, at + 4, area.bottom - 2);
				} else if (at - 4 - width >= area.left) {
					ctx.textAlign = 'right';
					ctx.fillText(words, at - 4, area.bottom - 2);
				}
			}
			ctx.restore();
		}
	};
}
