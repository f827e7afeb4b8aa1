/** How the report's figures read: correlations and α with two decimals (a true minus sign), shares as whole percentages; null when there is no figure. */
export function twoPlaces(value: number | null | undefined): string | null {
	if (value === null || value === undefined) return null;
	const text = value.toFixed(2);
	return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

export function share(value: number | null | undefined): string | null {
	return value === null || value === undefined ? null : `${Math.round(value * 100)}%`;
}

export function range(value: { lower: number; upper: number } | { min: number; max: number } | null): string | null {
	if (!value) return null;
	const [from, to] = 'lower' in value ? [value.lower, value.upper] : [value.min, value.max];
	return `${twoPlaces(from)} to ${twoPlaces(to)}`;
}
