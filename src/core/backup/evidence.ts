/**
 * Where a backup fact or finding came from: a .vmx line, an API property, a log line or an option
 * the user chose. The lowest module of core/backup (it imports nothing), so that facts.ts,
 * createdOn.ts, rules.ts and the report can all point at evidence without importing each other.
 */
/** Where a fact came from. */
export type Evidence =
  | { kind: 'vmx'; file: string; line: number; key: string; value: string }
  | { kind: 'api'; path: string; value: string }
  | { kind: 'log'; file: string; line: number; text: string; time?: number }
  | { kind: 'option'; name: string; value: string };
