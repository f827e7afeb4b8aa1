/**
 * The statistics behind every figure: means, standard deviations, Student's t and normal
 * quantiles (computed, not looked up) and the Wilson interval for proportions.
 */

export interface Interval {
	lower: number;
	upper: number;
}

export function mean(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation (n − 1 denominator); undefined for fewer than two values. */
export function sampleSd(values: readonly number[]): number | null {
	return values.length < 2 ? null : Math.sqrt(sampleVariance(values));
}

export function sampleVariance(values: readonly number[]): number {
	const m = mean(values);
	if (m === null || values.length < 2) return NaN;
	return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

// Lanczos approximation (g = 7, n = 9), accurate to about 15 significant digits.
const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
	-176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
	1.5056327351493116e-7
];

export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
	const z = x - 1;
	let sum = LANCZOS[0]!;
	for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
	const t = z + 7.5;
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz's method). */
function betaContinuedFraction(x: number, a: number, b: number): number {
	const tiny = 1e-300;
	let c = 1;
	let d = 1 - ((a + b) * x) / (a + 1);
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 10_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const step = d * c;
		h *= step;
		if (Math.abs(step - 1) < 1e-15) break;
	}
	return h;
}

/** Regularised incomplete beta function I_x(a, b). */
export function regularisedIncompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(
		logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x)
	);
	// The continued fraction converges fast only on one side of the mean; use symmetry otherwise.
	if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
	return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
	const tail = 0.5 * regularisedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
	return t >= 0 ? 1 - tail : tail;
}

/** The t value below which a proportion `p` of Student's t distribution lies. */
export function studentTQuantile(p: number, df: number): number {
	if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
	if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
	if (p === 0.5) return 0;
	if (p < 0.5) return -studentTQuantile(1 - p, df);
	const key = `${p}:${df}`;
	let quantile = quantileCache.get(key);
	if (quantile === undefined) {
		// Scoring asks for the same few (p, df) pairs over and over; the bisection is the cost.
		if (quantileCache.size >= QUANTILE_CACHE_LIMIT) quantileCache.clear();
		quantileCache.set(key, (quantile = bisectStudentT(p, df)));
	}
	return quantile;
}

const QUANTILE_CACHE_LIMIT = 4096;
const quantileCache = new Map<string, number>();

function bisectStudentT(p: number, df: number): number {
	let low = 0;
	let high = 1;
	while (studentTCdf(high, df) < p) high *= 2;
	// Bisection: the CDF is monotone, so 200 halvings pin the quantile to machine precision.
	for (let i = 0; i < 200 && high - low > 1e-13 * Math.max(1, high); i++) {
		const mid = (low + high) / 2;
		if (studentTCdf(mid, df) < p) low = mid;
		else high = mid;
	}
	return (low + high) / 2;
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
	if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
	const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
	const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
	const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
	const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
	const pLow = 0.02425;
	let x: number;
	if (p < pLow) {
		const q = Math.sqrt(-2 * Math.log(p));
		x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
			((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
	} else if (p <= 1 - pLow) {
		const q = p - 0.5;
		const r = q * q;
		x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
			(((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
	} else {
		const q = Math.sqrt(-2 * Math.log(1 - p));
		x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
			((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
	}
	return x;
}

/** Wilson score interval for a proportion `successes / trials` (trials > 0). */
export function wilsonInterval(successes: number, trials: number, confidenceLevel: number): Interval {
	if (trials <= 0) throw new RangeError('a Wilson interval needs at least one trial');
	const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
	const p = successes / trials;
	const z2n = (z * z) / trials;
	const centre = (p + z2n / 2) / (1 + z2n);
	const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / (1 + z2n);
	return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}
