/**
 * Editor-shaped text edits (the same shape as vscode.TextEdit, without depending on 'vscode').
 * Positions are 0-based lines and UTF-16 code-unit columns in the decoded text, with line breaks
 * counted the way VS Code counts them: CRLF, LF and a lone CR each end a line.
 */

export interface PositionLike {
  line: number;
  character: number;
}

export interface RangeLike {
  start: PositionLike;
  end: PositionLike;
}

export interface TextEditLike {
  range: RangeLike;
  newText: string;
}

/** Offsets of the start of each line in `text` (line breaks: CRLF, LF, CR). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Position → offset, clamped the way an editor clamps (past the end of a line → its end). */
export function offsetAt(text: string, starts: number[], pos: PositionLike): number {
  if (pos.line < 0) return 0;
  if (pos.line >= starts.length) return text.length;
  const start = starts[pos.line];
  let end = pos.line + 1 < starts.length ? starts[pos.line + 1] : text.length;
  // exclude the line break itself
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return start + Math.max(0, Math.min(pos.character, end - start));
}

function cmpPos(a: PositionLike, b: PositionLike): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/**
 * Applies edits made against the same original text (as a WorkspaceEdit does). Throws when two
 * edits overlap.
 */
export function applyTextEdits(text: string, edits: readonly TextEditLike[]): string {
  const starts = lineStarts(text);
  const sorted = edits
    .map((e, i) => ({ e, i, s: offsetAt(text, starts, e.range.start), t: offsetAt(text, starts, e.range.end) }))
    .sort((a, b) => a.s - b.s || a.t - b.t || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e, s, t } of sorted) {
    if (s < at) throw new Error(`overlapping edits at line ${e.range.start.line + 1}`);
    out += text.slice(at, s) + e.newText;
    at = Math.max(s, t);
  }
  return out + text.slice(at);
}

/** Position reached after walking `s` from `from`. */
export function advance(from: PositionLike, s: string): PositionLike {
  let line = from.line;
  let lastBreakEnd = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13) {
      if (s.charCodeAt(i + 1) === 10) i++;
      line++;
      lastBreakEnd = i + 1;
    } else if (c === 10) {
      line++;
      lastBreakEnd = i + 1;
    }
  }
  return lastBreakEnd < 0 ? { line, character: from.character + s.length } : { line, character: s.length - lastBreakEnd };
}

/**
 * The smallest single edit turning `oldText` into `newText`, both starting at `at`: the common
 * prefix and suffix are left alone (never splitting a CRLF or a surrogate pair). Undefined when
 * the texts are equal.
 */
export function minimalEdit(at: PositionLike, oldText: string, newText: string): TextEditLike | undefined {
  if (oldText === newText) return undefined;
  const max = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  // do not cut between CR and LF, nor inside a surrogate pair
  while (p > 0 && (isCrLfCut(oldText, p) || isCrLfCut(newText, p) || isHighSurrogate(oldText.charCodeAt(p - 1)))) p--;
  let s = 0;
  const maxS = max - p;
  while (s < maxS && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  while (s > 0 && (isCrLfCut(oldText, oldText.length - s) || isCrLfCut(newText, newText.length - s) || isLowSurrogate(oldText.charCodeAt(oldText.length - s)))) s--;
  const start = advance(at, oldText.slice(0, p));
  const end = advance(start, oldText.slice(p, oldText.length - s));
  return { range: { start, end }, newText: newText.slice(p, newText.length - s) };
}

function isCrLfCut(t: string, i: number): boolean {
  return i > 0 && i < t.length && t.charCodeAt(i - 1) === 13 && t.charCodeAt(i) === 10;
}
function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export function positionsEqual(a: PositionLike, b: PositionLike): boolean {
  return cmpPos(a, b) === 0;
}
