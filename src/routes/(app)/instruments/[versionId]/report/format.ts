/** How the report's figures read: correlations and α with two decimals (a true minus sign), shares as whole percentages. */
export function twoPlaces(value: number | null | undefined): string {
	if (value === null || value === undefined) return '—';
	const text = value.toFixed(2);
	return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

export function share(value: number | null | undefined): string {
	return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}
