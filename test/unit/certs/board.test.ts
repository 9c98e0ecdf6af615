/**
 * The pure parts of the expiry board and the rotation: strict dates, sorting, and matching the CA's
 * certificates to hosts by their SANs.
 */
import assert from 'node:assert/strict';
import { daysBetween, parseStrictDateTime, sortRows, type ExpiryRow } from '../../../src/core/certs/expiry';
import { hostNames, matchCertificates, type RotationHost } from '../../../src/core/certs/rotate';
import { mapLimited } from '../../../src/core/certs/pool';
import { boardToCsv, expiryLevel, normaliseWarnDays } from '../../../src/core/certs/board';
import { issue, pem, rsaKey, testPki } from './pki';

describe('certs/expiry: strict dates', () => {
  it('reads xsd:dateTime with Z, an offset or fractions', () => {
    assert.equal(parseStrictDateTime('2027-03-01T10:00:00Z', 'x').toISOString(), '2027-03-01T10:00:00.000Z');
    assert.equal(parseStrictDateTime('2027-03-01T10:00:00.123456+02:00', 'x').toISOString(), '2027-03-01T08:00:00.123Z');
  });
  for (const bad of ['2027-02-30T00:00:00Z', '2027-13-01T00:00:00Z', '2027-03-01', '03/01/2027 10:00', '2027-03-01T24:00:00Z', 'soon', '', '2027-03-01T10:00:00']) {
    it(`refuses "${bad}" instead of normalising it`, () => {
      assert.throws(() => parseStrictDateTime(bad, 'The notAfter esx01 reports'), (e: Error & { code?: string }) => e.code === 'badDate' && /not an ISO 8601/.test(e.message));
    });
  }
  it('counts whole days left, negative once expired', () => {
    const now = new Date('2027-01-01T12:00:00Z');
    assert.equal(daysBetween(now, new Date('2027-01-31T12:00:00Z')), 30);
    assert.equal(daysBetween(now, new Date('2027-01-31T11:59:59Z')), 29);
    assert.equal(daysBetween(now, new Date('2026-12-31T12:00:00Z')), -1);
  });
  it('sorts by the earliest expiry, rows without a date last', () => {
    const row = (name: string, daysLeft?: number): ExpiryRow => ({ id: name, role: 'host', name, chain: [], notes: [], ...(daysLeft === undefined ? { error: { code: 'x', message: 'x' } } : { daysLeft }) });
    assert.deepEqual(sortRows([row('a', 90), row('err'), row('b', -2), row('c', 7)]).map((r) => r.name), ['b', 'c', 'a', 'err']);
  });
});

describe('certs/rotate: matching certificates to hosts by SANs', function () {
  this.timeout(20_000);
  const hosts: RotationHost[] = [
    { id: 'host-1', name: 'esx01.lab.local', endpoint: { host: 'esx01.lab.local', port: 443 } },
    { id: 'host-2', name: '10.0.0.6', endpoint: { host: '10.0.0.6', port: 443 } },
    { id: 'host-3', name: 'esx03.lab.local', endpoint: { host: 'esx03.lab.local', port: 443 } },
  ];
  it('the names a host must be covered by: its address and its name without the port', () => {
    assert.deepEqual(hostNames({ id: 'h', name: '127.0.0.5:4430', endpoint: { host: '127.0.0.5', port: 4430 } }), ['127.0.0.5']);
  });
  it('matches by DNS or IP SAN, passes CA files along as the chain, lists what matched nothing', () => {
    const pki = testPki();
    const k = rsaKey(2048, 'leaf');
    const byIp = issue({ cn: 'esx06', key: k, ip: ['10.0.0.6'], issuer: { cert: pki.inter, key: pki.interKey } });
    const stranger = issue({ cn: 'other.example', key: k, dns: ['other.example'], issuer: { cert: pki.inter, key: pki.interKey } });
    const r = matchCertificates(hosts, [
      { name: 'esx01.cer', bytes: Buffer.from(pem(pki.leaf)) },
      { name: 'esx06.pem', bytes: Buffer.from(pem(byIp)) },
      { name: 'other.pem', bytes: Buffer.from(pem(stranger)) },
      { name: 'chain.pem', bytes: Buffer.from(pki.chainPem) },
      { name: 'notes.txt', bytes: Buffer.from('hello') },
    ]);
    assert.deepEqual(r.matches.map((m) => [m.hostId, m.file, m.matchedBy]), [['host-1', 'esx01.cer', 'DNS:esx01.lab.local'], ['host-2', 'esx06.pem', 'IP:10.0.0.6']]);
    assert.equal(r.matches[0].chainPems.length, 2);
    assert.deepEqual(r.missing, ['host-3']);
    assert.deepEqual(r.unmatched.map((u) => u.file).sort(), ['notes.txt', 'other.pem']);
  });
  it('a host covered by two certificates gets the one that expires last', () => {
    const pki = testPki();
    const k = rsaKey(2048, 'leaf');
    const mk = (days: number) => issue({ cn: 'esx03.lab.local', key: k, dns: ['esx03.lab.local'], notAfter: new Date(Date.now() + days * 86_400_000), issuer: { cert: pki.inter, key: pki.interKey } });
    const r = matchCertificates(hosts, [{ name: 'short.pem', bytes: Buffer.from(pem(mk(30))) }, { name: 'long.pem', bytes: Buffer.from(pem(mk(700))) }]);
    assert.equal(r.matches.find((m) => m.hostId === 'host-3')?.file, 'long.pem');
  });
});

describe('certs/pool: mapLimited', () => {
  it('keeps at most `limit` in flight and the input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});

describe('certs/board: levels and CSV', () => {
  it('levels at the thresholds (largest first, any order given)', () => {
    const w = [7, 90, 30];
    assert.deepEqual([200, 91, 90, 31, 30, 8, 7, 0, -1].map((d) => expiryLevel(d, w)), ['ok', 'ok', 'notice', 'notice', 'warning', 'warning', 'critical', 'critical', 'expired']);
    assert.equal(expiryLevel(undefined, w), 'unknown');
    assert.deepEqual(normaliseWarnDays(['x', -3, 0, 14.7]), [14]);
    assert.deepEqual(normaliseWarnDays(undefined), [90, 30, 7]);
  });
  it('one CSV line per certificate, quoted, formulas defused', () => {
    const csv = boardToCsv({ rows: [{
      id: 'host-1', role: 'host', name: '=cmd|calc', endpoint: '10.0.0.5:443', chain: [{ subject: 'CN=CA', issuer: 'CN=CA', notAfter: '2030-01-01T00:00:00.000Z', daysLeft: 1000 }], notes: [],
      cert: { subject: 'CN="esx01"', issuer: 'CN=CA', notAfter: '2027-01-01T00:00:00.000Z', daysLeft: 20, sha256: 'AA:BB', key: 'RSA 2048' }, daysLeft: 20,
    }] });
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /^"host","'=cmd\|calc","10\.0\.0\.5:443",/);
    assert.match(lines[1], /"CN=""esx01"""/);
    assert.match(lines[2], /"chain 1","CN=CA"/);
  });
});
