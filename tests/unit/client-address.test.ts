/**
 * Issue 24, item 10: the limits count an IPv6 client by its /64, so one line cannot take a fresh
 * allowance for each of its addresses, and an IPv4 address written as IPv6 as that IPv4 address.
 */
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/lib/server/platform/client-address';

describe('the address the limits count', () => {
	it.each([
		// IPv4 stays as it is: a NAT pool is indistinguishable from separate networks.
		['203.0.113.50', '203.0.113.50'],
		[' 203.0.113.50 ', '203.0.113.50'],
		// IPv6: the first four groups, without leading zeros, in lower case.
		['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
		['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
		['2001:db8:1:2::1', '2001:db8:1:2::/64'],
		['2001:db8::1', '2001:db8:0:0::/64'],
		['2001:db8::', '2001:db8:0:0::/64'],
		['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
		['::1', '0:0:0:0::/64'],
		['::', '0:0:0:0::/64'],
		['fe80::1%eth0', 'fe80:0:0:0::/64'],
		['[2001:db8:1:2::9]', '2001:db8:1:2::/64'],
		// A dotted tail outside the mapped range is still IPv6: 64:ff9b::/96 (NAT64) is one /64.
		['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
		// IPv4-mapped, dotted or in hex, counts as the IPv4 address.
		['::ffff:192.0.2.1', '192.0.2.1'],
		['::FFFF:192.0.2.1', '192.0.2.1'],
		['::ffff:c000:0201', '192.0.2.1'],
		['0:0:0:0:0:ffff:cb00:7132', '203.0.113.50'],
		// Not an address at all (no proxy header, in development): counted as written.
		['unknown', 'unknown'],
		['', '']
	])('counts %j as %j', (address, key) => {
		expect(addressKey(address)).toBe(key);
	});

	it('gives two addresses in one /64 the same key, and the next /64 another', () => {
		expect(addressKey('2001:db8:aa:bb:1::1')).toBe(addressKey('2001:db8:aa:bb:ffff:2:3:4'));
		expect(addressKey('2001:db8:aa:bc::1')).not.toBe(addressKey('2001:db8:aa:bb::1'));
	});
});
