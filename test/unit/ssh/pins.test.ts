/**
 * The one SSH host-key pin store and password policy (src/extension/ssh): the migration of the three
 * per-feature pin stores, run over an in-memory Memento, and the shared password keys over an
 * in-memory SecretStorage. Both modules are free of `vscode`.
 */
import assert from 'node:assert/strict';
import { HOST_KEYS_KEY, HostKeyPins, LEGACY_PIN_KEYS, mergePins, migrateLegacyPins, type MementoLike } from '../../../src/extension/ssh/pins';
import { passwordKey, SshPasswords, type SecretsLike } from '../../../src/extension/ssh/passwords';

const A = 'SHA256:' + 'A'.repeat(43);
const B = 'SHA256:' + 'B'.repeat(43);
const C = 'SHA256:' + 'C'.repeat(43);

/** globalState as VS Code keeps it: update(key, undefined) deletes the key. */
class MemoryMemento implements MementoLike {
  readonly data = new Map<string, unknown>();
  writes = 0;
  constructor(init: Record<string, unknown> = {}) {
    for (const [k, v] of Object.entries(init)) this.data.set(k, v);
  }
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

class MemorySecrets implements SecretsLike {
  readonly data = new Map<string, string>();
  async get(key: string) { return this.data.get(key); }
  async store(key: string, value: string) { this.data.set(key, value); }
  async delete(key: string) { this.data.delete(key); }
}

describe('SSH host-key pins: one store for every feature', () => {
  it('merges the three old stores; the same key in several is one pin', () => {
    const r = mergePins({}, {
      esxtop: { 'esx1:22': A, 'esx2:22': B },
      logs: { 'vdr:22': C, 'esx1:22': A },
      certificates: { 'esx3:2222': B },
    });
    assert.deepEqual(r.pins, { 'esx1:22': A, 'esx2:22': B, 'vdr:22': C, 'esx3:2222': B });
    assert.equal(r.migrated, 4);
    assert.deepEqual(r.conflicts, []);
  });

  it('two old stores that disagree about a host: both pins dropped (the user is asked), the conflict reported', () => {
    const r = mergePins({}, { esxtop: { 'esx1:22': A, 'esx2:22': C }, certificates: { 'esx1:22': B } });
    assert.deepEqual(r.pins, { 'esx2:22': C });
    assert.deepEqual(r.conflicts, [{ hostPort: 'esx1:22', pins: { esxtop: A, certificates: B } }]);
  });

  it('a pin already in the new store wins over a differing old one (it is the newer decision)', () => {
    const r = mergePins({ 'esx1:22': A }, { logs: { 'esx1:22': B }, esxtop: { 'esx1:22': A } });
    assert.deepEqual(r.pins, { 'esx1:22': A });
    assert.equal(r.migrated, 0);
    assert.deepEqual(r.conflicts, [{ hostPort: 'esx1:22', pins: { current: A, logs: B, esxtop: A }, kept: A }]);
    assert.deepEqual(mergePins({ 'esx1:22': A }, { logs: { 'esx1:22': A } }).conflicts, [], 'the same key is no conflict');
  });

  it('ignores junk in an old store (not an object, empty or non-string fingerprints)', () => {
    const r = mergePins({}, { esxtop: ['x'] as unknown as Record<string, string>, logs: { 'a:22': '', 'b:22': 7 as unknown as string, 'c:22': A } });
    assert.deepEqual(r.pins, { 'c:22': A });
  });

  it('migrateLegacyPins writes the merged store and deletes the old keys; then it is a no-op', async () => {
    const state = new MemoryMemento({
      [LEGACY_PIN_KEYS.esxtop]: { 'esx1:22': A },
      [LEGACY_PIN_KEYS.logs]: { 'vdr:22': C },
      [LEGACY_PIN_KEYS.certificates]: { 'esx1:22': B, 'esx9:22': B },
      'vsphereLab.other': 1,
    });
    const r = await migrateLegacyPins(state);
    assert.equal(r?.conflicts.length, 1);
    assert.deepEqual(state.get(HOST_KEYS_KEY), { 'vdr:22': C, 'esx9:22': B });
    for (const k of Object.values(LEGACY_PIN_KEYS)) assert.equal(state.data.has(k), false, `${k} deleted`);
    assert.equal(state.get('vsphereLab.other'), 1, 'other keys untouched');
    const writes = state.writes;
    assert.equal(await migrateLegacyPins(state), undefined);
    assert.equal(state.writes, writes, 'nothing written once migrated');
  });

  it('HostKeyPins: a key pinned for one feature is the pin for all; an old store written later is folded in and reported', async () => {
    const state = new MemoryMemento({ [LEGACY_PIN_KEYS.esxtop]: { 'esx1:22': A } });
    const lines: string[] = [];
    const pins = new HostKeyPins(state, (l, level) => lines.push(`${level} ${l}`));
    assert.equal(await pins.get({ host: 'esx1', port: 22 }), A, 'pinned by esxtop, trusted for anything');
    assert.equal(await pins.get({ host: 'esx1', port: 2222 }), undefined, 'the port is part of the identity');
    await pins.set({ host: 'vdr', port: 22 }, C);
    state.data.set(LEGACY_PIN_KEYS.certificates, { 'esx1:22': B, 'esx5:22': B });
    assert.deepEqual(await pins.all(), { 'esx1:22': A, 'vdr:22': C, 'esx5:22': B });
    assert.ok(lines.some((l) => /^warn .*esx1:22 disagree .*kept the current pin/.test(l)), lines.join('\n'));
    await pins.forget({ host: 'esx1', port: 22 });
    assert.equal(await pins.get({ host: 'esx1', port: 22 }), undefined);
  });
});

describe('SSH passwords: one SecretStorage key per user@host:port', () => {
  const t = { host: 'esx1', port: 22 };
  it('remembers, shares between features, forgets', async () => {
    const s = new MemorySecrets();
    const p = new SshPasswords(s);
    assert.equal(await p.get('root', t), undefined);
    await p.remember('root', t, 'pw');
    assert.equal(s.data.get('vsphereLab.ssh.password.root@esx1:22'), 'pw');
    assert.equal(passwordKey('root', t), 'vsphereLab.ssh.password.root@esx1:22');
    assert.equal(await new SshPasswords(s).get('root', t), 'pw');
    assert.equal(await p.get('admin', t), undefined, 'per user');
    assert.equal(await p.get('root', { host: 'esx1', port: 2222 }), undefined, 'per port');
    await p.forget('root', t);
    assert.equal(await p.has('root', t), false);
  });

  it('moves a password the esxtop capture kept under its own key', async () => {
    const s = new MemorySecrets();
    s.data.set('vsphereLab.memory.ssh.root@esx1:22.password', 'old');
    assert.equal(await new SshPasswords(s).get('root', t), 'old');
    assert.deepEqual([...s.data.keys()], ['vsphereLab.ssh.password.root@esx1:22']);
  });

  it('adopt() moves a feature\'s own key unless the shared one is set', async () => {
    const s = new MemorySecrets();
    const p = new SshPasswords(s);
    s.data.set('vsphereLab.certs.esx1.sshPassword', 'certs');
    assert.equal(await p.adopt('vsphereLab.certs.esx1.sshPassword', 'root', t), true);
    assert.equal(await p.get('root', t), 'certs');
    s.data.set('vsphereLab.certs.esx1.sshPassword', 'older');
    assert.equal(await p.adopt('vsphereLab.certs.esx1.sshPassword', 'root', t), true);
    assert.equal(await p.get('root', t), 'certs', 'the shared one is kept');
    assert.equal(s.data.has('vsphereLab.certs.esx1.sshPassword'), false);
    assert.equal(await p.adopt('vsphereLab.certs.esx1.sshPassword', 'root', t), false);
  });
});
