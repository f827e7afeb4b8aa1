/**
 * A Chart.js plugin that paints the continuum's bands behind a 0–10 value axis, each with its
 * name, so colour never carries the meaning alone.
 */
import type { Chart, Plugin } from 'chart.js';
import { BAND_NAMES, type Band } from '$lib/npt/continuum';
import type { BandThresholds } from '$lib/npt/instrument';
import { continuumZones } from './continuum-scale';
import { chartColour } from './palette';

function bandColour(chart: Chart, band: Band, part: 'fill' | 'ink'): string {
	const name = band === 'bolted_on' ? 'bolted-on' : band === 'fitting_in' ? 'fitting-in' : 'belonging';
	return chartColour(chart, part === 'ink' ? `band-${name}-ink` : `band-${name}`);
}

export function bandZones(bands: BandThresholds, axis: 'x' | 'y'): Plugin {
	const ranges = continuumZones(bands).map(({ band, from, to }) => [band, from, to] as const);
	return {
		id: 'bandZones',
		beforeDatasetsDraw(chart: Chart) {
			const { ctx, chartArea: area } = chart;
			const scale = chart.scales[axis];
			if (!scale) return;
			ctx.save();
			for (const [band, from, to] of ranges) {
				const a = scale.getPixelForValue(from);
				const b = scale.getPixelForValue(to);
				ctx.fillStyle = bandColour(chart, band, 'fill');
				if (axis === 'x') ctx.fillRect(a, area.top, b - a, area.bottom - area.top);
				else ctx.fillRect(area.left, b, area.right - area.left, a - b);
				ctx.fillStyle = bandColour(chart, band, 'ink');
				ctx.font = '600 12px system-ui, sans-serif';
				ctx.textBaseline = 'top';
				// A name that does not fit its zone is left out: the axis and the page's table still say it.
				const room = axis === 'x' ? Math.abs(b - a) : area.right - area.left;
				if (ctx.measureText(BAND_NAMES[band]).width + 8 > room) continue;
				if (axis === 'x') {
					ctx.textAlign = 'center';
					ctx.fillText(BAND_NAMES[band], (a + b) / 2, area.top + 4);
				} else {
					ctx.textAlign = 'right';
					ctx.fillText(BAND_NAMES[band], area.right - 6, b + 4);
				}
			}
			ctx.restore();
		}
	};
}

/** A dashed line at one value of the axis, e.g. the construct minimum for Belonging. */
export function referenceLine(value: number, axis: 'x' | 'y', text: string): Plugin {
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
				ctx.moveTo(at, area.top + 18);
				ctx.lineTo(at, area.bottom);
			} else {
				ctx.moveTo(area.left, at);
				ctx.lineTo(area.right, at);
			}
			ctx.stroke();
			ctx.setLineDash([]);
			ctx.fillStyle = chartColour(chart, 'ink');
			ctx.font = '12px system-ui, sans-serif';
			ctx.textBaseline = 'bottom';
			const width = ctx.measureText(text).width;
			if (axis === 'y') {
				ctx.textAlign = 'left';
				ctx.fillText(text, area.left + 4, at - 2);
			} else if (at + 4 + width <= area.right) {
				ctx.textAlign = 'left';
				ctx.fillText(text, at + 4, area.bottom - 2);
			} else if (at - 4 - width >= area.left) {
				ctx.textAlign = 'right';
				ctx.fillText(text, at - 4, area.bottom - 2);
			}
			ctx.restore();
		}
	};
}
