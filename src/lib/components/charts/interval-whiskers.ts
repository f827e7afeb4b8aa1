/**
 * A Chart.js plugin that draws each point's or bar's 95% interval as a vertical whisker with
 * caps. The intervals ride along in each dataset as `intervals` ([lower, upper] or null per
 * point), so no extra dependency or chart type is needed; hidden datasets draw none.
 */
import type { Chart, ChartDataset, Plugin } from 'chart.js';
import { chartColour } from './palette';

export type WhiskerInterval = readonly [lower: number, upper: number] | null;

/** A dataset that carries its points' intervals for this plugin. */
export type WithIntervals<T> = T & { intervals?: readonly WhiskerInterval[] };

const CAP = 4;

export function intervalWhiskers(axis: 'y' = 'y'): Plugin {
	return {
		id: 'intervalWhiskers',
		afterDatasetsDraw(chart: Chart) {
			const scale = chart.scales[axis];
			if (!scale) return;
			const { ctx } = chart;
			ctx.save();
			chart.data.datasets.forEach((dataset, index) => {
				const intervals = (dataset as WithIntervals<ChartDataset>).intervals;
				if (!intervals || !chart.isDatasetVisible(index)) return;
				const elements = chart.getDatasetMeta(index).data;
				ctx.lineWidth = 1.5;
				ctx.setLineDash([]);
				intervals.forEach((interval, i) => {
					const element = elements[i];
					if (!interval || !element) return;
					// The point's or bar's own line colour, as Chart.js resolved it.
					const colour = (element.options as { borderColor?: unknown } | undefined)?.borderColor;
					ctx.strokeStyle = typeof colour === 'string' ? colour : chartColour(chart, 'ink');
					const x = element.x;
					const top = scale.getPixelForValue(interval[1]);
					const bottom = scale.getPixelForValue(interval[0]);
					ctx.beginPath();
					ctx.moveTo(x, top);
					ctx.lineTo(x, bottom);
					ctx.moveTo(x - CAP, top);
					ctx.lineTo(x + CAP, top);
					ctx.moveTo(x - CAP, bottom);
					ctx.lineTo(x + CAP, bottom);
					ctx.stroke();
				});
			});
			ctx.restore();
		}
	};
}
