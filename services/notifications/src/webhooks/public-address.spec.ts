import { describe, expect, it } from '@jest/globals';
import { isPublicAddress, RefusedAddress, resolveDeliveryAddress, type HostLookup } from './public-address.js';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.10',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])('accepts %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('resolveDeliveryAddress', () => {
  const resolvesTo =
    (...addresses: string[]): HostLookup =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('answers the first address of a public name', async () => {
    await expect(resolveDeliveryAddress(new URL('https://hooks.example.com/in'), false, resolvesTo('93.184.216.34', '8.8.8.8'))).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('refuses a name of which any address is private', async () => {
    await expect(resolveDeliveryAddress(new URL('https://rebind.example.com/'), false, resolvesTo('93.184.216.34', '10.0.0.5'))).rejects.toBeInstanceOf(
      RefusedAddress,
    );
  });

  it('refuses literal loopback addresses, IPv6 in brackets included, without a lookup', async () => {
    const lookup: HostLookup = () => Promise.reject(new Error('no lookup expected'));
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://[::ffff:7f00:1]/', 'http://169.254.169.254/latest/meta-data']) {
      await expect(resolveDeliveryAddress(new URL(url), false, lookup)).rejects.toThrow('public address');
    }
  });

  it('allows private addresses when told to', async () => {
    await expect(resolveDeliveryAddress(new URL('http://127.0.0.1:9/'), true)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('refuses a name that does not resolve and a scheme other than http(s)', async () => {
    await expect(resolveDeliveryAddress(new URL('https://nowhere.invalid/'), true, async () => [])).rejects.toThrow('does not resolve');
    await expect(resolveDeliveryAddress(new URL('ftp://example.com/'), true, resolvesTo('93.184.216.34'))).rejects.toThrow('http');
  });
});
