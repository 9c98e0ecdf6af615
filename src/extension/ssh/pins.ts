/**
 * The one store of pinned SSH host keys: `host:port` → `SHA256:…` fingerprint, in global state under
 * {@link HOST_KEYS_KEY}. A key pinned for one purpose (esxtop capture, log fetch, certificate deploy,
 * terminal) is trusted for every other: the key belongs to the host, not to the feature.
 *
 * Until issue 16 each feature kept its own store ({@link LEGACY_PIN_KEYS}). They are merged into this
 * one the first time the store is read after an upgrade, and deleted. The merge never trusts a key the
 * user did not pin:
 * - a host pinned in one old store, or with the same key in several, keeps that pin;
 * - a host pinned with DIFFERENT keys in two old stores loses both pins (the old stores carry no dates,
 *   so neither can be called the newer one); the next connection shows the key and asks, and the
 *   conflict is logged with both fingerprints;
 * - a host already pinned in the new store keeps its pin (a decision made after the upgrade, so newer
 *   than any old store); a differing old pin is logged and dropped.
 *
 * Pure apart from the Memento it is given (no `vscode` import), so the unit tests run it over a map.
 */

/** The global-state key of the one pin store. */
export const HOST_KEYS_KEY = 'vsphereLab.ssh.hostKeys';

/** The per-feature stores this one replaces, by the feature that wrote them. */
export const LEGACY_PIN_KEYS = {
  esxtop: 'vsphereLab.memory.sshHostKeys',
  logs: 'vsphereLab.backup.sshHostKeys',
  certificates: 'vsphereLab.certs.sshHostKeys',
} as const;

/** What this store needs of `vscode.Memento` (global state). */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

/** `host:port` → fingerprint. */
export type PinMap = Record<string, string>;

/** Where an SSH server listens. */
export interface SshTarget {
  readonly host: string;
  readonly port: number;
}

/** The store's key for a target: `host:port` (an IPv6 address as written, without brackets). */
export const pinKey = (t: SshTarget): string => `${t.host}:${t.port}`;

/** A host the old stores disagree about: both pins dropped (or the old one, when the new store has one). */
export interface PinConflict {
  readonly hostPort: string;
  /** Old store name (or `current`) → the fingerprint it held. */
  readonly pins: Readonly<Record<string, string>>;
  /** The pin kept, when the new store already had one; undefined when all were dropped. */
  readonly kept?: string;
}

export interface MergeResult {
  readonly pins: PinMap;
  /** How many old pins were carried over (hosts, not counting ones the new store had already). */
  readonly migrated: number;
  readonly conflicts: readonly PinConflict[];
}

const isPinMap = (v: unknown): v is PinMap => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Merges the old per-feature stores into the current one by the rules in the file header. Pure:
 * entries whose value is not a string are ignored.
 */
export function mergePins(current: PinMap, legacy: Readonly<Record<string, PinMap | undefined>>): MergeResult {
  const seen = new Map<string, Record<string, string>>();
  for (const [source, pins] of Object.entries(legacy)) {
    if (!isPinMap(pins)) continue;
    for (const [hostPort, fp] of Object.entries(pins)) {
      if (typeof fp !== 'string' || !fp) continue;
      const bySource = seen.get(hostPort) ?? {};
      bySource[source] = fp;
      seen.set(hostPort, bySource);
    }
  }
  const pins: PinMap = { ...current };
  const conflicts: PinConflict[] = [];
  let migrated = 0;
  for (const [hostPort, bySource] of seen) {
    const distinct = new Set(Object.values(bySource));
    const now = current[hostPort];
    if (now !== undefined) {
      if (distinct.size > 1 || !distinct.has(now)) conflicts.push({ hostPort, pins: { current: now, ...bySource }, kept: now });
      continue;
    }
    if (distinct.size > 1) {
      conflicts.push({ hostPort, pins: bySource });
      continue;
    }
    pins[hostPort] = [...distinct][0];
    migrated++;
  }
  return { pins, migrated, conflicts };
}

/**
 * Moves the old stores into {@link HOST_KEYS_KEY} and deletes them. A no-op (three reads) when none is
 * left, so it runs before every read: an older copy of the extension writing an old store later is
 * picked up too. Returns what was merged, or undefined when there was nothing to do.
 */
export async function migrateLegacyPins(state: MementoLike): Promise<MergeResult | undefined> {
  const legacy: Record<string, PinMap | undefined> = {};
  let any = false;
  for (const [source, key] of Object.entries(LEGACY_PIN_KEYS)) {
    const v = state.get<unknown>(key);
    if (v === undefined) continue;
    any = true;
    legacy[source] = isPinMap(v) ? v : undefined;
  }
  if (!any) return undefined;
  const current = state.get<unknown>(HOST_KEYS_KEY);
  const result = mergePins(isPinMap(current) ? current : {}, legacy);
  await state.update(HOST_KEYS_KEY, result.pins);
  for (const key of Object.values(LEGACY_PIN_KEYS)) if (state.get(key) !== undefined) await state.update(key, undefined);
  return result;
}

/** Reads and writes the one pin store; every read first folds in any old per-feature store. */
export class HostKeyPins {
  constructor(
    private readonly state: MementoLike,
    /** Told about migrations and conflicts (the extension passes its log). */
    private readonly report: (line: string, level: 'info' | 'warn') => void = () => undefined,
  ) {}

  /** All pins, `host:port` → fingerprint. */
  async all(): Promise<PinMap> {
    const merged = await migrateLegacyPins(this.state);
    if (merged) this.reportMerge(merged);
    const v = this.state.get<unknown>(HOST_KEYS_KEY);
    return isPinMap(v) ? { ...v } : {};
  }

  /** The pinned fingerprint of a target, if any. */
  async get(t: SshTarget): Promise<string | undefined> {
    return (await this.all())[pinKey(t)];
  }

  /** Pins (or re-pins) a target's key. Pass a normalised `SHA256:…` fingerprint. */
  async set(t: SshTarget, fingerprint: string): Promise<void> {
    const pins = await this.all();
    if (pins[pinKey(t)] === fingerprint) return;
    await this.state.update(HOST_KEYS_KEY, { ...pins, [pinKey(t)]: fingerprint });
  }

  /** Forgets a target's pin: the next connection asks again. */
  async forget(t: SshTarget): Promise<void> {
    const pins = await this.all();
    if (!(pinKey(t) in pins)) return;
    delete pins[pinKey(t)];
    await this.state.update(HOST_KEYS_KEY, pins);
  }

  private reportMerge(r: MergeResult): void {
    this.report(`ssh: merged ${r.migrated} host key pin(s) from the per-feature stores into ${HOST_KEYS_KEY}`, 'info');
    for (const c of r.conflicts) {
      const all = Object.entries(c.pins).map(([s, fp]) => `${s}=${fp}`).join(', ');
      this.report(c.kept
        ? `ssh: host key pins for ${c.hostPort} disagree (${all}); kept the current pin ${c.kept}`
        : `ssh: host key pins for ${c.hostPort} disagree (${all}); dropped them all, the next connection will show the key and ask`, 'warn');
    }
  }
}
