import assert from 'node:assert/strict';
import { formatEndpoint, parseEndpoint } from '../../../src/core/net/endpoint';

describe('core net: the endpoint parser', () => {
  it('host, host:port, [v6], [v6]:port and a bare IPv6 take the default port unless given', () => {
    assert.deepEqual(parseEndpoint('esx01', 443), { host: 'esx01', port: 443 });
    assert.deepEqual(parseEndpoint(' ESX01.Lab.Local:902 ', 443), { host: 'esx01.lab.local', port: 902 });
    assert.deepEqual(parseEndpoint('[fe80::1]:8443', 443), { host: 'fe80::1', port: 8443 });
    assert.deepEqual(parseEndpoint('[fe80::1]', 22), { host: 'fe80::1', port: 22 });
    assert.deepEqual(parseEndpoint('fe80::1', 22), { host: 'fe80::1', port: 22 });
    assert.deepEqual(parseEndpoint('192.0.2.7:2222', 22), { host: '192.0.2.7', port: 2222 });
  });

  it('user@ before and a /path after are kept apart', () => {
    assert.deepEqual(parseEndpoint('root@esx01:2222', 22), { host: 'esx01', port: 2222, user: 'root' });
    assert.deepEqual(parseEndpoint('vdr/var/log/', 22), { host: 'vdr', port: 22, path: '/var/log' });
    assert.deepEqual(parseEndpoint('root@[::1]:22/x', 22), { host: '::1', port: 22, user: 'root', path: '/x' });
  });

  it('a URL of any scheme: its port, else the scheme\'s, else the default', () => {
    assert.deepEqual(parseEndpoint('https://VC01.lab.local/sdk/', 1), { host: 'vc01.lab.local', port: 443, scheme: 'https', path: '/sdk' });
    assert.deepEqual(parseEndpoint('https://127.0.0.1:8989/sdk', 443), { host: '127.0.0.1', port: 8989, scheme: 'https', path: '/sdk' });
    assert.deepEqual(parseEndpoint('http://h:80', 443), { host: 'h', port: 80, scheme: 'http' });
    assert.deepEqual(parseEndpoint('ssh://root@[fe80::1]:2222/var/log', 22), { host: 'fe80::1', port: 2222, scheme: 'ssh', user: 'root', path: '/var/log' });
    assert.deepEqual(parseEndpoint('ssh://vdr', 2), { host: 'vdr', port: 22, scheme: 'ssh' });
    assert.deepEqual(parseEndpoint('foo://h', 7), { host: 'h', port: 7, scheme: 'foo' });
  });

  it('refuses what is not an endpoint, and ports out of range', () => {
    for (const bad of ['', '   ', 'a b', 'host:0', 'host:70000', 'host:x', 'h:1:2', '[fe80::1', 'a@b@c', '@', 'https://', 'https://h:99999', '[v6]junk']) {
      assert.equal(parseEndpoint(bad, 443), undefined, bad);
    }
  });

  it('formatEndpoint brackets IPv6 and leaves out the default port', () => {
    assert.equal(formatEndpoint({ host: 'vc01', port: 443 }, 443), 'vc01');
    assert.equal(formatEndpoint({ host: 'vc01', port: 8443 }, 443), 'vc01:8443');
    assert.equal(formatEndpoint({ host: 'fe80::1', port: 22 }), '[fe80::1]:22');
    assert.equal(formatEndpoint({ host: 'fe80::1', port: 443 }, 443), '[fe80::1]');
  });
});
