/**
 * Pure helpers of the Certificates board, shared by the panel (browser), the tree badges and the
 * CLI: the warning level of a number of days left, and the board as CSV. No runtime imports.
 */
import type { ExpiryBoard, ExpiryRow } from './expiry';

/** Default thresholds (days) of `vsphereLab.certificates.warnDays`. */
export const DEFAULT_WARN_DAYS: readonly number[] = [90, 30, 7];

export type ExpiryLevel = 'ok' | 'notice' | 'warning' | 'critical' | 'expired' | 'unknown';

/** Positive whole numbers, largest first, without duplicates; the defaults when none is valid. */
export function normaliseWarnDays(value: unknown): number[] {
  const list = Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0).map(Math.floor) : [];
  const out = [...new Set(list)].sort((a, b) => b - a);
  return out.length ? out : [...DEFAULT_WARN_DAYS];
}

/**
 * The level of `daysLeft` against thresholds (largest first): within the smallest → critical, the
 * next → warning, any larger → notice; past notAfter → expired.
 */
export function expiryLevel(daysLeft: number | undefined, warnDays: readonly number[]): ExpiryLevel {
  if (daysLeft === undefined || !Number.isFinite(daysLeft)) return 'unknown';
  if (daysLeft < 0) return 'expired';
  const t = normaliseWarnDays(warnDays);
  const hit = t.filter((d) => daysLeft <= d).length;
  if (hit === 0) return 'ok';
  if (hit === t.length) return 'critical';
  return hit === t.length - 1 ? 'warning' : 'notice';
}

/** The threshold a number of days is within (the smallest that holds it), for "within 30 days". */
export function thresholdOf(daysLeft: number, warnDays: readonly number[]): number | undefined {
  return normaliseWarnDays(warnDays).filter((d) => daysLeft <= d).pop();
}

function csvCell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  // Quote always; double quotes inside; a leading = + - @ is prefixed so spreadsheets do not run it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = ['role', 'name', 'endpoint', 'product', 'certificate', 'subject', 'issuer', 'key', 'notAfter', 'daysLeft', 'sha256', 'source', 'route', 'error'] as const;

function rowLines(r: ExpiryRow): string[] {
  const line = (certificate: string, c: ExpiryRow['cert']): string => [
    r.role, r.name, r.endpoint, r.product, certificate, c?.subject, c?.issuer, c?.key, c?.notAfter, c?.daysLeft, c?.sha256, r.source, r.route,
    certificate === 'leaf' && r.error ? `${r.error.code}: ${r.error.message}` : undefined,
  ].map(csvCell).join(',');
  return [line('leaf', r.cert), ...r.chain.map((c, i) => line(`chain ${i + 1}`, c))];
}

/** The board as CSV: one line per certificate (the leaf, then each CA of its chain), CRLF line ends. */
export function boardToCsv(board: Pick<ExpiryBoard, 'rows'>): string {
  return [CSV_COLUMNS.map(csvCell).join(','), ...board.rows.flatMap(rowLines)].join('\r\n') + '\r\n';
}
