/** Reading what /metrics answers in tests. */

/** Prometheus's text format, checked line by line: each sample `name{labels} value` of a family declared by # TYPE. */
export function parseExposition(text: string): Map<string, number> {
	const samples = new Map<string, number>();
	const families = new Map<string, string>();
	for (const line of text.split('\n')) {
		if (line === '') continue;
		const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
		if (type) {
			families.set(type[1]!, type[2]!);
			continue;
		}
		if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
		const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|Nan|[+-]Inf)( -?\d+)?$/.exec(line);
		if (!sample) throw new Error(`Not a line of Prometheus's text format: ${line}`);
		const name = sample[1]!;
		const family = [...families.keys()].find((f) => name === f || (/_(bucket|sum|count|total|created)$/.test(name) && name.startsWith(f)));
		if (!family) throw new Error(`A sample before its # TYPE: ${line}`);
		samples.set(`${name}${sample[2] ?? ''}`, Number(sample[3]));
	}
	return samples;
}
