import assert from 'node:assert/strict';
import { canonicalIp, coverName, dnsPatternMatches, ipFromBytes } from '../../../src/core/certs/hostname';

describe('certs/hostname matching', () => {
  it('applies wildcard rules: one whole left-most label only', () => {
    assert.equal(dnsPatternMatches('*.lab.local', 'esx01.lab.local'), true);
    assert.equal(dnsPatternMatches('*.lab.local', 'ESX01.Lab.Local.'), true);
    assert.equal(dnsPatternMatches('*.lab.local', 'a.b.lab.local'), false);
    assert.equal(dnsPatternMatches('*.lab.local', 'lab.local'), false);
    assert.equal(dnsPatternMatches('*.local', 'lab.local'), false);
    assert.equal(dnsPatternMatches('esx*.lab.local', 'esx01.lab.local'), false);
    assert.equal(dnsPatternMatches('esx01.*.local', 'esx01.lab.local'), false);
    assert.equal(dnsPatternMatches('*.0.0.10', '10.0.0.10'), false);
  });

  it('matches IP addresses only against IP SANs, in any notation', () => {
    const sans = { dns: ['10.0.0.5'], ip: ['fe80::1', '10.0.0.6'] };
    assert.equal(coverName('10.0.0.5', sans, undefined).covered, false);
    assert.equal(coverName('10.0.0.6', sans, undefined).matchedBy, 'IP:10.0.0.6');
    assert.equal(coverName('FE80:0:0::0:1', sans, undefined).covered, true);
    assert.equal(coverName('[fe80::1]', sans, undefined).covered, true);
    assert.equal(canonicalIp('::ffff:10.0.0.1'), canonicalIp('::ffff:a00:1'));
    assert.equal(ipFromBytes(Uint8Array.from([0xfe, 0x80, ...new Array(13).fill(0), 1])), 'fe80::1');
  });

  it('falls back to the CN only when there is no SAN, and says so', () => {
    const cn = coverName('esx01.lab.local', { dns: [], ip: [] }, 'esx01.lab.local');
    assert.deepEqual(cn, { name: 'esx01.lab.local', covered: true, matchedBy: 'CN:esx01.lab.local', viaCommonName: true });
    assert.equal(coverName('esx01.lab.local', { dns: ['other'], ip: [] }, 'esx01.lab.local').covered, false);
  });
});
