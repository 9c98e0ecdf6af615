/**
 * A minimal, tolerant .vmx reader: key/value entries with 1-based line numbers, for the backup
 * diagnostics only. It is a stopgap until the lossless document in src/core/vmx/document.ts is
 * available; prefer that one when it exists (the CLI does).
 *
 * Format (DOMAIN.md §4; sanbarrow.com vmx FAQ): `key = "value"` lines, `#` comments, values may use
 * `|XX` hex escapes (`|22` = `"`, `|7C` = `|`; libvirt tests/vmx2xmldata/annotation.vmx).
 */
import type { VmxEntry } from './facts';

const LINE = /^\s*([^\s=#][^=]*?)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^#]*?))\s*(?:#.*)?$/;

export function unescapeVmxValue(v: string): string {
  return v.replace(/\|([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Reads entries from .vmx text; lines that are not `key = value` (comments, blanks, junk) are skipped. */
export function readVmxEntries(text: string): VmxEntry[] {
  const out: VmxEntry[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.trim() || l.trimStart().startsWith('#')) continue;
    const m = LINE.exec(l);
    if (!m) continue;
    out.push({ key: m[1], value: unescapeVmxValue(m[2] ?? m[3] ?? ''), line: i + 1 });
  }
  return out;
}
