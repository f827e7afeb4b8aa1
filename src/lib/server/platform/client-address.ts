/**
 * The client's address as the limits count it (the survey limit, sign-in throttling), and a
 * clear 400 when the address cannot be known.
 *
 * One household or practice line gets a whole IPv6 /64 and may use any address in it, fresh for
 * each request; counting full addresses would give each of them a fresh allowance. So an IPv6
 * address counts by its /64, and an IPv4 address written as IPv6 (`::ffff:192.0.2.1`, as a
 * dual-stack socket reports it) counts as that IPv4 address.
 */
import { error, type Handle } from '@sveltejs/kit';
import { isIPv4, isIPv6 } from 'node:net';

/** The eight 16-bit groups of a valid IPv6 address (any zone removed first). */
function ipv6Groups(address: string): number[] {
	let text = address;
	const groups: number[] = [];
	// A trailing dotted IPv4 part stands for the last two groups.
	const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (dotted) {
		const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
		text = `${text.slice(0, dotted.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
	const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
	const before = parse(head);
	const after = parse(tail);
	groups.push(...before, ...Array(8 - before.length - after.length).fill(0), ...after);
	return groups;
}

/**
 * The key the limits count a client address under: an IPv4 address as it is, an IPv6 address by
 * its /64 (`2001:db8:0:1::/64`), an IPv4-mapped IPv6 address as its IPv4 address. Anything else
 * (no address at all, in development) is counted as written.
 */
export function addressKey(address: string): string {
	const trimmed = address.trim();
	if (isIPv4(trimmed)) return trimmed;
	const bare = trimmed.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
	if (!isIPv6(bare)) return trimmed;
	const groups = ipv6Groups(bare);
	if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
		return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
	}
	return `${groups
		.slice(0, 4)
		.map((g) => g.toString(16))
		.join(':')}::/64`;
}

const NO_ADDRESS =
	'Belonging could not tell where this request came from, so it was not accepted. Reach Belonging through its usual address; if this keeps happening, tell whoever runs it that its proxy is not sending the client’s address.';

/**
 * With ADDRESS_HEADER set, adapter-node throws a plain Error (a 500) for a request without that
 * header, and for one whose X-Forwarded-For has fewer addresses than XFF_DEPTH: a request that
 * did not come through the proxy. Whatever reads the address then refuses the request with 400,
 * before it changes anything; requests that never ask (the health check) go on as before.
 */
export const refuseRequestsWithoutAddress: Handle = ({ event, resolve }) => {
	const fromAdapter = event.getClientAddress;
	event.getClientAddress = () => {
		try {
			return fromAdapter();
		} catch {
			error(400, NO_ADDRESS);
		}
	};
	return resolve(event);
};
